"""The registry's books (Permendagri 47/2016, Buku Administrasi Penduduk B1–B5) and the monthly
population report (laporan bulanan), all derived from the residents and their life events.

How a past month is counted: the population on a day D is today's living residents, minus
those who entered after D (birth, arrival), plus those who left after D (death, move out,
missing, gone). Cancelled events count nowhere. So every month adds up by construction:
start + births + arrivals − deaths − departures = end, and one month's end is the next
month's start. Residents entered by initial data collection (pendataan awal) count as
always having been there.

Reads only; the views stream the long books (Buku Induk) row by row into the XLSX/PDF.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from balai.people import codes
from balai.people.models import Family, LifeEvent, Resident
from balai.regions.models import Village

K = LifeEvent.Kind
ENTRY: dict[int, str] = {K.BIRTH: "births", K.MOVE_IN: "arrivals"}
EXIT: dict[int, str] = {
    K.DEATH: "deaths",
    K.MOVE_OUT: "departures",
    K.MISSING: "departures",
    K.GONE: "departures",
}
MOVEMENT_KINDS = [*ENTRY, *EXIT]
SEXES = (1, 2)


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _events(village_ids: list[int]) -> QuerySet[LifeEvent]:
    return LifeEvent.objects.filter(
        village_id__in=village_ids, kind__in=MOVEMENT_KINDS, cancelled_at__isnull=True
    )


@dataclass
class Line:
    """One row of the monthly report: by sex, then the total."""

    male: int = 0
    female: int = 0

    @property
    def total(self) -> int:
        return self.male + self.female

    def add(self, sex: int | None, n: int) -> None:
        if sex == 2:
            self.female += n
        else:
            self.male += n


ROWS = [
    ("start", _("Penduduk awal bulan")),
    ("births", _("Lahir")),
    ("arrivals", _("Pindah datang")),
    ("deaths", _("Meninggal")),
    ("departures", _("Pindah/pergi/hilang")),
    ("end", _("Penduduk akhir bulan")),
]


@dataclass
class MonthlyReport:
    year: int
    month: int
    lines: dict[str, Line] = field(default_factory=lambda: {key: Line() for key, _l in ROWS})
    families_end: int = 0

    @property
    def rows(self) -> list[tuple[str, Any, Line]]:
        return [(key, label, self.lines[key]) for key, label in ROWS]

    @property
    def adds_up(self) -> bool:
        ln = self.lines
        for attr in ("male", "female"):
            start, end = getattr(ln["start"], attr), getattr(ln["end"], attr)
            moved = sum(getattr(ln[k], attr) for k in ("births", "arrivals")) - sum(
                getattr(ln[k], attr) for k in ("deaths", "departures")
            )
            if start + moved != end:
                return False
        return True

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "month": self.month,
            "rows": {
                key: {"male": ln.male, "female": ln.female, "total": ln.total} for key, _l, ln in self.rows
            },
            "families_end": self.families_end,
        }


def _alive_by(village_ids: list[int], group: str) -> dict[tuple[Any, int], int]:
    qs = (
        Resident.objects.filter(status=codes.STATUS_ALIVE, village_id__in=village_ids)
        .order_by()
        .values(group, "sex")
        .annotate(n=Count("*"))
    )
    return {(row[group], row["sex"]): row["n"] for row in qs}


def monthly_reports(
    *, village_ids: list[int], year: int, month: int, group: str = "village_id"
) -> dict[Any, MonthlyReport]:
    """The month's report per `group` value (village_id, or resident__rt__dusun_id for B3)."""
    first, last = month_bounds(year, month)
    resident_group = group.removeprefix("resident__")
    reports: dict[Any, MonthlyReport] = defaultdict(lambda: MonthlyReport(year, month))
    for (key, alive_sex), count in _alive_by(village_ids, resident_group).items():
        reports[key].lines["end"].add(alive_sex, count)
        reports[key].lines["start"].add(alive_sex, count)

    def grouped(qs: QuerySet[LifeEvent]) -> Iterator[tuple[Any, int, int | None, int]]:
        for row in qs.order_by().values(group, "kind", "resident__sex").annotate(n=Count("*")):
            yield row[group], row["kind"], row["resident__sex"], row["n"]

    # Undo what happened after the month: back to its end (and so its start)…
    for key, kind, sex, n in grouped(_events(village_ids).filter(event_date__gt=last)):
        back = -n if kind in ENTRY else n
        reports[key].lines["end"].add(sex, back)
        reports[key].lines["start"].add(sex, back)
    # …then the month's own movements, back to its start.
    for key, kind, sex, n in grouped(
        _events(village_ids).filter(event_date__gte=first, event_date__lte=last)
    ):
        entering = kind in ENTRY
        reports[key].lines["start"].add(sex, -n if entering else n)
        reports[key].lines[ENTRY[kind] if entering else EXIT[kind]].add(sex, n)
    if group == "village_id":
        for vid, n in (
            # EXISTS a living member: one probe per family, not every living resident joined
            # to their family and de-duplicated (a third of the CPU).
            Family.objects.filter(village_id__in=village_ids, is_active=True)
            .filter(Exists(Resident.objects.filter(family_id=OuterRef("pk"), status=codes.STATUS_ALIVE)))
            .order_by()
            .values("village_id")
            .annotate(n=Count("id"))
            .values_list("village_id", "n")
        ):
            reports[vid].families_end = n
    return dict(reports)


