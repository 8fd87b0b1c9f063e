"""The BUMDes annual report as PDF with Typst: data in, bytes out (as `health.pdf`).

All values reach `typst/annual.typ` as JSON through `sys.inputs`, so a name can never be read
as markup.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

import typst
from django.utils.translation import gettext as _

from balai.economy import selectors
from balai.economy.models import Bumdes
from balai.regions.models import Village

TYPST_DIR = Path(__file__).parent / "typst"
_compiler: typst.Compiler | None = None
_lock = threading.Lock()
_EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _rp(n: int) -> str:
    text = f"{abs(n):,}".replace(",", ".")
    return f"({text})" if n < 0 else text


def render(content: dict[str, Any]) -> bytes:
    global _compiler
    with _lock:
        if _compiler is None:
            _compiler = typst.Compiler(
                input=TYPST_DIR / "annual.typ", root=TYPST_DIR, ignore_system_fonts=True
            )
        out = _compiler.compile(format="pdf", sys_inputs={"data": json.dumps(content)}, timestamp=_EPOCH)
    if isinstance(out, list):
        out = out[0]
    assert isinstance(out, bytes)
    return out


def _statements(title: str, books: selectors.Books) -> list[dict[str, Any]]:
    pl: list[list[Any]] = [[_("Pendapatan"), "", True]]
    pl += [[f"{a.code} {a.name}", _rp(v), False] for a, v in books.income.revenue]
    pl += [[_("Beban"), "", True]]
    pl += [[f"{a.code} {a.name}", _rp(v), False] for a, v in books.income.expense]
    pl += [[_("Laba (rugi) bersih"), _rp(books.income.net_income), True]]
    pos = books.position
    bs: list[list[Any]] = [[_("Aset"), "", True]]
    bs += [[f"{a.code} {a.name}", _rp(v), False] for a, v in pos.assets]
    bs += [[_("Jumlah aset"), _rp(pos.total_assets), True], [_("Liabilitas"), "", True]]
    bs += [[f"{a.code} {a.name}", _rp(v), False] for a, v in pos.liabilities]
    bs += [[_("Ekuitas"), "", True]]
    bs += [[f"{a.code} {a.name}", _rp(v), False] for a, v in pos.equity]
    bs += [[_("Laba tahun berjalan (belum ditutup)"), _rp(pos.net_income), False]]
    bs += [[_("Jumlah liabilitas dan ekuitas"), _rp(pos.total_liabilities + pos.total_equity), True]]
    cf = [
        [_("Kas awal tahun"), _rp(books.opening_cash), False],
        [_("Aktivitas operasi"), _rp(books.cash_flow["operasi"]), False],
        [_("Aktivitas investasi"), _rp(books.cash_flow["investasi"]), False],
        [_("Aktivitas pendanaan"), _rp(books.cash_flow["pendanaan"]), False],
        [_("Kas akhir tahun"), _rp(books.closing_cash), True],
    ]
    return [
        {"title": f"{title} — {_('Laporan laba rugi')}", "rows": pl},
        {"title": f"{title} — {_('Neraca')}", "rows": bs},
        {"title": f"{title} — {_('Laporan arus kas')}", "rows": cf},
    ]


def annual_report(*, village: Village, bumdes: Bumdes, year: int) -> bytes:
    consolidated = selectors.books(village=village, unit=None, year=year)
    sections = _statements(_("Konsolidasi"), consolidated)
    for unit in selectors.unit_list(village=village):
        sections += _statements(unit.name, selectors.books(village=village, unit=unit, year=year))
    capital = [
        [f"{c.date:%d-%m-%Y} · {c.unit.name} (TA {c.fiscal_year})", _rp(c.amount), False]
        for c in selectors.capital_list(village=village).filter(date__year__lte=year)
    ]
    if capital:
        sections.append({"title": _("Penyertaan modal desa"), "rows": capital})
    shares = [
        [f"{d.unit.name}: {_('laba')} {d.year} Rp{_rp(d.net_profit)}", _rp(d.village_share), False]
        for d in selectors.distribution_list(village=village).filter(year=year - 1)
    ]
    if shares:
        sections.append({"title": _("Bagi hasil untuk desa (PADes)"), "rows": shares})
    managers = [
        f"{m.get_position_display()}: {m.resident.name}"
        for m in selectors.manager_list(village=village).filter(ended_on__isnull=True)
    ]
    content = {
        "title": _("Laporan Tahunan %(name)s") % {"name": bumdes.name},
        "subtitle": _("Tahun buku %(y)s · Desa %(v)s") % {"y": year, "v": village.name},
        "facts": [
            [_("Status badan hukum"), bumdes.get_legal_status_display()],
            [_("Nomor sertifikat"), bumdes.registration_number or "—"],
            [_("Perdes pendirian"), bumdes.perdes_number or "—"],
            [_("Buku ditutup sampai"), f"{bumdes.closed_through:%d-%m-%Y}" if bumdes.closed_through else "—"],
            [_("Pengurus"), "; ".join(managers) or "—"],
            [_("Neraca seimbang"), _("ya") if consolidated.position.balanced else _("TIDAK")],
        ],
        "sections": sections,
        "footnote": _("Disusun dari jurnal BUMDes di Balai; angka dalam rupiah."),
    }
    return render(content)
