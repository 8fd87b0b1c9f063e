import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from balai.education import rules, selectors, services
from balai.education.rules import Reason, Risk, Status

from .conftest import DAY, born_aged


def _by_name(children):
    return {c.name: c for c in children}


def test_school_age_is_7_to_18_on_the_reference_date(village_a, make_child):
    # given children around both edges of the range on DAY
    make_child("TUJUH HARI INI", birth_date=DAY.replace(year=DAY.year - 7))
    make_child("ENAM BESOK TUJUH", birth_date=DAY.replace(year=DAY.year - 7) + dt.timedelta(days=1))
    make_child("DELAPAN BELAS", birth_date=DAY.replace(year=DAY.year - 19) + dt.timedelta(days=1))
    make_child("SEMBILAN BELAS HARI INI", birth_date=DAY.replace(year=DAY.year - 19))
    make_child("MENINGGAL", age=10, status=2)
    # when
    names = set(_by_name(selectors.school_age_children(village=village_a, day=DAY)))
    # then
    assert names == {"TUJUH HARI INI", "DELAPAN BELAS"}
    # and a day later the 6-year-old has turned 7
    later = set(_by_name(selectors.school_age_children(village=village_a, day=DAY + dt.timedelta(days=1))))
    assert "ENAM BESOK TUJUH" in later


def test_other_villages_children_are_not_listed(village_a, make_child, family_b):
    make_child("ANAK A")
    make_child("ANAK B", family=family_b)
    assert set(_by_name(selectors.school_age_children(village=village_a, day=DAY))) == {"ANAK A"}


def test_ats_detection(village_a, make_child, school_sd, school_smp, enrol):
    # given
    make_child("TIDAK PERNAH", education_current=3)
    dropped = make_child("PUTUS", age=12)
    enrol(dropped, school_sd, 2025, 5)
    enrol(dropped, school_sd, 2026, 6, status="putus")
    finished = make_child("LULUS SD", age=13, education_current=18)
    enrol(finished, school_sd, 2025, 6, status="lulus")
    stale = make_child("TIDAK DAFTAR ULANG", age=11)
    enrol(stale, school_sd, 2025, 5)
    ok = make_child("SEKOLAH", age=11)
    enrol(ok, school_sd, 2026, 5)
    moved_on = make_child("LANJUT SMP", age=13)
    enrol(moved_on, school_sd, 2025, 6, status="lulus")
    enrol(moved_on, school_smp, 2026, 7)
    make_child("MENURUT KK", age=9, education_current=4)
    # when
    children = _by_name(selectors.school_age_children(village=village_a, day=DAY))
    follow = _by_name(selectors.follow_up_list(village=village_a, day=DAY))
    # then
    assert (children["TIDAK PERNAH"].status, children["TIDAK PERNAH"].reason) == (Status.OUT, Reason.NEVER)
    assert children["PUTUS"].reason == Reason.DROPPED
    assert children["LULUS SD"].reason == Reason.NOT_CONTINUED
    assert children["TIDAK DAFTAR ULANG"].reason == Reason.NOT_REENROLLED
    assert children["SEKOLAH"].status == Status.IN_SCHOOL
    assert not children["SEKOLAH"].needs_follow_up
    assert children["LANJUT SMP"].status == Status.IN_SCHOOL
    assert children["MENURUT KK"].status == Status.REGISTRY_ONLY
    assert set(follow) == {"TIDAK PERNAH", "PUTUS", "LULUS SD", "TIDAK DAFTAR ULANG"}


