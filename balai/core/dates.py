"""Dates as Indonesian readers write them, calendar months (reports, recaps, registers), and
the one rule every monthly report follows for its period (`Period`, `Reporting`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

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


# --- The period of a monthly report ----------------------------------------------------------
#
# A report opens on the last COMPLETE month: the running month holds only the days so far, so
# its counts are low and a headline or a trend built on it dips for no reason. The running
# month can still be chosen; it is then labelled "berjalan, data sampai <today>", drawn apart
# from the trend, and every export of it says so. Pages that gather units (posyandu, villages)
# also say how many of them have reported (`Reporting`).


def last_complete_month(today: dt.date) -> Month:
    """The month before `today`'s: on 1 December as on 31 December, November."""
    return Month.of(today).previous()


@dataclass(frozen=True)
class Period:
    """The month a report shows, seen from `today`."""

    month: Month
    today: dt.date
    # When the data were read before today (a snapshot frozen mid-month): the day they end.
    until: dt.date | None = None

    @classmethod
    def choose(cls, text: str | None, *, today: dt.date) -> Period:
        """`?bulan=TTTT-BB` when it names a month up to the running one; anything else (none,
        unreadable, in the future) gives the last complete month."""
        chosen = Month.parse(text)
        if chosen is None or chosen > Month.of(today):
            chosen = last_complete_month(today)
        return cls(chosen, today)

    @classmethod
    def of(cls, month: Month, *, today: dt.date) -> Period:
        return cls(month, today)

    @property
    def running(self) -> bool:
        return self.month == Month.of(self.today)

    @property
    def data_until(self) -> dt.date:
        """The last day the report can hold data for: today in a running month."""
        return min(self.until or self.today, self.month.last)

    @property
    def state(self) -> str:
        """ "berjalan, data sampai 6 Desember 2026" for the running month, else ""."""
        if not self.running:
            return ""
        return _("berjalan, data sampai %(day)s") % {"day": date_id(self.data_until)}

    @property
    def label(self) -> str:
        """`November 2026`, or `Desember 2026 (berjalan, data sampai 6 Desember 2026)`."""
        return f"{self.month.label} ({self.state})" if self.running else self.month.label

    def nav(self) -> dict[str, object]:
        """`Month.nav()` plus the period itself; no "next" link past the running month."""
        return {
            **self.month.nav(),
            "period": self,
            "has_next": self.month < Month.of(self.today),
        }

    def as_api(self) -> dict[str, object]:
        """What an API answer says of its period: the month, whether it is still running and
        the last day its data can cover."""
        return {"month": str(self.month), "running": self.running, "data_until": self.data_until}

    def filters(self) -> list[tuple[str, str]]:
        """The period as an export's filter line (the notes sheet of `core.xlsx`)."""
        return [(_("Periode"), self.label)]

    def __str__(self) -> str:
        return str(self.month)


@dataclass(frozen=True)
class Reporting:
    """How many of a report's units (posyandu, villages) have data for its month."""

    reported: int
    total: int
    unit: str

    @property
    def complete(self) -> bool:
        return self.reported >= self.total

    @property
    def label(self) -> str:
        """`5 dari 8 posyandu melapor`."""
        return _("%(reported)d dari %(total)d %(unit)s melapor") % {
            "reported": self.reported,
            "total": self.total,
            "unit": self.unit,
        }
