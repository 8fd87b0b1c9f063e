"""Dates as Indonesian readers write them, and calendar months (reports, recaps, registers)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def date_id(day: dt.date | None) -> str:
    """`2026-12-06` -> `6 Desember 2026`; "" for no date."""
    if day is None:
        return ""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def add_months(day: dt.date, count: int) -> dt.date:
    """The same day `count` months later (earlier when negative), kept within the month:
    31 January + 1 month = 28 (or 29) February."""
    year, month = divmod(day.year * 12 + day.month - 1 + count, 12)
    target = Month(year, month + 1)
    return target.first.replace(day=min(day.day, target.last.day))


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str | None) -> Month | None:
        """`2026-10` -> Month(2026, 10); None for anything else."""
        if not text:
            return None
        try:
            year, month = (int(part) for part in text.split("-", 1))
        except ValueError:
            return None
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            return None
        return cls(year, month)

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def after(self) -> dt.date:
        """The first day of the next month: the month is `first <= day < after`."""
        return self.next().first

    @property
    def last(self) -> dt.date:
        return self.after - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        """`Desember 2026`."""
        return f"{MONTHS[self.month - 1]} {self.year}"

    def next(self) -> Month:
        return Month(self.year + (self.month == 12), self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def back(self, count: int) -> list[Month]:
        """The `count` months ending with this one, oldest first."""
        months = [self]
        while len(months) < count:
            months.append(months[-1].previous())
        return months[::-1]

    def nav(self) -> dict[str, str]:
        """What a monthly page's heading and its previous/next links show."""
        return {
            "month_label": self.label,
            "month_value": str(self),
            "prev_month": str(self.previous()),
            "next_month": str(self.next()),
        }

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