def test_at_risk_detection(operator_a, village_a, make_child, school_sd, enrol):
    # given a child repeating grade 4 and one reported absent, one absent long ago
    repeating = make_child("TINGGAL KELAS", age=10)
    enrol(repeating, school_sd, 2025, 4)
    enrol(repeating, school_sd, 2026, 4)
    absent = make_child("BOLOS", age=10)
    enrol(absent, school_sd, 2026, 4)
    services.absence_report(
        actor=operator_a,
        village=village_a,
        resident=absent,
        reported_on=DAY,
        reporter="Wali kelas",
        days_absent=15,
    )
    old = make_child("DULU BOLOS", age=10)
    enrol(old, school_sd, 2026, 4)
    services.absence_report(
        actor=operator_a,
        village=village_a,
        resident=old,
        reported_on=DAY - dt.timedelta(days=rules.ABSENCE_DAYS),
        reporter="Wali kelas",
        days_absent=15,
    )
    # when
    follow = _by_name(selectors.follow_up_list(village=village_a, day=DAY))
    # then
    assert follow["TINGGAL KELAS"].risks == [Risk.REPEATED]
    assert follow["BOLOS"].risks == [Risk.ABSENT]
    assert "DULU BOLOS" not in follow


def test_follow_up_filters(village_a, make_child, school_sd, enrol):
    make_child("KECIL", age=8, education_current=3)
    make_child("BESAR", age=17, education_current=18, education_kk=4)
    follow = selectors.follow_up_list(
        village=village_a, day=DAY, filters=selectors.ChildFilters(age_min=15, reason=Reason.REGISTRY_OUT)
    )
    assert [c.name for c in follow] == ["BESAR"]


def test_follow_up_list_masks_nik(village_a, make_child):
    child = make_child("TIDAK PERNAH", education_current=3)
    [row] = selectors.follow_up_list(village=village_a, day=DAY)
    assert row.nik_masked != child.nik
    assert row.nik_masked.startswith(child.nik[:6])
    assert "*" in row.nik_masked


def test_paud_range_is_3_to_6(village_a, make_child, school_paud, enrol):
    make_child("DUA", birth_date=born_aged(2), education_current=1)
    three = make_child("TIGA", birth_date=born_aged(3), education_current=2)
    make_child("ENAM", birth_date=born_aged(6), education_current=2)
    make_child("TUJUH", birth_date=born_aged(7), education_current=4)
    enrol(three, school_paud, 2026, 0)
    items = {c.name: c for c in selectors.paud_children(village=village_a, day=DAY)}
    assert set(items) == {"TIGA", "ENAM"}
    assert items["TIGA"].recorded
    assert not items["ENAM"].recorded
    counts = selectors.village_counts(village=village_a, day=DAY)
    assert (counts.paud_children, counts.paud_recorded, counts.paud_registry) == (2, 1, 2)
    assert counts.paud_rate == 50


def test_counts_agree_with_the_list(operator_a, village_a, make_child, school_sd, enrol, family_b):
    # given a mix of children in A (and one in B that must not count)
    make_child("TIDAK PERNAH", education_current=3)
    make_child("TAMAT", age=18, education_current=18, education_kk=5)
    rep = make_child("TINGGAL KELAS", age=10)
    enrol(rep, school_sd, 2025, 4)
    enrol(rep, school_sd, 2026, 4)
    absent = make_child("BOLOS", age=10)
    enrol(absent, school_sd, 2026, 4)
    services.absence_report(
        actor=operator_a, village=village_a, resident=absent, reported_on=DAY, reporter="SD", days_absent=9
    )
    services.absence_report(
        actor=operator_a, village=village_a, resident=rep, reported_on=DAY, reporter="SD", days_absent=9
    )
    make_child("KK", age=8)
    make_child("ANAK B", family=family_b, education_current=3)
    services.scholarship_set(
        actor=operator_a, village=village_a, resident=absent, year=DAY.year, status="penerima"
    )
    # when
    children = selectors.school_age_children(village=village_a, day=DAY)
    counts = selectors.village_counts(village=village_a, day=DAY)
    # then
    assert counts.children == len(children) == 5
    assert counts.out_of_school == sum(1 for c in children if c.status == Status.OUT) == 1
    assert counts.status_total(Status.COMPLETED) == 1
    assert counts.at_risk == sum(1 for c in children if c.risks) == 2
    assert counts.risks[Risk.ABSENT] == 2
    assert counts.risks[Risk.REPEATED] == 1
    assert counts.reasons[Reason.NEVER] == 1
    assert counts.pip_recipients == 1
    assert sum(counts.by_band[rules.band_of(18)].values()) == 1


