"""Statistics of living residents by category (age group, religion, education, occupation,
marital status, disability, blood type, insurance, …) for a village, a district or the
regency: counts only, by sex. The regional tables are cached for a few minutes, as the
dashboard's counts are."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from balai.core import xlsx
from balai.core.db.compiled import CompiledQuery
from balai.people import codes
from balai.people.models import Resident
from balai.regions.models import Village

CACHE_SECONDS = 300
AGE_BAND_YEARS = 5
AGE_BANDS = 16  # 0–4 … 70–74, 75+


@dataclass(frozen=True)
class Category:
    key: str
    label: Any
    column: str
    labels: dict[int, str] = field(default_factory=dict)


CATEGORIES: list[Category] = [
    Category("umur", _lazy("Kelompok umur"), "age"),
    Category("agama", _lazy("Agama"), "religion", codes.RELIGION),
    Category("pendidikan", _lazy("Pendidikan dalam KK"), "education_kk", codes.EDUCATION_KK),
    Category("sekolah", _lazy("Pendidikan sedang ditempuh"), "education_current", codes.EDUCATION_CURRENT),
    Category("pekerjaan", _lazy("Pekerjaan"), "occupation", codes.OCCUPATION),
    Category("perkawinan", _lazy("Status perkawinan"), "marital_status", codes.MARITAL_STATUS),
    Category("disabilitas", _lazy("Disabilitas"), "disability", codes.DISABILITY),
    Category("darah", _lazy("Golongan darah"), "blood_type", codes.BLOOD_TYPE),
    Category("asuransi", _lazy("Asuransi (BPJS dll.)"), "insurance_type", codes.INSURANCE),
    Category("warganegara", _lazy("Kewarganegaraan"), "citizenship", codes.CITIZENSHIP),
    Category("ktp", _lazy("KTP elektronik"), "ktp_el", codes.KTP_EL),
    Category("hubungan", _lazy("Hubungan dalam keluarga"), "family_relation", codes.FAMILY_RELATION),
]
BY_KEY = {c.key: c for c in CATEGORIES}


def category_or_default(key: str | None) -> Category:
    return BY_KEY.get(key or "", CATEGORIES[0])


@dataclass
class CategoryTable:
    category: Category
    rows: list[tuple[str, int, int]]  # label, male, female

    @property
    def total_male(self) -> int:
        return sum(r[1] for r in self.rows)

    @property
    def total_female(self) -> int:
        return sum(r[2] for r in self.rows)

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.category.key,
            "label": str(self.category.label),
            "rows": [{"label": label, "male": m, "female": f, "total": m + f} for label, m, f in self.rows],
            "total": {"male": self.total_male, "female": self.total_female},
        }


def _years_ago(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


_AGE_KEYS = [(i, sex) for i in [*range(AGE_BANDS), None] for sex in (1, 2)]


def _age_query(villages: int, *args: Any) -> QuerySet[Village]:
    """The villages' counts by (band, sex) in `_AGE_KEYS` order; `args` are the band bounds,
    then the village ids."""
    bounds, village_ids = args[: AGE_BANDS - 1], args[AGE_BANDS - 1 :]

    def band(i: int | None) -> Q:
        if i is None:
            return Q(birth_date__isnull=True)
        # Band i: born after bounds[i] (younger than (i + 1) × 5), and not in a younger band.
        q = Q(birth_date__gt=bounds[i]) if i < AGE_BANDS - 1 else Q(birth_date__isnull=False)
        return q & Q(birth_date__lte=bounds[i - 1]) if i > 0 else q

    def count(sex: int, q: Q) -> Coalesce:
        inner = (
            Resident.objects.filter(q, status=codes.STATUS_ALIVE, village=OuterRef("pk"), sex=sex)
            .order_by()
            .values("village")
            .annotate(n=Count("*"))
            .values("n")
        )
        return Coalesce(Subquery(inner, output_field=IntegerField()), Value(0))

    columns = {f"c{n}": count(sex, band(i)) for n, (i, sex) in enumerate(_AGE_KEYS)}
    return (
        Village.objects.filter(pk__in=village_ids).order_by().annotate(**columns).values_list("pk", *columns)
    )


# Its 34 subqueries took Django 20-30 ms to build and compile, more than the database spends
# answering them for a village: compiled once per number of villages (balai/core/db/compiled.py).
_AGE = CompiledQuery(Village, _age_query)


def _age_counts(village_ids: list[int]) -> dict[tuple[int, int | None, int], int]:
    """(village id, age band or None without a birth date, sex) → living residents.

    One correlated count per (village, sex, band), each a range seek on the covering index
    `resident_stats_idx (status, village, sex, birth_date)` as the regency overview does: every
    entry is read once and nothing is sorted. A GROUP BY over a computed band (a CASE of 16
    branches per resident, then a sort of every resident) cost twice the CPU on SQLite."""
    bounds = [_years_ago(timezone.localdate(), (i + 1) * AGE_BAND_YEARS) for i in range(AGE_BANDS - 1)]
    ids = sorted(set(village_ids))
    rows = _AGE.rows(*bounds, *ids, shape=len(ids)) if ids else []
    return {
        (row[0], i, sex): row[n + 1] for row in rows for n, (i, sex) in enumerate(_AGE_KEYS) if row[n + 1]
    }


def _counts(
    *, village_ids: list[int], category: Category, by_village: bool
) -> dict[tuple[Any, ...], list[int]]:
    """(village id if `by_village`, category key) → [male, female]; the key None is "not filled"."""
    living = Resident.objects.filter(status=codes.STATUS_ALIVE, village_id__in=village_ids).order_by()
    group = ["village_id"] if by_village else []
    counts: dict[tuple[Any, ...], list[int]] = {}

    def add(rows: Any, column: str) -> None:
        for row in rows:
            key = (*(row[g] for g in group), row[column])
            counts.setdefault(key, [0, 0])[0 if row["sex"] == 1 else 1] += row["n"]

    if category.column == "age":
        for (vid, band, sex), n in _age_counts(village_ids).items():
            key = (vid, band) if by_village else (band,)
            counts.setdefault(key, [0, 0])[0 if sex == 1 else 1] += n
    else:
        add(living.values(*group, category.column, "sex").annotate(n=Count("*")), category.column)
    return counts


def _labels(category: Category) -> dict[Any, str]:
    if category.column == "age":
        return {
            i: (
                f"{i * AGE_BAND_YEARS}–{i * AGE_BAND_YEARS + AGE_BAND_YEARS - 1}"
                if i < AGE_BANDS - 1
                else "75+"
            )
            for i in range(AGE_BANDS)
        }
    return dict(category.labels)


def _columns(labels: dict[Any, str], keys: Any) -> list[tuple[str, list[Any]]]:
    """Each row label with the category keys it sums: the official codes in order, then other
    codes together, then the residents whose field is empty."""
    keys = set(keys)
    columns: list[tuple[str, list[Any]]] = [(str(label), [k]) for k, label in labels.items()]
    others = sorted(k for k in keys if k not in labels and k is not None)
    if others:
        columns.append((str(_("Kode lain")), others))
    if None in keys:
        columns.append((str(_("Belum diisi")), [None]))
    return columns


def category_table(*, village_ids: list[int], category: Category) -> CategoryTable:
    counts = {
        key[-1]: mf
        for key, mf in _counts(village_ids=village_ids, category=category, by_village=False).items()
    }
    return _table(category, counts)


def _table(category: Category, counts: dict[Any, list[int]]) -> CategoryTable:
    rows = []
    for label, keys in _columns(_labels(category), counts):
        rows.append(
            (label, sum(counts.get(k, [0, 0])[0] for k in keys), sum(counts.get(k, [0, 0])[1] for k in keys))
        )
    return CategoryTable(category, rows)


@dataclass
class VillageCategoryTable:
    """The same category per village: one row per village, one column per group with anyone
    in it in the area (L+P), the rows adding up to `category_table` of the area."""

    category: Category
    columns: list[str]
    rows: list[tuple[Any, list[int]]]  # village, counts in column order

    def totals(self) -> list[int]:
        return [sum(values[i] for _v, values in self.rows) for i in range(len(self.columns))]

    @property
    def lines(self) -> list[tuple[Any, list[int], int]]:
        """(village, values, their sum) for the page."""
        return [(v, values, sum(values)) for v, values in self.rows]

    @property
    def total(self) -> int:
        return sum(self.totals())

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.category.key,
            "columns": self.columns,
            "rows": [
                {"village": v.code, "name": v.name, "values": values, "total": sum(values)}
                for v, values in self.rows
            ],
        }


def category_by_village(*, villages: list[Any], category: Category) -> VillageCategoryTable:
    """`category_table` split by village (L+P), villages in the given order."""
    return _by_village(
        villages, category, _counts(village_ids=[v.pk for v in villages], category=category, by_village=True)
    )


def regional_tables(*, villages: list[Any], category: Category) -> tuple[CategoryTable, VillageCategoryTable]:
    """`category_table` and `category_by_village` of the villages from ONE grouped query (by
    village): the area's table is the sum of the villages' rows. Each query reads every living
    resident of the area (~0.1 s of CPU per 100,000 on SQLite), so the regional page pays once."""
    counts = _counts(village_ids=[v.pk for v in villages], category=category, by_village=True)
    area: dict[Any, list[int]] = {}
    for (_vid, key), (m, f) in counts.items():
        total = area.setdefault(key, [0, 0])
        total[0] += m
        total[1] += f
    return _table(category, area), _by_village(villages, category, counts)


def _by_village(
    villages: list[Any], category: Category, counts: dict[tuple[Any, ...], list[int]]
) -> VillageCategoryTable:
    per_village: dict[int, dict[Any, int]] = {}
    for (vid, key), (m, f) in counts.items():
        per_village.setdefault(vid, {})[key] = m + f
    columns = [
        (label, keys)
        for label, keys in _columns(_labels(category), {k for _vid, k in counts})
        if any(row.get(k) for row in per_village.values() for k in keys)
    ]
    rows = [
        (v, [sum(per_village.get(v.pk, {}).get(k, 0) for k in keys) for _label, keys in columns])
        for v in villages
    ]
    return VillageCategoryTable(category, [label for label, _keys in columns], rows)


def regional_tables_cached(
    *, villages: list[Any], category: Category
) -> tuple[CategoryTable, VillageCategoryTable]:
    ids = [v.pk for v in villages]
    digest = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:16]
    key = f"people:stats-wilayah:{category.key}:{digest}:{timezone.localdate()}"
    tables = cache.get(key)
    if tables is None:
        tables = regional_tables(villages=villages, category=category)
        cache.set(key, tables, CACHE_SECONDS)
    return tables


def table_xlsx(
    *, village: Any, table: CategoryTable, by_village: VillageCategoryTable | None = None
) -> bytes:
    title = _("Statistik penduduk: %(c)s") % {"c": table.category.label}
    with xlsx.Workbook(
        title=title, village=village, filters=[(_("Kategori"), str(table.category.label))]
    ) as book:
        styles = book.table_styles()
        sheet = book.add_sheet(str(table.category.label))
        sheet.write(0, 0, title, styles.title)
        sheet.write_header(2, [(_("Kelompok"), 36), ("L", 10), ("P", 10), ("L+P", 10)], styles.head)
        row = 3
        for label, m, f in table.rows:
            sheet.write_row(row, 0, [label, m, f, m + f], styles.cell)
            row += 1
        sheet.write_row(
            row,
            0,
            [_("Jumlah"), table.total_male, table.total_female, table.total_male + table.total_female],
            styles.head,
        )
        if by_village is not None:
            sheet = book.add_sheet(_("Per desa"))
            sheet.write(0, 0, f"{title} — {_('per desa (L+P)')}", styles.title)
            sheet.write_header(
                2,
                [(_("Kode desa"), 14), (_("Desa"), 24), (_("Kecamatan"), 20)]
                + [(c, 12) for c in by_village.columns]
                + [(_("Jumlah"), 10)],
                styles.head,
            )
            row = 3
            for v, values in by_village.rows:
                sheet.write_row(row, 0, [v.code, v.name, v.district_name, *values, sum(values)], styles.cell)
                row += 1
            totals = by_village.totals()
            sheet.write_row(row, 0, [_("Jumlah"), "", "", *totals, sum(totals)], styles.head)
        return book.close()
