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
from django.db.models import Case, Count, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from balai.core import xlsx
from balai.people import codes
from balai.people.models import Resident

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


def _age_band(today: dt.date) -> Case:
    whens = []
    for i in range(AGE_BANDS - 1):
        whens.append(When(birth_date__gt=_years_ago(today, (i + 1) * AGE_BAND_YEARS), then=Value(i)))
    return Case(*whens, default=Value(AGE_BANDS - 1), output_field=IntegerField())


def category_table(*, village_ids: list[int], category: Category) -> CategoryTable:
    living = Resident.objects.filter(status=codes.STATUS_ALIVE, village_id__in=village_ids).order_by()
    counts: dict[Any, list[int]] = {}
    if category.column == "age":
        today = timezone.localdate()
        qs = (
            living.filter(birth_date__isnull=False)
            .annotate(band=_age_band(today))
            .values("band", "sex")
            .annotate(n=Count("*"))
        )
        for row in qs:
            counts.setdefault(row["band"], [0, 0])[0 if row["sex"] == 1 else 1] += row["n"]
        unknown = living.filter(birth_date__isnull=True).values("sex").annotate(n=Count("*"))
        for row in unknown:
            counts.setdefault(None, [0, 0])[0 if row["sex"] == 1 else 1] += row["n"]
        labels = {
            i: (
                f"{i * AGE_BAND_YEARS}–{i * AGE_BAND_YEARS + AGE_BAND_YEARS - 1}"
                if i < AGE_BANDS - 1
                else "75+"
            )
            for i in range(AGE_BANDS)
        }
        order: list[Any] = list(range(AGE_BANDS))
    else:
        for row in living.values(category.column, "sex").annotate(n=Count("*")):
            counts.setdefault(row[category.column], [0, 0])[0 if row["sex"] == 1 else 1] += row["n"]
        labels = dict(category.labels)
        order = list(labels)
    rows: list[tuple[Any, int, int]] = []
    for k in order:
        male, female = counts.get(k, [0, 0])
        rows.append((labels[k], male, female))
    others = [k for k in counts if k not in labels and k is not None]
    if others:
        rows.append((_("Kode lain"), sum(counts[k][0] for k in others), sum(counts[k][1] for k in others)))
    if None in counts:
        rows.append((_("Belum diisi"), counts[None][0], counts[None][1]))
    return CategoryTable(category, [(str(label), m, f) for label, m, f in rows])


def category_table_cached(*, village_ids: list[int], category: Category) -> CategoryTable:
    digest = hashlib.sha256(",".join(map(str, sorted(village_ids))).encode()).hexdigest()[:16]
    key = f"people:stats:{category.key}:{digest}:{timezone.localdate()}"
    table = cache.get(key)
    if table is None:
        table = category_table(village_ids=village_ids, category=category)
        cache.set(key, table, CACHE_SECONDS)
    return table


def table_xlsx(*, village: Any, table: CategoryTable) -> bytes:
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
        return book.close()
