import datetime as dt

import pytest

from balai.core.dates import Month, add_months, date_id


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
