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
from balai.regency.exports import BOARD_SOURCE, SOURCE
from balai.regency.selectors import STAGES, FreshRow, Ranked, RegencyTable, Rollout, RolloutRow

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
    when = (
        timezone.localtime(table.as_of).strftime("%d-%m-%Y %H:%M") if table.as_of else _("belum ada snapshot")
    )
    if table.estimated:
        # As on the page: the month's population was estimated from history, not counted.
        return _("%(when)s (sebagian diperkirakan dari riwayat)") % {"when": when}
    return str(when)


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
                *([[_("Desa belum aktif pada bulan itu"), str(table.later)]] if table.later else []),
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


def _date(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return value.strftime("%d-%m-%Y")


def _board_facts(filters: list[tuple[str, str]]) -> list[list[str]]:
    now = timezone.localtime().strftime("%d-%m-%Y %H:%M")
    return [[_("Data per"), now], [_("Sumber"), BOARD_SOURCE], *[[k, v] for k, v in filters]]


def freshness_pdf(
    rows: list[FreshRow], *, area: str, filters: list[tuple[str, str]], today: dt.date
) -> bytes:
    """The freshness board: status and reasons first, then when each module was last used."""
    counts = {s: sum(1 for r in rows if r.status == s) for s in ("red", "amber", "green")}
    return render(
        {
            "title": _("Kesegaran data desa"),
            "subtitle": area,
            "landscape": True,
            "footer": BOARD_SOURCE,
            "facts": [
                *_board_facts(filters),
                [
                    _("Status"),
                    _("%(red)s merah, %(amber)s kuning, %(green)s hijau") % counts,
                ],
            ],
            "sections": [
                {
                    "title": _("Per desa"),
                    "columns": [
                        _("Desa"),
                        _("Kecamatan"),
                        _("Status"),
                        _("Alasan"),
                        _("Aktivitas terakhir"),
                        _("Peristiwa bulan ini"),
                        _("Surat bulan ini"),
                        _("Posyandu terakhir"),
                        _("Keuangan terakhir"),
                        _("APBDes %(year)s") % {"year": today.year},
                    ],
                    "rows": [
                        [
                            r.name,
                            r.district_name,
                            r.status_label,
                            "; ".join(r.reasons) or "–",
                            _date(r.last_activity),
                            _cell(r.events_month),
                            _cell(r.letters_month),
                            _date(r.last_posyandu) if r.has_posyandu else _("belum ada"),
                            _date(r.last_finance),
                            r.apbdes_label,
                        ]
                        for r in rows
                    ]
                    or [[_("Belum ada desa aktif"), *[""] * 9]],
                    "text_columns": 4,
                    "size": 8,
                }
            ],
        }
    )


def rollout_pdf(data: Rollout, rows: list[RolloutRow], *, area: str, filters: list[tuple[str, str]]) -> bytes:
    """The rollout: counts per stage, per district, the timeline and every village."""
    labels = [str(label) for _key, label in STAGES]
    return render(
        {
            "title": _("Peluncuran Balai ke desa"),
            "subtitle": area,
            "landscape": True,
            "footer": BOARD_SOURCE,
            "facts": _board_facts(filters),
            "sections": [
                {
                    "title": _("Desa per tahap"),
                    "columns": [_("Tahap"), _("Desa")],
                    "rows": [[label, str(n)] for _key, label, n in data.counts()],
                },
                {
                    "title": _("Per kecamatan"),
                    "columns": [_("Kecamatan"), *labels],
                    "rows": [[name, *[str(n) for n in counts]] for _code, name, counts in data.by_district()],
                },
                {
                    "title": _("Linimasa (desa yang mencapai tahap pada bulan itu)"),
                    "columns": [_("Bulan"), *labels[1:]],
                    "rows": [[m.label, *[str(n) for n in counts[1:]]] for m, counts in data.timeline()]
                    or [[_("Belum ada desa yang mulai"), *[""] * (len(labels) - 1)]],
                },
                {
                    "title": _("Desa"),
                    "columns": [
                        _("Desa"),
                        _("Kode"),
                        _("Kecamatan"),
                        _("Tahap"),
                        _("Yang kurang untuk tahap berikutnya"),
                        *[_("Tgl. %(stage)s") % {"stage": s} for s in labels[1:]],
                    ],
                    "rows": [
                        [
                            r.name,
                            r.code,
                            r.district_name,
                            r.stage_label,
                            "; ".join(r.missing) or "–",
                            *[_date(r.reached.get(key)) for key, _label in STAGES[1:]],
                        ]
                        for r in rows
                    ]
                    or [[_("Tidak ada desa"), *[""] * (4 + len(labels) - 1)]],
                    "text_columns": 5,
                    "size": 7.5,
                },
            ],
        }
    )


def digest_pdf(data: dict[str, Any], *, area: str) -> bytes:
    """The weekly digest: who needs a call, then the week's work per village."""
    counts = data["counts"]
    return render(
        {
            "title": _("Ringkasan mingguan"),
            "subtitle": area,
            "landscape": False,
            "footer": BOARD_SOURCE,
            "facts": [
                *_board_facts([]),
                [_("Pekan"), f"{data['since']:%d-%m-%Y} – {data['today']:%d-%m-%Y}"],
                [_("Status"), _("%(red)s merah, %(amber)s kuning, %(green)s hijau") % counts],
            ],
            "sections": [
                {
                    "title": _("Desa yang perlu dihubungi"),
                    "columns": [_("Desa"), _("Kecamatan"), _("Status"), _("Alasan")],
                    "rows": [
                        [r.name, r.district_name, r.status_label, "; ".join(r.reasons)]
                        for r in data["attention"]
                    ]
                    or [[_("Semua desa berjalan"), "", "", ""]],
                    "text_columns": 4,
                },
                {
                    "title": _("Kegiatan pekan ini per desa"),
                    "columns": [
                        _("Desa"),
                        _("Kecamatan"),
                        _("Peristiwa (menurut tanggal peristiwa)"),
                        _("Surat terbit"),
                    ],
                    "rows": [
                        [i["row"].name, i["row"].district_name, _cell(i["events"]), _cell(i["letters"])]
                        for i in data["rows"]
                    ]
                    or [[_("Tidak ada desa"), "", "", ""]],
                    "text_columns": 2,
                },
            ],
        }
    )


def compare_pdf(
    ranked: list[Ranked],
    *,
    median: float | None,
    figure: F.Figure,
    area: str,
    filters: list[tuple[str, str]],
    as_of: dt.datetime | None,
) -> bytes:
    """Villages ranked by one indicator, with the median."""
    when = timezone.localtime(as_of).strftime("%d-%m-%Y %H:%M") if as_of else _("belum ada snapshot")
    return render(
        {
            "title": _("Banding desa: %(figure)s") % {"figure": figure.label},
            "subtitle": area,
            "landscape": False,
            "footer": SOURCE,
            "facts": [
                [_("Data per"), when],
                [_("Sumber"), SOURCE],
                *[[k, v] for k, v in filters],
                [_("Median"), _cell(median)],
            ],
            "sections": [
                {
                    "title": _("Peringkat"),
                    "columns": ["#", _("Desa"), _("Kecamatan"), str(figure.label)],
                    "rows": [
                        [str(i), r.name, r.district_name, _cell(r.value)] for i, r in enumerate(ranked, 1)
                    ]
                    or [["", _("Belum ada angka untuk bulan ini"), "", ""]],
                    "text_columns": 3,
                }
            ],
        }
    )