def _counted_one_by_one(village, day):
    """The counts as the village lists see each child: the reference for `counts_by_village`."""
    from balai.education.models import Scholarship

    counts = selectors.Counts()
    for child in selectors.school_age_children(village=village, day=day):
        counts.children += 1
        band = rules.band_of(child.age)
        if band is not None:
            counts.by_band[band][child.status] += 1
        if child.reason:
            counts.reasons[child.reason] += 1
        for risk in child.risks:
            counts.risks[risk] += 1
        counts.at_risk += bool(child.risks)
    for child in selectors.paud_children(village=village, day=day):
        counts.paud_children += 1
        counts.paud_recorded += child.recorded
        counts.paud_registry += child.registry
    counts.pip_recipients = Scholarship.objects.filter(
        village=village, year=day.year, status__in=["penerima", "cair"], resident__status=1
    ).count()
    return counts


def test_regional_counts_equal_the_children_classified_one_by_one(
    operator_a, village_a, make_child, school_paud, school_sd, school_smp, school_sma, enrol, family_b
):
    # given children at every edge of the PAUD and school ages, with every kind of record
    make_child("DUA", birth_date=born_aged(2), education_current=1)
    paud = make_child("TIGA", birth_date=born_aged(3), education_current=2)
    enrol(paud, school_paud, 2026, 0)
    make_child("ENAM HARI INI", birth_date=DAY.replace(year=DAY.year - 6), education_current=2)
    old_paud = make_child("ENAM", birth_date=born_aged(6), education_current=1)
    enrol(old_paud, school_paud, 2025, 0)
    make_child("TUJUH HARI INI", birth_date=DAY.replace(year=DAY.year - 7), education_current=4)
    make_child("TUJUH BESOK", birth_date=DAY.replace(year=DAY.year - 7) + dt.timedelta(days=1))
    make_child("TIDAK PERNAH", age=9, education_current=3)
    dropped = make_child("PUTUS", age=12)
    enrol(dropped, school_sd, 2025, 5)
    enrol(dropped, school_sd, 2026, 6, status="putus")
    finished = make_child("LULUS SD", age=13, education_current=18)
    enrol(finished, school_sd, 2025, 6, status="lulus")
    stale = make_child("TIDAK DAFTAR ULANG", age=11)
    enrol(stale, school_sd, 2025, 5)
    repeating = make_child("TINGGAL KELAS", age=14)
    enrol(repeating, school_smp, 2025, 8)
    enrol(repeating, school_smp, 2026, 8)
    moved = make_child("PINDAH", age=15)
    enrol(moved, school_smp, 2026, 9, status="pindah")
    absent = make_child("BOLOS", age=10)
    enrol(absent, school_sd, 2026, 4)
    services.absence_report(
        actor=operator_a, village=village_a, resident=absent, reported_on=DAY, reporter="SD", days_absent=9
    )
    services.absence_report(
        actor=operator_a, village=village_a, resident=repeating, reported_on=DAY, reporter="SD", days_absent=9
    )
    graduate = make_child("TAMAT SMA", age=18)
    enrol(graduate, school_sma, 2025, 12, status="lulus")
    make_child("TAMAT KK", age=17, education_current=18, education_kk=5)
    make_child("BELUM ADA DATA", age=16, education_current=None)
    make_child("DELAPAN BELAS", birth_date=DAY.replace(year=DAY.year - 19) + dt.timedelta(days=1))
    adult = make_child("SEMBILAN BELAS", birth_date=DAY.replace(year=DAY.year - 19), education_current=18)
    make_child("MENINGGAL", age=10, status=2)
    make_child("MENINGGAL PAUD", age=4, status=2)
    gone = make_child("PIP MENINGGAL", age=11)
    make_child("ANAK B", family=family_b, education_current=3)
    make_child("PAUD B", family=family_b, birth_date=born_aged(4))
    for child in (absent, paud, adult, gone):
        services.scholarship_set(
            actor=operator_a, village=village_a, resident=child, year=DAY.year, status="cair"
        )
    type(gone).objects.filter(pk=gone.pk).update(status=2)

    # when
    with CaptureQueriesContext(connection) as queries:
        counts = selectors.counts_by_village(villages=[village_a], day=DAY)[village_a.pk]

    # then every figure is what the children's own classification adds up to
    expected = _counted_one_by_one(village_a, DAY)
    assert counts.as_data() == expected.as_data()
    assert (counts.children, counts.paud_children, counts.pip_recipients) == (12, 4, 3)
    # and the residents were grouped once, for the school ages and PAUD together
    residents = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "people_resident"')
    ]
    assert len([sql for sql in residents if "GROUP BY" in sql]) == 1


