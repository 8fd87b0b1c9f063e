"""Monthly posyandu report (SKDN) and stunting prevalence: the selectors in `reports`."""

from __future__ import annotations

import datetime as dt

import pytest

from balai.health import reports
from balai.health.models import ChildMeasurement, Posyandu, PosyanduArea, PosyanduSession
from balai.health.reports import Month, band_of, months_between, suppressed
from balai.health.services import measurement_record
from balai.people import codes
from balai.people.tests.factories import DusunFactory, FamilyFactory, ResidentFactory, RtFactory

APRIL = Month(2026, 4)


def child(village, rt, *, born, sex=1, **kw):
    family = FamilyFactory(village=village, rt=rt)
    return ResidentFactory(
        village=village, family=family, rt=rt, birth_date=born, sex=sex, family_relation=4, **kw
    )


def weigh(village, kid, day, kg, cm=None, session=None):
    position = ""
    if cm is not None:
        position = "l" if (day - kid.birth_date).days < 731 else "h"
    return measurement_record(
        actor=None,
        village=village,
        child=kid,
        measured_on=day,
        weight_kg=kg,
        lenhei_cm=cm,
        position=position,
        session=session,
        confirm_implausible=True,
    )


@pytest.fixture
def krajan(village_a):
    """Dusun Krajan with its posyandu (by dusun name) and a second dusun without one."""
    krajan = DusunFactory(village=village_a, name="Krajan")
    other = DusunFactory(village=village_a, name="Sidomulyo")
    rt1 = RtFactory(village=village_a, dusun=krajan, rw="001", rt="001")
    rt2 = RtFactory(village=village_a, dusun=other, rw="002", rt="001")
    posyandu = Posyandu.objects.create(village=village_a, name="Posyandu Melati", dusun="Krajan")
    return {"rt": rt1, "rt_other": rt2, "posyandu": posyandu}


# --- Helpers ----------------------------------------------------------------------------------


def test_month_arithmetic():
    assert Month.parse("2026-04") == APRIL
    assert Month.parse("2026-13") is None
    assert Month.parse("x") is None
    assert Month.parse(None) is None
    assert Month(2026, 1).previous() == Month(2025, 12)
    assert Month(2025, 12).next() == Month(2026, 1)
    assert APRIL.last == dt.date(2026, 4, 30)
    assert [str(m) for m in APRIL.back(3)] == ["2026-02", "2026-03", "2026-04"]
    assert len(APRIL.back(12)) == 12


@pytest.mark.parametrize(
    ("born", "on", "months"),
    [
        (dt.date(2026, 1, 31), dt.date(2026, 2, 28), 0),  # no 31st in February: not yet a month
        (dt.date(2026, 1, 31), dt.date(2026, 3, 31), 2),
        (dt.date(2021, 5, 1), dt.date(2026, 4, 30), 59),
        (dt.date(2021, 4, 30), dt.date(2026, 4, 30), 60),
    ],
)
def test_months_between(born, on, months):
    assert months_between(born, on) == months


@pytest.mark.parametrize(
    ("months", "band"),
    [
        (0, "0-5"),
        (5, "0-5"),
        (6, "6-11"),
        (11, "6-11"),
        (12, "12-23"),
        (24, "24-59"),
        (59, "24-59"),
        (60, None),
    ],
)
def test_age_bands_of_skdn(months, band):
    assert band_of(months) == band


@pytest.mark.parametrize(("count", "shown"), [(0, "0"), (1, "<3"), (2, "<3"), (3, "3"), (40, "40")])
def test_small_counts_are_suppressed(count, shown):
    assert suppressed(count) == shown


# --- SKDN -----------------------------------------------------------------------------------


