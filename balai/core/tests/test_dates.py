import datetime as dt

import pytest

from balai.core.dates import Month, Period, Reporting, add_months, date_id, last_complete_month


def test_date_id_writes_the_indonesian_long_form():
    assert date_id(dt.date(2026, 12, 6)) == "6 Desember 2026"
    assert date_id(None) == ""


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
        (dt.date(2026, 11, 15), 3, dt.date(2027, 2, 15)),
        (dt.date(2026, 3, 31), -60, dt.date(2021, 3, 31)),
        (dt.date(2026, 3, 31), -1, dt.date(2026, 2, 28)),
    ],
)
def test_add_months_keeps_the_day_within_the_month(day, count, expected):
    assert add_months(day, count) == expected


def test_month_bounds_and_neighbours_cross_the_year():
    december = Month(2026, 12)
    assert (december.first, december.last, december.after) == (
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 31),
        dt.date(2027, 1, 1),
    )
    assert december.next() == Month(2027, 1)
    assert Month(2027, 1).previous() == december
    assert december.label == "Desember 2026"


def test_month_nav_gives_the_links_of_a_monthly_page():
    assert Month(2027, 1).nav() == {
        "month_label": "Januari 2027",
        "month_value": "2027-01",
        "prev_month": "2026-12",
        "next_month": "2027-02",
    }


@pytest.mark.parametrize("text", ["", None, "2026", "2026-13", "1999-05", "2026-11-05", "x-1"])
def test_month_parse_refuses_anything_but_a_year_and_month(text):
    assert Month.parse(text) is None


# --- The period of a monthly report (issue 21 item 3) ----------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 12, 1), Month(2026, 11)),
        (dt.date(2026, 12, 31), Month(2026, 11)),
        (dt.date(2027, 1, 1), Month(2026, 12)),
        (dt.date(2026, 3, 1), Month(2026, 2)),
        (dt.date(2028, 2, 29), Month(2028, 1)),
    ],
)
def test_the_last_complete_month_is_the_one_before_today(today, expected):
    assert last_complete_month(today) == expected
    assert Period.choose(None, today=today).month == expected
    assert not Period.choose(None, today=today).running


@pytest.mark.parametrize("text", ["", "2026-13", "bulan", "2027-01", "2099-01"])
def test_an_unreadable_or_future_month_gives_the_last_complete_one(text):
    assert Period.choose(text, today=dt.date(2026, 12, 6)).month == Month(2026, 11)


def test_the_running_month_can_be_chosen_and_is_labelled():
    period = Period.choose("2026-12", today=dt.date(2026, 12, 6))

    assert period.running
    assert period.data_until == dt.date(2026, 12, 6)
    assert period.state == "berjalan, data sampai 6 Desember 2026"
    assert period.label == "Desember 2026 (berjalan, data sampai 6 Desember 2026)"
    assert period.filters() == [("Periode", "Desember 2026 (berjalan, data sampai 6 Desember 2026)")]
    assert period.nav()["has_next"] is False


def test_a_complete_month_carries_no_running_label():
    period = Period.choose("2026-10", today=dt.date(2026, 12, 6))

    assert not period.running
    assert period.state == ""
    assert period.label == "Oktober 2026"
    assert period.data_until == dt.date(2026, 10, 31)
    assert period.nav()["has_next"] is True
    assert str(period) == "2026-10"


def test_on_the_last_day_the_month_is_still_running():
    period = Period.choose("2026-12", today=dt.date(2026, 12, 31))

    assert period.running
    assert period.state == "berjalan, data sampai 31 Desember 2026"
    assert Period.choose(None, today=dt.date(2026, 12, 31)).month == Month(2026, 11)


def test_reporting_says_how_many_units_reported():
    assert Reporting(5, 8, "posyandu").label == "5 dari 8 posyandu melapor"
    assert not Reporting(5, 8, "posyandu").complete
    assert Reporting(8, 8, "desa").complete
