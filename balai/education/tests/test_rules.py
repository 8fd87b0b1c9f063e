import datetime as dt

import pytest

from balai.education import rules
from balai.education.rules import Latest, Reason, Risk, Status


def test_school_year_starts_in_july():
    assert rules.school_year_of(dt.date(2026, 6, 30)) == 2025
    assert rules.school_year_of(dt.date(2026, 7, 1)) == 2026


def test_age_is_counted_on_the_reference_date_exact_to_the_day():
    born = dt.date(2019, 11, 20)
    assert rules.age_on(born, dt.date(2026, 11, 19)) == 6
    assert rules.age_on(born, dt.date(2026, 11, 20)) == 7


def test_birth_range_covers_exactly_the_ages():
    # given the school ages on 20 Nov 2026
    after, on_or_before = rules.birth_range(dt.date(2026, 11, 20), 7, 18)
    # then a child turning 7 today is in, one turning 19 today is out
    assert on_or_before == dt.date(2019, 11, 20)
    assert after == dt.date(2007, 11, 20)


def test_birth_range_on_29_february():
    after, on_or_before = rules.birth_range(dt.date(2028, 2, 29), 7, 18)
    assert on_or_before == dt.date(2021, 2, 28)
    assert after == dt.date(2009, 2, 28)


def _classify(latest=None, current=None, kk=None, year=2026):
    return rules.classify(latest=latest, education_current=current, education_kk=kk, school_year=year)


@pytest.mark.parametrize(
    ("latest", "current", "kk", "expected"),
    [
        (Latest("aktif", "sd", 2026), 18, None, (Status.IN_SCHOOL, "")),  # the school record wins
        (Latest("aktif", "sd", 2025), 4, None, (Status.OUT, Reason.NOT_REENROLLED)),
        (Latest("putus", "smp", 2026), 6, None, (Status.OUT, Reason.DROPPED)),
        (Latest("lulus", "sd", 2025), 4, None, (Status.OUT, Reason.NOT_CONTINUED)),
        (Latest("lulus", "smp", 2024), 18, 4, (Status.OUT, Reason.NOT_CONTINUED)),
        (Latest("lulus", "smp", 2026), 6, None, (Status.IN_SCHOOL, "")),
        (Latest("lulus", "sma", 2024), 18, 5, (Status.COMPLETED, "")),
        (Latest("pindah", "sd", 2026), 4, None, (Status.IN_SCHOOL, "")),
        (Latest("pindah", "sd", 2025), 4, None, (Status.OUT, Reason.NOT_REENROLLED)),
        (None, 4, 2, (Status.REGISTRY_ONLY, "")),
        (None, 7, 4, (Status.REGISTRY_ONLY, "")),
        (None, 3, 1, (Status.OUT, Reason.NEVER)),
        (None, 1, 1, (Status.OUT, Reason.NEVER)),
        (None, 17, 1, (Status.OUT, Reason.NEVER)),
        (None, 5, 2, (Status.OUT, Reason.DROPPED)),
        (None, 18, 4, (Status.OUT, Reason.REGISTRY_OUT)),
        (None, 18, 5, (Status.COMPLETED, "")),
        (None, None, None, (Status.UNKNOWN, "")),
    ],
)
def test_classify(latest, current, kk, expected):
    assert _classify(latest, current, kk) == expected


def test_risks_only_for_children_in_school():
    repeated = Latest("aktif", "sd", 2026, repeated=True)
    assert rules.risks(status=Status.IN_SCHOOL, latest=repeated, absent_reported=False, school_year=2026) == [
        Risk.REPEATED
    ]
    assert rules.risks(status=Status.OUT, latest=repeated, absent_reported=True, school_year=2026) == []
    moved = Latest("pindah", "smp", 2026)
    assert rules.risks(status=Status.IN_SCHOOL, latest=moved, absent_reported=True, school_year=2026) == [
        Risk.ABSENT,
        Risk.MOVED,
    ]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([(2025, 3, "sd"), (2026, 4, "sd")], [False, False]),
        ([(2025, 3, "sd"), (2026, 3, "sd")], [False, True]),
        # a move within the year: the higher of the earlier year's grades counts
        ([(2025, 3, "sd"), (2025, 3, "sd"), (2026, 3, "sd")], [False, False, True]),
        # a gap year still compares with the nearest earlier year
        ([(2023, 7, "smp"), (2026, 7, "smp")], [False, True]),
        ([(2025, 0, "paud"), (2026, 0, "paud")], [False, False]),
        ([(2025, 6, "sd"), (2026, 7, "smp")], [False, False]),
    ],
)
def test_repeated_flags(rows, expected):
    assert rules.repeated_flags(rows) == expected


def test_paud_and_school_ages_do_not_overlap():
    # The regional count puts each child in one of them in a single pass (selectors._band_case).
    assert rules.PAUD_AGE[1] < rules.SCHOOL_AGE[0]
    assert [lo for _label, lo, _hi in rules.AGE_BANDS][0] == rules.SCHOOL_AGE[0]