def test_monthly_report_counts_s_k_d_n_t_o_b(village_a, krajan):
    # given six children of Krajan and what happened to each up to April 2026
    rt = krajan["rt"]
    session = PosyanduSession.objects.create(
        village=village_a, posyandu=krajan["posyandu"], held_on=dt.date(2026, 4, 10)
    )
    up = child(village_a, rt, born=dt.date(2025, 10, 15), sex=2)  # 6 months on 30 April
    weigh(village_a, up, dt.date(2026, 3, 10), "7.0")
    weigh(village_a, up, dt.date(2026, 4, 10), "7.5", session=session)  # +500 g ≥ KBM 400/500
    flat = child(village_a, rt, born=dt.date(2024, 4, 10))  # 24 months
    weigh(village_a, flat, dt.date(2026, 3, 10), "12.0")
    weigh(village_a, flat, dt.date(2026, 4, 10), "12.1", session=session)  # +100 g < KBM 200
    skipped = child(village_a, rt, born=dt.date(2023, 1, 1))  # weighed in January, not March
    weigh(village_a, skipped, dt.date(2026, 1, 10), "13.0")
    weigh(village_a, skipped, dt.date(2026, 4, 10), "13.5", session=session)
    new = child(village_a, rt, born=dt.date(2026, 2, 1), sex=2)
    weigh(village_a, new, dt.date(2026, 4, 10), "4.8", session=session)
    child(village_a, rt, born=dt.date(2022, 6, 1))  # never weighed: in S only
    too_old = child(village_a, rt, born=dt.date(2021, 3, 1))  # 61 months: outside S and D
    weigh(village_a, too_old, dt.date(2026, 4, 10), "16.0")
    dead = child(village_a, rt, born=dt.date(2025, 1, 1), status=codes.STATUS_DEAD)
    ChildMeasurement.objects.create(
        village=village_a, child=dead, measured_on=dt.date(2026, 4, 2), age_days=456, weight_kg="9"
    )

    # when the April report is built
    report = reports.monthly_report(village=village_a, month=APRIL)

    # then each letter counts the right children
    total = report.total
    assert (total.S, total.K, total.D) == (5, 4, 4)
    assert (total.N, total.T, total.O, total.B) == (1, 1, 1, 1)
    assert total.d_s == 80.0
    assert total.n_d == 25.0
    # by band and sex: the girl of 6 months is N in 6-11, the new girl B in 0-5
    assert total.n("N", "6-11", 2) == 1
    assert total.n("B", "0-5", 2) == 1
    assert total.n("S", "24-59", 1) == 3
    assert [row.name for row in report.posyandus] == ["Posyandu Melati"]
    assert report.posyandus[0].D == 4


def test_children_of_a_dusun_without_posyandu_get_their_own_row(village_a, krajan):
    # given a child of Sidomulyo, which no posyandu serves, weighed without a session
    kid = child(village_a, krajan["rt_other"], born=dt.date(2025, 1, 1))
    weigh(village_a, kid, dt.date(2026, 4, 5), "9.0")

    report = reports.monthly_report(village=village_a, month=APRIL)

    by_name = {row.name: row for row in report.posyandus}
    assert by_name[reports.NO_POSYANDU].S == 1
    assert by_name[reports.NO_POSYANDU].D == 1
    assert by_name["Posyandu Melati"].S == 0
    assert report.posyandus[-1].name == reports.NO_POSYANDU  # listed last


def test_posyandu_area_by_rt_wins_over_dusun(village_a, krajan):
    # given a second posyandu serving the RT of Sidomulyo explicitly
    second = Posyandu.objects.create(village=village_a, name="Posyandu Mawar")
    PosyanduArea.objects.create(village=village_a, posyandu=second, rt=krajan["rt_other"])
    child(village_a, krajan["rt_other"], born=dt.date(2025, 1, 1))

    report = reports.monthly_report(village=village_a, month=APRIL)

    assert {row.name: row.S for row in report.posyandus} == {"Posyandu Mawar": 1, "Posyandu Melati": 0}


def test_other_villages_are_not_counted(village_a, village_b, krajan):
    # given a child weighed in village B
    rt_b = RtFactory(village=village_b)
    kid = child(village_b, rt_b, born=dt.date(2025, 1, 1))
    weigh(village_b, kid, dt.date(2026, 4, 5), "9.0", "75.0")

    report = reports.monthly_report(village=village_a, month=APRIL)
    prevalence = reports.prevalence_by(villages=[village_a], month=APRIL, by="all")[None]

    assert report.total.S == 0
    assert report.total.D == 0
    assert prevalence.measured == 0


def test_skdn_by_village_sums_each_village(village_a, village_b, krajan):
    child(village_a, krajan["rt"], born=dt.date(2025, 1, 1))
    rt_b = RtFactory(village=village_b)
    for _ in range(2):
        child(village_b, rt_b, born=dt.date(2024, 1, 1))

    totals = reports.skdn_by_village(villages=[village_a, village_b], month=APRIL)

    assert totals[village_a.pk].S == 1
    assert totals[village_b.pk].S == 2


# --- Prevalence ------------------------------------------------------------------------------


def test_prevalence_counts_each_child_once_by_the_last_measurement(village_a, krajan):
    # given a 24-month-old boy measured twice in April: first very short, then normal
    kid = child(village_a, krajan["rt"], born=dt.date(2024, 4, 1))
    weigh(village_a, kid, dt.date(2026, 4, 2), "9.0", "78.0")  # about −3.3 SD
    weigh(village_a, kid, dt.date(2026, 4, 20), "12.0", "87.5")  # about 0 SD
    # and a short girl in the other dusun
    girl = child(village_a, krajan["rt_other"], born=dt.date(2024, 4, 1), sex=2)
    weigh(village_a, girl, dt.date(2026, 4, 3), "9.5", "79.0")

    by_dusun = reports.prevalence_by(villages=[village_a], month=APRIL, by="dusun")
    total = reports.prevalence_by(villages=[village_a], month=APRIL, by="all")[None]

    assert (by_dusun["Krajan"].measured, by_dusun["Krajan"].stunted) == (1, 0)
    assert (by_dusun["Sidomulyo"].measured, by_dusun["Sidomulyo"].stunted) == (1, 1)
    assert (total.measured, total.stunted, total.stunting) == (2, 1, 50.0)
    assert total.weighed == 2