def test_regional_has_one_row_per_village_and_totals(village_a, village_b, make_child, family_b):
    make_child("ANAK A", education_current=3)
    make_child("ANAK B", family=family_b, education_current=4)
    data = selectors.regional(villages=[village_b, village_a], day=DAY)
    assert [r.name for r in data.rows] == ["Brokoh", "Cepagan"]
    assert [r.counts.out_of_school for r in data.rows] == [1, 0]
    assert data.total.children == 2
    assert data.total.out_of_school == 1


def test_regional_counts_are_stored_and_dropped_when_the_village_records_change(
    operator_a, village_a, make_child, school_sd, enrol
):
    from balai.education.models import VillageSummary

    # given a regency page computed once
    child = make_child("ANAK", age=10, education_current=3)
    first = selectors.regional(villages=[village_a], day=DAY)
    assert first.total.out_of_school == 1
    assert VillageSummary.objects.filter(village=village_a, day=DAY).count() == 1
    # when the registry changes behind its back, the stored counts are served (until tomorrow)
    type(child).objects.filter(pk=child.pk).update(education_current=4)
    assert selectors.regional(villages=[village_a], day=DAY).total.out_of_school == 1
    # when the village records a school for the child
    enrol(child, school_sd, 2026, 4)
    # then the stored summary was dropped and the page counts again
    assert not VillageSummary.objects.filter(village=village_a).exists()
    again = selectors.regional(villages=[village_a], day=DAY)
    assert again.total.out_of_school == 0
    assert again.total.status_total(Status.IN_SCHOOL) == 1


def test_summaries_command_recounts(village_a, make_child):
    from django.core.management import call_command

    from balai.education.models import VillageSummary

    make_child("ANAK", education_current=3)
    call_command("education_summaries", "--day", DAY.isoformat(), stdout=io.StringIO())
    stored = VillageSummary.objects.get(village=village_a, day=DAY)
    assert stored.data["reasons"]["tidak_pernah"] == 1


@pytest.mark.django_db(transaction=True)
def test_regional_counts_read_in_two_connections_are_the_same(
    village_a, village_b, make_child, family_b, monkeypatch
):
    # given: committed children in two villages (a second connection sees committed rows only)
    make_child("ANAK A", education_current=3)
    make_child("ANAK A2", age=15, education_current=1)
    make_child("ANAK B", family=family_b, education_current=4)
    whole = selectors.counts_by_village(villages=[village_a, village_b], day=DAY)

    # when: split from two villages on (PostgreSQL counts the second in another connection)
    monkeypatch.setattr(selectors, "SPLIT_READ_VILLAGES", 2)
    split = selectors.counts_by_village(villages=[village_a, village_b], day=DAY)

    # then
    assert split == whole
    assert whole[village_a.pk].children == 2
    assert whole[village_b.pk].children == 1
