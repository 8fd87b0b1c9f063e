"""Finance's sections on other apps' record pages (balai/core/plugins.py): the fixed income
budgeted and paid this year on an official's record (staff, below finance, never imports it),
and the APBDes line that pays an aid programme on the programme's page (aid, beside finance)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.core.plugins import RecordSection
from balai.finance import selectors_links


def _rp(n: int) -> str:
    return "Rp" + f"{n:,}".replace(",", ".")


def official_section(*, obj: Any, scope: Any) -> RecordSection | None:
    if not scope.can("finance.read"):
        return None
    year = timezone.localdate().year
    pay = selectors_links.official_pay(official=obj, year=year)
    title = _("Penghasilan tetap dan tunjangan di APBDes %(y)s") % {"y": year}
    link = reverse("finance:officials") + f"?tahun={year}"
    if pay is None:
        return RecordSection(
            title,
            note=_("APBDes %(y)s belum ada di modul Keuangan.") % {"y": year},
            link_url=link,
            link_label=_("Penghasilan perangkat di Keuangan"),
        )
    rows: list[tuple[Any, str]] = []
    for line, realised in pay.lines:
        rows.append(
            (
                f"{line.account_code} {line.description}",
                _("anggaran %(b)s · dibayar %(r)s") % {"b": _rp(line.in_force), "r": _rp(realised)},
            )
        )
    for line, realised in pay.shared_lines:
        rows.append(
            (
                f"{line.account_code} {line.description}",
                _("rincian bersama: anggaran %(b)s · dibayar %(r)s")
                % {"b": _rp(line.in_force), "r": _rp(realised)},
            )
        )
    if pay.lines:
        rows.append(
            (
                _("Jumlah untuk perangkat ini"),
                _("anggaran %(b)s · dibayar %(r)s") % {"b": _rp(pay.budgeted), "r": _rp(pay.realised)},
            )
        )
    if pay.paid_to_them:
        rows.append((_("SPP lain kepadanya (rekening 5.1)"), _rp(pay.paid_to_them)))
    note = ""
    if not rows:
        note = _("Belum ada rincian 5.1 yang ditautkan ke perangkat ini.")
    elif not pay.lines:
        note = _("Rincian ini untuk beberapa perangkat; tautkan rincian tersendiri di Keuangan.")
    return RecordSection(
        title, rows=tuple(rows), note=note, link_url=link, link_label=_("Penghasilan perangkat di Keuangan")
    )


def programme_section(*, obj: Any, scope: Any) -> RecordSection | None:
    if not scope.can("finance.read"):
        return None
    rows = selectors_links.aid_link_for_programme(village=obj.village, programme=obj)
    if not rows:
        return RecordSection(
            _("Pembiayaan dari APBDes"),
            note=_("Program ini belum ditautkan ke rincian belanja APBDes."),
            link_url=reverse("finance:aid_links"),
            link_label=_("Tautkan di Keuangan"),
        )
    out: list[tuple[Any, str]] = []
    for r in rows:
        line = r.link.budget_line
        out.append(
            (
                _("APBDes %(y)s, %(c)s %(d)s")
                % {"y": line.budget.year, "c": line.account_code, "d": line.description},
                _("anggaran %(b)s · terealisasi %(r)s · %(n)d penyaluran belum dibukukan")
                % {"b": _rp(r.budget), "r": _rp(r.realised), "n": r.pending_count},
            )
        )
    return RecordSection(
        _("Pembiayaan dari APBDes"),
        rows=tuple(out),
        note=_("Penyaluran yang dicatat di sini dibukukan bendahara sebagai belanja rincian tersebut."),
        link_url=reverse("finance:aid_links") + f"?tahun={rows[0].link.budget_line.budget.year}",
        link_label=_("Buka di Keuangan"),
    )


SECTIONS = {"staff.official": official_section, "aid.programme": programme_section}