def test_stunting_is_strictly_below_minus_two(village_a, krajan):
    # given measurements whose stored z is exactly −2.00 and −2.01
    kid1 = child(village_a, krajan["rt"], born=dt.date(2024, 1, 1))
    kid2 = child(village_a, krajan["rt"], born=dt.date(2024, 1, 1))
    for kid, z in ((kid1, -2.0), (kid2, -2.01)):
        ChildMeasurement.objects.create(
            village=village_a, child=kid, measured_on=dt.date(2026, 4, 5), age_days=825, z_lhfa=z
        )

    total = reports.prevalence_by(villages=[village_a], month=APRIL, by="all")[None]

    assert (total.measured, total.stunted) == (2, 1)


def test_trend_has_every_month_even_without_data(village_a, krajan):
    kid = child(village_a, krajan["rt"], born=dt.date(2024, 4, 1))
    weigh(village_a, kid, dt.date(2026, 2, 2), "9.0", "78.0")

    trend = reports.prevalence_trend(villages=[village_a], month=APRIL, by="all")[None]

    assert [str(p.month) for p in trend][-3:] == ["2026-02", "2026-03", "2026-04"]
    assert len(trend) == 12
    assert trend[-3].value.stunted == 1
    assert trend[-1].value.measured == 0
    assert trend[-1].value.stunting is None


def test_latest_month_is_the_last_measured(village_a, krajan):
    kid = child(village_a, krajan["rt"], born=dt.date(2024, 4, 1))
    weigh(village_a, kid, dt.date(2026, 2, 2), "9.0")

    assert reports.latest_month(villages=[village_a], today=dt.date(2026, 11, 27)) == Month(2026, 2)
    assert reports.latest_month(villages=[], today=dt.date(2026, 11, 27)) == Month(2026, 11)


@pytest.mark.django_db(transaction=True)
def test_regional_figures_read_in_two_connections_are_the_same(village_a, village_b, krajan, monkeypatch):
    # given: committed measurements in two villages over several months (a second connection
    # sees committed rows only)
    kid_a = child(village_a, krajan["rt"], born=dt.date(2024, 4, 1))
    kid_b = child(village_b, None, born=dt.date(2025, 1, 10), sex=2)
    for month in (1, 2, 4):
        weigh(village_a, kid_a, dt.date(2026, month, 3), "9.0", "78.0")
        weigh(village_b, kid_b, dt.date(2026, month, 5), "7.5", "66.0")
    villages = [village_a, village_b]
    whole = (
        reports.skdn_by_village(villages=villages, month=APRIL),
        reports.prevalence_trend(villages=villages, month=APRIL, by="village"),
    )

    # when: split from two villages on (PostgreSQL reads half in another connection)
    monkeypatch.setattr(reports, "SPLIT_READ_VILLAGES", 2)
    split = (
        reports.skdn_by_village(villages=villages, month=APRIL),
        reports.prevalence_trend(villages=villages, month=APRIL, by="village"),
    )

    # then
    assert split == whole
    assert whole[1][village_a.pk][-1].value.measured == 1


def test_a_regional_trend_read_in_one_pass_counts_as_month_by_month(
    village_a, village_b, krajan, monkeypatch
):
    # given: two villages, children measured over several months, some twice in a month (the
    # later measurement counts) and one measured twice on the same day (the later row counts)
    kid_a = child(village_a, krajan["rt"], born=dt.date(2024, 4, 1))
    kid_b = child(village_b, None, born=dt.date(2025, 1, 10), sex=2)
    kid_c = child(village_a, krajan["rt_other"], born=dt.date(2023, 6, 1))
    for month in (1, 2, 4):
        weigh(village_a, kid_a, dt.date(2026, month, 3), "9.0", "78.0")
        weigh(village_a, kid_a, dt.date(2026, month, 20), "12.0", "87.5")
        weigh(village_b, kid_b, dt.date(2026, month, 5), "7.5", "66.0")
    weigh(village_a, kid_c, dt.date(2026, 4, 7), "12.0", "95.0")
    weigh(village_a, kid_c, dt.date(2026, 4, 7), "9.0", "80.0")
    weigh(village_a, kid_c, dt.date(2025, 5, 31), "9.0", "80.0")  # the span's first month
    weigh(village_a, kid_c, dt.date(2025, 4, 30), "9.0", "80.0")  # before it
    villages = [village_a, village_b]
    by_month = [reports.prevalence_by(villages=villages, month=m, by="all") for m in APRIL.back(12)]

    # when: from two villages on, a regional trend (one pass on PostgreSQL)
    monkeypatch.setattr(reports, "SPLIT_READ_VILLAGES", 2)
    trend = reports.prevalence_trend(villages=villages, month=APRIL, by="all")

    # then
    assert [point.value for point in trend[None]] == [values[None] for values in by_month]
    assert (trend[None][-1].value.measured, trend[None][-1].value.stunted) == (3, 2)
    assert trend[None][0].value.measured == 1