def monthly_report(*, village_ids: list[int], year: int, month: int) -> MonthlyReport:
    """One report for all `village_ids` (a village, a district, the regency)."""
    total = MonthlyReport(year, month)
    for report in monthly_reports(village_ids=village_ids, year=year, month=month).values():
        for key, line in report.lines.items():
            total.lines[key].male += line.male
            total.lines[key].female += line.female
        total.families_end += report.families_end
    return total


def villages_with_events(*, village_ids: list[int], year: int, month: int) -> set[int]:
    """Villages that recorded at least one population event dated in the month: on a
    district or regency report, "6 dari 8 desa melapor" (a village without any is either quiet
    or behind with its registry; the page says which are counted)."""
    first, last = month_bounds(year, month)
    return set(
        _events(village_ids)
        .filter(event_date__gte=first, event_date__lte=last)
        .values_list("village_id", flat=True)
        .distinct()
    )


# --- The books ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    label: str
    width: float  # relative width in the PDF; ~characters in the XLSX


@dataclass(frozen=True)
class Book:
    code: str
    slug: str
    title: str
    columns: tuple[Column, ...]


def _c(*pairs: tuple[str, float]) -> tuple[Column, ...]:
    return tuple(Column(str(label), width) for label, width in pairs)


BOOKS: dict[str, Book] = {
    b.slug: b
    for b in (
        Book(
            "B1",
            "induk",
            "Buku Induk Penduduk",
            _c(
                ("No", 4),
                ("Nama lengkap", 22),
                ("L/P", 4),
                ("Status perkawinan", 10),
                ("Tempat, tanggal lahir", 18),
                ("Agama", 9),
                ("Pendidikan terakhir", 14),
                ("Pekerjaan", 14),
                ("Kewarganegaraan", 8),
                ("Alamat", 20),
                ("Kedudukan dalam keluarga", 10),
                ("NIK", 17),
                ("Nomor KK", 17),
                ("Keterangan", 10),
            ),
        ),
        Book(
            "B2",
            "mutasi",
            "Buku Mutasi Penduduk",
            _c(
                ("No", 4),
                ("Nama lengkap", 22),
                ("Tempat, tanggal lahir", 18),
                ("L/P", 4),
                ("Kewarganegaraan", 8),
                ("Datang dari", 18),
                ("Tanggal datang", 10),
                ("Tanggal lahir (kelahiran)", 10),
                ("Pindah ke", 18),
                ("Tanggal pindah", 10),
                ("Tanggal meninggal", 10),
                ("Keterangan", 14),
            ),
        ),
        Book(
            "B3",
            "rekapitulasi",
            "Buku Rekapitulasi Jumlah Penduduk",
            _c(
                ("No", 4),
                ("Dusun", 16),
                ("Awal bulan L", 7),
                ("Awal bulan P", 7),
                ("Lahir L", 6),
                ("Lahir P", 6),
                ("Datang L", 6),
                ("Datang P", 6),
                ("Meninggal L", 7),
                ("Meninggal P", 7),
                ("Pindah L", 6),
                ("Pindah P", 6),
                ("Akhir bulan L", 7),
                ("Akhir bulan P", 7),
                ("Akhir bulan L+P", 8),
            ),
        ),
        Book(
            "B4",
            "sementara",
            "Buku Penduduk Sementara",
            _c(
                ("No", 4),
                ("Nama lengkap", 22),
                ("L/P", 4),
                ("Nomor identitas", 17),
                ("Tempat, tanggal lahir", 18),
                ("Pekerjaan", 14),
                ("Kewarganegaraan", 8),
                ("Datang dari", 18),
                ("Alamat yang didatangi", 20),
                ("Tanggal datang", 10),
                ("Keterangan", 12),
            ),
        ),
        Book(
            "B5",
            "ktp-kk",
            "Buku KTP dan KK",
            _c(
                ("No", 4),
                ("Nomor KK", 17),
                ("Nama lengkap", 20),
                ("NIK", 17),
                ("L/P", 4),
                ("Tempat, tanggal lahir", 18),
                ("Gol. darah", 7),  # "TIDAK TAHU" on two lines, not cut
                ("Agama", 9),
                ("Pendidikan", 14),
                ("Pekerjaan", 14),
                ("Alamat", 20),
                ("Status perkawinan", 10),
                ("Hubungan keluarga", 11),  # "KELUARGA" whole
                ("KTP-el", 8),
                ("Ayah", 15),
                ("Ibu", 16),
            ),
        ),
    )
}


