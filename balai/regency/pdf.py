"""Regency tables and the monthly report for the Bupati as PDF with Typst: data in, bytes out
(the same approach as `health.pdf` and `letters.pdf`)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

import typst
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.regency import figures as F
from balai.regency.exports import SOURCE
from balai.regency.selectors import FreshRow, RegencyTable, Rollout

TYPST_DIR = Path(__file__).parent / "typst"
_compiler: typst.Compiler | None = None
_lock = threading.Lock()
_EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def render(content: dict[str, Any]) -> bytes:
    global _compiler
    with _lock:
        if _compiler is None:
            _compiler = typst.Compiler(
                input=TYPST_DIR / "report.typ", root=TYPST_DIR, ignore_system_fonts=True
            )
        out = _compiler.compile(format="pdf", sys_inputs={"data": json.dumps(content)}, timestamp=_EPOCH)
    if isinstance(out, list):
        out = out[0]
    assert isinstance(out, bytes)
    return out


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return f"{value:,}".replace(",", ".")


def _as_of(table: RegencyTable) -> str:
    return (
        timezone.localtime(table.as_of).strftime("%d-%m-%Y %H:%M") if table.as_of else _("belum ada snapshot")
    )


def table_pdf(table: RegencyTable, *, area: str, filters: list[tuple[str, str]], keys: list[str]) -> bytes:
    """The monthly figures table (the chosen columns) per village with district totals."""
    figures = [F.BY_KEY[k] for k in keys]
    rows: list[list[str]] = []
    for d in table.districts:
        total = d.total
        rows.append([_("Kec. %(name)s") % {"name": d.name}, *[_cell(total.value(f.key)) for f in figures]])
        rows += [[f"  {v.name}", *[_cell(v.value(f.key)) for f in figures]] for v in d.villages]
    rows.append([_("Jumlah"), *[_cell(table.total.value(f.key)) for f in figures]])
    return render(
        {
            "title": _("Angka desa %(month)s") % {"month": table.month.label},
            "subtitle": area,
            "landscape": True,
            "footer": SOURCE,
            "facts": [
                [_("Periode"), table.period.label],
                [_("Desa"), table.reporting.label],
                [_("Data per"), _as_of(table)],
                [_("Sumber"), SOURCE],
                *[[k, v] for k, v in filters],
            ],
            "sections": [
                {
                    "title": _("Per desa"),
                    "columns": [_("Wilayah"), *[str(f.label) for f in figures]],
                    "rows": rows,
                }
            ],
        }
    )


def bupati_report(
    *, table: RegencyTable, previous: RegencyTable | None, area: str, board: list[FreshRow], rollout: Rollout
) -> bytes:
    """The monthly report for the Bupati: the regency's headline figures against the month
    before, per district, villages needing attention, and the rollout."""
    total, before = table.total, previous.total if previous else None

    def change(key: str) -> str:
        now, then = total.value(key), before.value(key) if before else None
        if now is None or then is None:
            return "–"
        diff = now - then
        return ("+" if diff > 0 else "") + _cell(round(diff, 1) if isinstance(diff, float) else diff)

    headline = [[str(f.label), _cell(total.value(f.key)), change(f.key)] for f in F.FIGURES]
    district_keys = [
        "residents",
        "families",
        "births",
        "deaths",
        "letters_issued",
        "aid_recipients",
        "stunting_rate",
    ]
    districts = [[d.name, *[_cell(d.total.value(k)) for k in district_keys]] for d in table.districts]
    attention = [
        [r.name, r.district_name, r.status_label, "; ".join(r.reasons)] for r in board if r.status != "green"
    ]
    stages = [[label, str(n)] for _key, label, n in rollout.counts()]
    return render(
        {
            "title": _("Laporan bulanan desa %(month)s") % {"month": table.month.label},
            "subtitle": area,
            "landscape": False,
            "footer": SOURCE,
            "facts": [
                [_("Periode"), table.period.label],
                [_("Data per"), _as_of(table)],
                [_("Desa dengan snapshot"), table.reporting.label],
                [_("Desa belum ada snapshot"), str(table.missing)],
            ],
            "sections": [
                {
                    "title": _("Angka utama"),
                    "columns": [
                        _("Indikator"),
                        f"{table.month.label} ({_('berjalan')})"
                        if table.period.running
                        else table.month.label,
                        _("Perubahan dari bulan lalu"),
                    ],
                    "rows": headline,
                },
                {
                    "title": _("Per kecamatan"),
                    "columns": [_("Kecamatan"), *[str(F.BY_KEY[k].label) for k in district_keys]],
                    "rows": districts,
                },
                {"title": _("Peluncuran Balai"), "columns": [_("Tahap"), _("Desa")], "rows": stages},
                {
                    "title": _("Desa yang perlu perhatian"),
                    "columns": [_("Desa"), _("Kecamatan"), _("Status"), _("Alasan")],
                    "rows": attention or [[_("Tidak ada"), "", "", ""]],
                    "text_columns": 4,
                },
            ],
        }
    )
