"""By-name-by-address export of one village's month for e-PPGBM (Sigizi Terpadu, Kemenkes).

One row per child measured in the month (the last measurement of the month), in the column
order of e-PPGBM's by-name list of children's measurements. The mapping from Balai's fields,
and what we could not verify about the official template, are in docs/eppgbm.md.
Personal data: health roles only, and the caller audits every export.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.core import xlsx
from balai.core.dates import Month, Period, add_months
from balai.health.classify import LABELS
from balai.health.models import ChildMeasurement, PosyanduArea
from balai.health.reports import months_between
from balai.health.services import weight_trend
from balai.regions.models import Village

COLUMNS: tuple[str, ...] = (
    "NIK",
    "Nama Anak",
    "JK",
    "Tgl Lahir",
    "BB Lahir",
    "TB Lahir",
    "Nama Ortu",
    "NIK Ortu",
    "Prov",
    "Kab/Kota",
    "Kec",
    "Puskesmas",
    "Desa/Kel",
    "Posyandu",
    "RT",
    "RW",
    "Alamat",
    "Usia Saat Ukur",
    "Tanggal Pengukuran",
    "Berat",
    "Tinggi",
    "Cara Ukur",
    "LiLA",
    "Lingkar Kepala",
    "BB/U",
    "ZS BB/U",
    "TB/U",
    "ZS TB/U",
    "BB/TB",
    "ZS BB/TB",
    "Naik Berat Badan",
    "Edema",
    "ASI Eksklusif",
    "Vitamin A",
)
POSITION_WORDS = {"l": "Terlentang", "h": "Berdiri"}
VITAMIN_A_WORDS = {"biru": "Biru", "merah": "Merah"}


def age_text(birth: dt.date, day: dt.date) -> str:
    """ "1 Tahun - 3 Bulan - 5 Hari", as e-PPGBM writes the age at measurement."""
    months = months_between(birth, day)
    anchor = add_months(birth, months)
    return f"{months // 12} Tahun - {months % 12} Bulan - {(day - anchor).days} Hari"


def _label(code: str) -> str:
    return LABELS.get(code, "")


def eppgbm_rows(*, village: Village, month: Month) -> list[list[Any]]:
    """The rows of the export (without the header), ordered by posyandu, RT and name."""
    later = ChildMeasurement.objects.filter(
        village_id=OuterRef("village_id"),
        child_id=OuterRef("child_id"),
        measured_on__gte=OuterRef("measured_on"),
        measured_on__lt=month.after,
    ).exclude(measured_on=OuterRef("measured_on"), id__lte=OuterRef("id"))
    latest = (
        ChildMeasurement.objects.filter(
            village=village, measured_on__gte=month.first, measured_on__lt=month.after
        )
        .filter(~Exists(later))
        .select_related("child", "child__rt", "child__rt__dusun", "child__family", "session__posyandu")
    )
    area_names = dict(
        PosyanduArea.objects.filter(village=village, posyandu__is_active=True).values_list(
            "rt_id", "posyandu__name"
        )
    )
    before: dict[int, tuple[dt.date, float]] = {}
    for child_id, day, weight in (
        ChildMeasurement.objects.filter(village=village, measured_on__lt=month.first, weight_kg__isnull=False)
        .order_by("child_id", "measured_on", "id")
        .values_list("child_id", "measured_on", "weight_kg")
        .iterator(chunk_size=5000)
    ):
        if weight is not None:
            before[child_id] = (day, float(weight))
    rows: list[tuple[tuple[str, str, str, str], list[Any]]] = []
    for m in latest:
        child = m.child
        rt = child.rt
        posyandu = m.session.posyandu.name if m.session is not None else area_names.get(child.rt_id or 0, "")
        parent_name = child.mother_name or child.father_name
        parent_nik = child.mother_nik if child.mother_name else child.father_nik
        trend = weight_trend(
            weight_kg=float(m.weight_kg) if m.weight_kg is not None else None,
            age_days=m.age_days,
            measured_on=m.measured_on,
            previous=before.get(m.child_id),
        )
        address = child.current_address or (child.family.address if child.family_id and child.family else "")
        values = [
            child.nik,
            child.name,
            "L" if child.sex == 1 else "P",
            child.birth_date,
            None,
            None,
            parent_name,
            parent_nik,
            village.province_name,
            village.regency_name,
            village.district_name,
            "",
            village.name,
            posyandu,
            rt.rt if rt else "",
            rt.rw if rt else "",
            address or (f"Dusun {rt.dusun.name}" if rt else ""),
            age_text(child.birth_date, m.measured_on) if child.birth_date else "",
            m.measured_on,
            float(m.weight_kg) if m.weight_kg is not None else None,
            float(m.lenhei_cm) if m.lenhei_cm is not None else None,
            POSITION_WORDS.get(m.position, ""),
            float(m.muac_cm) if m.muac_cm is not None else None,
            float(m.head_cm) if m.head_cm is not None else None,
            _label(m.cat_wfa),
            m.z_wfa,
            _label(m.cat_lhfa),
            m.z_lhfa,
            _label(m.cat_wflh),
            m.z_wflh,
            str(trend),
            "Ya" if m.oedema else "Tidak",
            {True: "Ya", False: "Tidak"}.get(m.exclusive_breastfeeding, "")
            if m.exclusive_breastfeeding is not None
            else "",
            VITAMIN_A_WORDS.get(m.vitamin_a, ""),
        ]
        rows.append(((posyandu, rt.rw if rt else "", rt.rt if rt else "", child.name_key), values))
    rows.sort(key=lambda item: item[0])
    return [values for _key, values in rows]


def eppgbm_xlsx(*, village: Village, month: Month, period: Period | None = None) -> tuple[bytes, int]:
    """The workbook and its number of children. The upload format is the sheet "Data
    Balita" alone; the export's notes (data per, month, "berjalan" for a running month) are
    on the sheet after it."""
    rows = eppgbm_rows(village=village, month=month)
    period = period or Period(month, timezone.localdate())
    book = xlsx.Workbook(
        title=_("Data balita untuk e-PPGBM, bulan %(month)s") % {"month": month},
        village=village,
        filters=[(_("Bulan pengukuran"), str(month)), *period.filters()],
    )
    sheet = book.add_sheet("Data Balita")
    bold = book.style(bold=True)
    day = book.style(num_format="dd/mm/yyyy")
    text = book.style(num_format="@")
    sheet.write_row(0, 0, COLUMNS, bold)
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, dt.date):
                sheet.write(r, c, value, day)
            elif c in (0, 7):  # NIKs stay text: 16 digits would lose their tail as a number
                sheet.write(r, c, str(value), text)
            else:
                sheet.write(r, c, value)
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 1, 28)
    return book.close(), len(rows)