def _label(table: dict[int, str], value: int | None) -> str:
    return table.get(value, "") if value is not None else ""


def _born(r: dict[str, Any]) -> str:
    day = r["birth_date"].strftime("%d-%m-%Y") if r["birth_date"] else ""
    return ", ".join(p for p in ((r["birth_place"] or "").strip(), day) if p)


def _address(r: dict[str, Any]) -> str:
    if r["rt__rt"] is None:
        return r["family__address"] or ""
    place = f"RT {r['rt__rt']}/RW {r['rt__rw']} {r['rt__dusun__name'] or ''}".strip()
    return ", ".join(p for p in (r["family__address"] or "", place) if p)


RESIDENT_VALUES = (
    "id",
    "name",
    "sex",
    "nik",
    "family__kk_number",
    "family__address",
    "birth_place",
    "birth_date",
    "religion",
    "education_kk",
    "occupation",
    "marital_status",
    "family_relation",
    "citizenship",
    "blood_type",
    "ktp_el",
    "father_name",
    "mother_name",
    "rt__rt",
    "rt__rw",
    "rt__dusun__name",
    "residence_status",
)


def residents_on(*, village: Village, day: dt.date) -> QuerySet[Resident]:
    """The village's residents on `day`: living now and not entered after it, or left after it."""
    after = _events([village.pk]).filter(event_date__gt=day)
    entered = after.filter(kind__in=list(ENTRY)).values("resident_id")
    left = after.filter(kind__in=list(EXIT)).values("resident_id")
    return Resident.objects.filter(
        (Q(village=village, status=codes.STATUS_ALIVE) & ~Q(pk__in=entered)) | Q(pk__in=left)
    ).exclude(status=codes.STATUS_INVALID)


def _ordered(qs: QuerySet[Resident]) -> Iterator[dict[str, Any]]:
    # (village, status, name_key, id) index order would need a status filter; the family order
    # of the official book reads better and the KK index serves it.
    return (
        qs.order_by("family__kk_number", "family_relation", "birth_date", "id")
        .values(*RESIDENT_VALUES)
        .iterator(chunk_size=2000)
    )


