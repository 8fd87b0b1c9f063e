"""Report pages: who may see them, what they show, the XLSX download."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import time_machine
from django.urls import reverse
from python_calamine import CalamineWorkbook

from balai.health.models import Posyandu, PosyanduSession
from balai.health.reports import Month, Prevalence, TrendPoint
from balai.health.tests.test_reports import child, weigh
from balai.health.views_reports import level_colour, tile_map_svg, trend_svg
from balai.people.tests.factories import DusunFactory, RtFactory, VillageFactory


@pytest.fixture
def measured(village_a, village_b):
    """Village A: dusun Krajan with a posyandu, three children weighed in April 2026 (one
    stunted); village B: one stunted child in dusun Ngasem."""
    krajan = DusunFactory(village=village_a, name="Krajan")
    rt = RtFactory(village=village_a, dusun=krajan)
    posyandu = Posyandu.objects.create(village=village_a, name="Posyandu Melati", dusun="Krajan")
    session = PosyanduSession.objects.create(
        village=village_a, posyandu=posyandu, held_on=dt.date(2026, 4, 10)
    )
    kids = [child(village_a, rt, born=dt.date(2024, 4, 1), name=f"ANAK BROKOH {i}") for i in range(3)]
    weigh(village_a, kids[0], dt.date(2026, 4, 10), "9.0", "78.0", session=session)
    weigh(village_a, kids[1], dt.date(2026, 4, 10), "12.0", "87.5", session=session)
    weigh(village_a, kids[2], dt.date(2026, 4, 10), "12.2", "88.0", session=session)
    ngasem = DusunFactory(village=village_b, name="Ngasem")
    rt_b = RtFactory(village=village_b, dusun=ngasem)
    other = child(village_b, rt_b, born=dt.date(2024, 4, 1), name="ANAK CEPAGAN")
    weigh(village_b, other, dt.date(2026, 4, 12), "9.0", "78.0")
    return {"kids": kids, "other": other}


def get(client, user, name, **params):
    client.force_login(user)
    return client.get(reverse(name), params)


def test_monthly_report_page_for_the_village(client, kades_a, measured):
    response = get(client, kades_a, "health:report_monthly", bulan="2026-04")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Posyandu Melati" in body
    assert "ANAK BROKOH" not in body  # aggregates only
    assert reverse("health:eppgbm_export") not in body  # no by-name export for the kades


def test_monthly_report_offers_eppgbm_to_health_roles(client, kader_a, measured):
    response = get(client, kader_a, "health:report_monthly", bulan="2026-04")

    assert reverse("health:eppgbm_export") in response.content.decode()


def test_district_users_have_no_village_report(client, camat_a, measured):
    assert get(client, camat_a, "health:report_monthly").status_code == 403
    assert get(client, camat_a, "health:stunting").status_code == 403


def test_monthly_xlsx_has_the_summary_and_breakdown(client, operator_a, measured):
    response = get(client, operator_a, "health:report_monthly_xlsx", bulan="2026-04")

    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    summary = book.get_sheet_by_index(0).to_python()
    assert summary[2][:4] == ["Posyandu", "S", "K", "D"]
    assert summary[3][0] == "Posyandu Melati"
    assert summary[3][3] == 3  # D
    assert summary[-1][0] == "Jumlah desa"
    # summary, the posyandu, the village, the export's notes
    assert book.sheet_names == ["Rekap posyandu", "1 Posyandu Melati", "2 Desa", "Keterangan"]


def test_stunting_page_shows_the_tile_map_per_dusun(client, operator_a, measured):
    response = get(client, operator_a, "health:stunting", bulan="2026-04")

    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body
    assert "Krajan" in body
    assert "Ngasem" not in body  # village B's dusun
    assert "1/3" in body  # one of three children stunted


def test_regional_page_for_the_camat_suppresses_small_counts(client, camat_a, measured):
    response = get(client, camat_a, "health:regional", bulan="2026-04")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Brokoh" in body
    assert "Cepagan" not in body  # another district
    assert "&lt;3" in body  # one stunted child of three is shown as <3
    assert "ANAK BROKOH" not in body


def test_regional_page_for_the_regency_lists_every_district(client, regency_viewer, measured):
    response = get(client, regency_viewer, "health:regional", bulan="2026-04")

    body = response.content.decode()
    assert "Brokoh" in body
    assert "Cepagan" in body
    assert "Wonotunggal" in body
    assert "Warungasem" in body


def test_village_users_are_sent_to_their_own_page(client, operator_a, measured):
    response = get(client, operator_a, "health:regional")

    assert response.status_code == 302
    assert response["Location"] == reverse("health:stunting")


def test_a_month_in_the_future_falls_back_to_the_last_complete_month(client, operator_a, measured):
    with time_machine.travel(AFTER_APRIL, tick=False):
        response = get(client, operator_a, "health:report_monthly", bulan="2099-01")

    assert response.context["month"] == Month(2026, 4)


# --- Honest periods (issue 21 item 3) ---------------------------------------------------------

# Jakarta time: the pages count days in the village's time zone.
AFTER_APRIL = dt.datetime(2026, 5, 6, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
IN_APRIL = dt.datetime(2026, 4, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture
def two_posyandu(village_a, measured):
    """A second posyandu in Brokoh that has not weighed anyone in April."""
    return Posyandu.objects.create(village=village_a, name="Posyandu Mawar", dusun="Kidul")


@pytest.mark.parametrize("name", ["health:report_monthly", "health:stunting"])
def test_village_reports_open_on_the_last_complete_month(client, operator_a, two_posyandu, name):
    with time_machine.travel(AFTER_APRIL, tick=False):
        response = get(client, operator_a, name)

    body = response.content.decode()
    assert response.context["month"] == Month(2026, 4)
    assert not response.context["period"].running
    assert "berjalan, data sampai" not in body
    assert "1 dari 2 posyandu melapor" in body


@pytest.mark.parametrize("name", ["health:report_monthly", "health:stunting"])
def test_village_reports_default_to_last_month_while_a_month_runs(client, operator_a, two_posyandu, name):
    # on 20 April the page opens on March (complete), not on April's first measurements
    with time_machine.travel(IN_APRIL, tick=False):
        response = get(client, operator_a, name)

    assert response.context["month"] == Month(2026, 3)
    assert "0 dari 2 posyandu melapor" in response.content.decode()


@pytest.mark.parametrize("name", ["health:report_monthly", "health:stunting"])
def test_the_running_month_chosen_is_labelled_running(client, operator_a, two_posyandu, name):
    with time_machine.travel(IN_APRIL, tick=False):
        response = get(client, operator_a, name, bulan="2026-04")

    body = response.content.decode()
    assert response.context["period"].running
    assert "berjalan, data sampai 20 April 2026" in body
    assert 'data-running="1"' in body
    assert "1 dari 2 posyandu melapor" in body
    assert "April 2026 (berjalan)" in body  # the month picker marks it too


def test_stunting_trend_draws_the_running_month_apart(client, operator_a, measured):
    with time_machine.travel(IN_APRIL, tick=False):
        body = get(client, operator_a, "health:stunting", bulan="2026-04").content.decode()

    assert "trend-running" in body
    assert "04/26*" in body
    assert "sementara, bulan berjalan" in body


def test_trend_chart_leaves_the_running_month_off_the_solid_line():
    months = Month(2026, 4).back(3)
    points = [TrendPoint(m, Prevalence("", measured=4, stunted=2)) for m in months[:-1]]
    points.append(TrendPoint(months[-1], Prevalence("", measured=1, stunted=0)))  # a young month

    svg = trend_svg(points, running=months[-1])

    lines = re.findall(r"<polyline ([^>]*)/>", svg)
    solid = [line for line in lines if "trend-running" not in line]
    dashed = [line for line in lines if "trend-running" in line]
    assert len(solid) == 1
    assert solid[0].split('"')[1].count(",") == 2
    assert len(dashed) == 1
    assert 'stroke-dasharray="4 3"' in dashed[0]


def test_regional_table_says_which_villages_have_not_reported(client, camat_a, village_a, measured):
    VillageFactory(
        code="33.25.01.2008", name="Dukuh Silent", district_code="33.25.01", district_name="Wonotunggal"
    )
    with time_machine.travel(IN_APRIL, tick=False):
        response = get(client, camat_a, "health:regional", bulan="2026-04")
        default = get(client, camat_a, "health:regional")

    body = response.content.decode()
    assert "berjalan, data sampai 20 April 2026" in body
    assert "1 dari 2 desa melapor" in body
    silent_row = body.split("Dukuh Silent", 1)[1].split("</tr>", 1)[0]
    assert "belum melapor" in silent_row
    assert "0,0%" not in silent_row
    assert response.context["total"]["reporting"] == "1 dari 2 desa melapor"
    assert default.context["month"] == Month(2026, 3)
    assert "0 dari 2 desa melapor" in default.content.decode()


def test_xlsx_of_a_running_month_says_so(client, operator_a, measured):
    with time_machine.travel(IN_APRIL, tick=False):
        running = get(client, operator_a, "health:report_monthly_xlsx", bulan="2026-04")
        complete = get(client, operator_a, "health:report_monthly_xlsx", bulan="2026-03")

    def text(response):
        book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        return str(book.get_sheet_by_name("Keterangan").to_python()) + str(
            book.get_sheet_by_index(0).to_python()
        )

    assert "April 2026 (berjalan, data sampai 20 April 2026)" in text(running)
    assert "1 dari 1 posyandu melapor" in text(running)
    assert "Maret 2026" in text(complete)
    assert "berjalan" not in text(complete)


def test_eppgbm_export_of_a_running_month_says_so(client, kader_a, measured):
    with time_machine.travel(IN_APRIL, tick=False):
        response = get(client, kader_a, "health:eppgbm_export", bulan="2026-04")

    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names[0] == "Data Balita"  # the upload sheet stays as e-PPGBM wants it
    assert "berjalan, data sampai 20 April 2026" in str(book.get_sheet_by_name("Keterangan").to_python())


def test_tile_map_escapes_names_and_colours_by_level():
    value = Prevalence("x", measured=10, stunted=3)
    svg = tile_map_svg([("<Dusun & Co>", value, [])])

    assert "&lt;Dusun &amp; Co&gt;" in svg
    assert level_colour(30.0) in svg
    assert level_colour(None) == "#d9d9d9"
    assert level_colour(2.4) != level_colour(2.5)


def test_trend_chart_draws_a_line_per_indicator():
    points = [
        TrendPoint(m, Prevalence("", measured=4, stunted=1, weighed=4, underweight=1))
        for m in Month(2026, 4).back(3)
    ]

    svg = trend_svg(points)

    assert svg.count("<polyline") == 2  # stunting and underweight; no BB/TB data: no wasting line


def test_xlsx_survives_a_posyandu_name_excel_refuses_for_a_sheet(client, operator_a, village_a, measured):
    Posyandu.objects.create(village=village_a, name="Posyandu A/B: [Dusun*Kidul?] yang namanya panjang")

    response = get(client, operator_a, "health:report_monthly_xlsx", bulan="2026-04")

    names = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).sheet_names
    assert len(names) == 5
    assert names[-1] == "Keterangan"
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def test_regional_page_is_recomputed_when_a_measurement_changes(client, camat_a, village_a, measured):
    # given the camat saw April once (now cached)
    first = get(client, camat_a, "health:regional", bulan="2026-04")
    assert first.context["total"]["measured"] == "3"

    # when a fourth child is measured in April
    rt = measured["kids"][0].rt
    kid = child(village_a, rt, born=dt.date(2024, 4, 1))
    weigh(village_a, kid, dt.date(2026, 4, 11), "12.0", "87.5")

    # then the page counts it
    again = get(client, camat_a, "health:regional", bulan="2026-04")
    assert again.context["total"]["measured"] == "4"


def test_monthly_report_marks_the_posyandu_that_has_not_reported(client, operator_a, two_posyandu):
    with time_machine.travel(IN_APRIL, tick=False):
        body = get(client, operator_a, "health:report_monthly", bulan="2026-04").content.decode()

    mawar = body.split("Posyandu Mawar", 1)[1].split("</th>", 1)[0]
    melati = body.split("Posyandu Melati", 1)[1].split("</th>", 1)[0]
    assert "belum melapor" in mawar
    assert "belum melapor" not in melati