def book_rows(*, book: Book, village: Village, year: int, month: int) -> Iterator[list[Any]]:
    """The rows of `book` for the month, as display strings/numbers, streamed."""
    first, last = month_bounds(year, month)
    if book.code == "B1":
        for n, r in enumerate(_ordered(residents_on(village=village, day=last)), start=1):
            yield [
                n,
                r["name"],
                "L" if r["sex"] == 1 else "P",
                _label(codes.MARITAL_STATUS, r["marital_status"]),
                _born(r),
                _label(codes.RELIGION, r["religion"]),
                _label(codes.EDUCATION_KK, r["education_kk"]),
                _label(codes.OCCUPATION, r["occupation"]),
                _label(codes.CITIZENSHIP, r["citizenship"]),
                _address(r),
                _label(codes.FAMILY_RELATION, r["family_relation"]),
                r["nik"],
                r["family__kk_number"] or "",
                "",
            ]
    elif book.code == "B2":
        events = (
            _events([village.pk])
            .filter(event_date__gte=first, event_date__lte=last)
            .select_related("resident")
            .order_by("event_date", "id")
        )
        for n, e in enumerate(events.iterator(chunk_size=1000), start=1):
            res = e.resident
            d = e.details or {}
            day = e.event_date.strftime("%d-%m-%Y")
            origin = d.get("origin") or d.get("from_village_name") or ""
            destination = d.get("to_village_name") or d.get("destination") or ""
            yield [
                n,
                res.name if res else d.get("name", ""),
                _born({"birth_place": res.birth_place, "birth_date": res.birth_date}) if res else "",
                ("L" if res.sex == 1 else "P") if res else "",
                _label(codes.CITIZENSHIP, res.citizenship) if res else "",
                origin if e.kind == K.MOVE_IN else "",
                day if e.kind == K.MOVE_IN else "",
                day if e.kind == K.BIRTH else "",
                destination if e.kind in (K.MOVE_OUT, K.GONE) else "",
                day if e.kind in (K.MOVE_OUT, K.GONE, K.MISSING) else "",
                day if e.kind == K.DEATH else "",
                str(K(e.kind).label) if e.kind in (K.MISSING, K.GONE) else (e.note or ""),
            ]
    elif book.code == "B3":
        reports = monthly_reports(
            village_ids=[village.pk], year=year, month=month, group="resident__rt__dusun_id"
        )
        names = dict(village.dusuns.values_list("id", "name"))
        ordered = sorted(reports.items(), key=lambda kv: (kv[0] is None, names.get(kv[0], "")))
        total = MonthlyReport(year, month)
        for n, (dusun_id, rep) in enumerate(ordered, start=1):
            for key, line in rep.lines.items():
                total.lines[key].male += line.male
                total.lines[key].female += line.female
            yield [n, names.get(dusun_id, str(_("Tanpa dusun"))), *_rekap_cells(rep)]
        yield ["", str(_("Jumlah")), *_rekap_cells(total)]
    elif book.code == "B4":
        qs = residents_on(village=village, day=last).filter(residence_status=2)
        arrivals = dict(
            LifeEvent.objects.filter(village=village, kind=K.MOVE_IN, cancelled_at__isnull=True)
            .order_by("resident_id", "event_date")
            .values_list("resident_id", "event_date")
        )
        origins = {
            rid: (d or {}).get("origin", "")
            for rid, d in LifeEvent.objects.filter(village=village, kind=K.MOVE_IN).values_list(
                "resident_id", "details"
            )
        }
        for n, r in enumerate(_ordered(qs), start=1):
            came = arrivals.get(r["id"])
            yield [
                n,
                r["name"],
                "L" if r["sex"] == 1 else "P",
                r["nik"],
                _born(r),
                _label(codes.OCCUPATION, r["occupation"]),
                _label(codes.CITIZENSHIP, r["citizenship"]),
                origins.get(r["id"], ""),
                _address(r),
                came.strftime("%d-%m-%Y") if came else "",
                "",
            ]
    elif book.code == "B5":
        for n, r in enumerate(_ordered(residents_on(village=village, day=last)), start=1):
            yield [
                n,
                r["family__kk_number"] or "",
                r["name"],
                r["nik"],
                "L" if r["sex"] == 1 else "P",
                _born(r),
                _label(codes.BLOOD_TYPE, r["blood_type"]),
                _label(codes.RELIGION, r["religion"]),
                _label(codes.EDUCATION_KK, r["education_kk"]),
                _label(codes.OCCUPATION, r["occupation"]),
                _address(r),
                _label(codes.MARITAL_STATUS, r["marital_status"]),
                _label(codes.FAMILY_RELATION, r["family_relation"]),
                _label(codes.KTP_EL, r["ktp_el"]),
                r["father_name"] or "",
                r["mother_name"] or "",
            ]


def _rekap_cells(rep: MonthlyReport) -> list[int]:
    ln = rep.lines
    return [
        ln["start"].male,
        ln["start"].female,
        ln["births"].male,
        ln["births"].female,
        ln["arrivals"].male,
        ln["arrivals"].female,
        ln["deaths"].male,
        ln["deaths"].female,
        ln["departures"].male,
        ln["departures"].female,
        ln["end"].male,
        ln["end"].female,
        ln["end"].total,
    ]


def as_text(rows: Iterable[list[Any]]) -> Iterator[list[str]]:
    for row in rows:
        yield ["" if v is None else str(v) for v in row]
