"""Finance documents as PDF with Typst: the SPP and its receipt voucher (kuitansi), the
subsidiary books (Panjar, Kegiatan) and the APBDes banner (baliho). Data in, bytes out, the
approach of `staff.pdf`: values reach the .typ files as JSON through `sys.inputs`, so a name
or a description is never read as markup.

The signatures come from the staff records: the official who took the step when their user
account is linked to their record, else the holder of the post (Kepala Desa, Sekretaris Desa,
Kaur Keuangan, and the activity's executor, PKA/Kasi).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

import typst
from django.db.models import Q
from django.utils.translation import gettext as _

from balai.core.words import terbilang
from balai.finance.advances import SubBook
from balai.finance.models import PaymentRequest
from balai.finance.selectors import ApbdesSummary
from balai.regions.models import Village
from balai.staff.models import Official

TYPST_DIR = Path(__file__).parent / "typst"
_compilers: dict[str, typst.Compiler] = {}
_lock = threading.Lock()
_EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
BANNER_SIZES = {"a1": "a1", "a0": "a0"}


def _render(template: str, content: dict[str, Any]) -> bytes:
    with _lock:
        compiler = _compilers.get(template)
        if compiler is None:
            compiler = typst.Compiler(input=TYPST_DIR / template, root=TYPST_DIR, ignore_system_fonts=True)
            _compilers[template] = compiler
        out = compiler.compile(format="pdf", sys_inputs={"data": json.dumps(content)}, timestamp=_EPOCH)
    if isinstance(out, list):
        out = out[0]
    assert isinstance(out, bytes)
    return out


def rp(n: int) -> str:
    text = f"{abs(n):,}".replace(",", ".")
    return f"-{text}" if n < 0 else text


def words(n: int) -> str:
    text = terbilang(n)
    return (text[:1].upper() + text[1:] + " rupiah") if text else ""


def _heading(village: Village) -> str:
    return _("PEMERINTAH DESA %(v)s") % {"v": village.name.upper()}


# --- Signatures from the staff records ------------------------------------------------------------


def _holder(village: Village, *titles: str) -> Official | None:
    q = Q()
    for t in titles:
        q |= (
            Q(profile__post__title__iexact=t)
            | Q(profile__acting_post__title__iexact=t)
            | Q(position__istartswith=t)
        )
    return Official.objects.filter(village=village, is_active=True).filter(q).order_by("order", "pk").first()


def _for_user(village: Village, user: Any) -> Official | None:
    if user is None:
        return None
    return Official.objects.filter(village=village, user=user, is_active=True).first()


def _sign(role: str, official: Official | None, fallback: str = "") -> dict[str, str]:
    if official is None:
        return {"role": role, "name": fallback or "( ............................ )", "nip": ""}
    nip = f"NIPD {official.nipd}" if official.nipd else (f"NIP {official.nip}" if official.nip else "")
    return {"role": role, "name": official.name, "nip": nip}


def signers(spp: PaymentRequest) -> dict[str, dict[str, str]]:
    """Executor (PKA), Sekretaris Desa (verification), Kepala Desa (approval), Kaur Keuangan
    (payment) of an SPP. The submitter is the official linked to the user who raised the SPP,
    or else the holder of the activity's executor post, or else a blank line: never an official
    who signs another step (a treasurer who typed the SPP in does not become its PKA)."""
    village = spp.budget.village if hasattr(spp.budget, "village") else Village.objects.get(pk=spp.village_id)
    activity = spp.budget_line.activity
    executor = activity.executor if activity else ""
    sekdes = _for_user(village, spp.verified_by) or _holder(village, "Sekretaris Desa")
    kades = _for_user(village, spp.approved_by) or _holder(village, "Kepala Desa")
    bendahara = _for_user(village, spp.paid_by) or _holder(village, "Kaur Keuangan", "Bendahara")
    others = {o.pk for o in (sekdes, kades, bendahara) if o is not None}
    for title in ("Sekretaris Desa", "Kepala Desa", "Kaur Keuangan", "Bendahara"):
        if (holder := _holder(village, title)) is not None:
            others.add(holder.pk)
    raiser = _for_user(village, spp.raised_by) if spp.raised_by_id else None
    if raiser is not None and raiser.pk in others:
        raiser = None
    holder = _holder(village, executor) if executor else None
    if holder is not None and holder.pk in others:
        holder = None
    return {
        "pka": _sign(
            _("Pelaksana Kegiatan Anggaran") + (f" ({executor})" if executor else ""), raiser or holder
        ),
        "sekdes": _sign(_("Sekretaris Desa"), sekdes),
        "kades": _sign(_("Kepala Desa"), kades),
        "bendahara": _sign(_("Kaur Keuangan"), bendahara),
    }


# --- Vouchers -------------------------------------------------------------------------------------


def _place_date(village: Village, day: dt.date | None) -> str:
    months = [
        "Januari", "Februari", "Maret", "April", "Mei", "Juni",
        "Juli", "Agustus", "September", "Oktober", "November", "Desember",
    ]  # fmt: skip
    if day is None:
        return f"{village.name}, .................... "
    return f"{village.name.title()}, {day.day} {months[day.month - 1]} {day.year}"


def spp_document(spp: PaymentRequest) -> bytes:
    """The SPP (Surat Permintaan Pembayaran) with its detail, taxes, amount in words and the
    four signatures."""
    village = Village.objects.get(pk=spp.village_id)
    line = spp.budget_line
    taxes = spp.voucher_taxes
    sign = signers(spp)
    content = {
        "kind": "spp",
        "heading": _heading(village),
        "title": _("SURAT PERMINTAAN PEMBAYARAN (SPP)"),
        "subtitle": f"{spp.get_kind_display()} · {_('Nomor')} {spp.number} · {_('Tahun Anggaran')} {spp.budget.year}",
        "facts": [
            [_("Bidang / Kegiatan"), str(line.activity) if line.activity else "—"],
            [_("Kode rekening"), f"{line.account_code} {line.description} ({line.funding_source})"],
            [_("Uraian"), spp.description],
            [_("Penerima"), spp.payee + (f" · NPWP {spp.payee_npwp}" if spp.payee_npwp else "")],
            [_("Dibayar dari"), spp.get_medium_display()],
            [_("Tanggal SPP"), spp.date.strftime("%d-%m-%Y")],
        ],
        "rows": [[_("Jumlah bruto"), rp(spp.amount)]]
        + [[f"{t.get_kind_display()} ({_('dasar')} {rp(t.base)})", f"({rp(t.amount)})"] for t in taxes]
        + [[_("Jumlah dibayarkan (netto)"), rp(spp.net)]],
        "amount": rp(spp.amount),
        "words": words(spp.amount),
        "place_date": _place_date(village, spp.date),
        "signatures": [
            [_("Diajukan oleh"), sign["pka"]],
            [_("Diverifikasi oleh"), sign["sekdes"]],
            [_("Disetujui oleh"), sign["kades"]],
            [_("Dibayar oleh"), sign["bendahara"]],
        ],
        "status": spp.get_status_display(),
        "footnote": _("Dicetak dari Balai. Status SPP: %(s)s.") % {"s": spp.get_status_display()},
    }
    return _render("voucher.typ", content)


def receipt_voucher(spp: PaymentRequest) -> bytes:
    """The kuitansi: the payee acknowledges receiving the amount from the treasurer, with the
    amount in words, the kades's approval and the treasurer's payment."""
    village = Village.objects.get(pk=spp.village_id)
    line = spp.budget_line
    sign = signers(spp)
    content = {
        "kind": "kuitansi",
        "heading": _heading(village),
        "title": _("KUITANSI / BUKTI PEMBAYARAN"),
        "subtitle": f"{_('Nomor')} {spp.number} · {_('Tahun Anggaran')} {spp.budget.year}",
        "facts": [
            [_("Sudah terima dari"), _("Kaur Keuangan Desa %(v)s") % {"v": village.name.title()}],
            [_("Uang sejumlah"), f"Rp {rp(spp.net)}"],
            [_("Terbilang"), words(spp.net)],
            [_("Untuk pembayaran"), spp.description],
            [_("Kegiatan"), str(line.activity) if line.activity else "—"],
            [_("Kode rekening"), f"{line.account_code} ({line.funding_source})"],
        ],
        "rows": [],
        "amount": rp(spp.net),
        "words": words(spp.net),
        "place_date": _place_date(village, spp.paid_on),
        "signatures": [
            [_("Setuju dibayar"), sign["kades"]],
            [_("Lunas dibayar"), sign["bendahara"]],
            [_("Yang menerima"), {"role": _("Penerima"), "name": spp.payee, "nip": ""}],
        ],
        "status": spp.get_status_display(),
        "footnote": (
            _("Jumlah bruto Rp%(g)s, potongan pajak Rp%(t)s.") % {"g": rp(spp.amount), "t": rp(spp.tax_total)}
            if spp.tax_total
            else ""
        ),
    }
    return _render("voucher.typ", content)


# --- Books -----------------------------------------------------------------------------------------


def subbook(*, book: SubBook, village: Village, year: int) -> bytes:
    columns = (
        [_("Tanggal"), _("Nomor bukti"), _("Uraian")] + [label for _k, label in book.columns] + [_("Saldo")]
    )
    rows = [
        [r.date.strftime("%d-%m-%Y"), r.number, r.description]
        + [rp(r.columns[k]) if r.columns.get(k) else "" for k, _l in book.columns]
        + [rp(r.balance)]
        for r in book.rows
    ]
    rows.append(
        ["", "", _("Jumlah")] + [rp(book.totals.get(k, 0)) for k, _l in book.columns] + [rp(book.closing)]
    )
    content = {
        "heading": _heading(village),
        "title": f"{book.title.upper()} {_('TAHUN ANGGARAN')} {year}",
        "subtitle": book.subtitle,
        "columns": columns,
        "rows": rows,
        "numeric_from": 3,
        "footnote": _("Disusun dari buku kas Balai; angka dalam rupiah."),
    }
    return _render("subbook.typ", content)


# --- Baliho ------------------------------------------------------------------------------------------


def pct_text(part: int, whole: int) -> str:
    """A share as Indonesian text to two decimals, truncated: 143.799.996 of 143.800.000 is
    "99,99", never "100" unless it is complete."""
    if not whole:
        return "0"
    hundredths = part * 10_000 // whole
    whole_part, rest = divmod(hundredths, 100)
    return f"{whole_part}" if rest == 0 else f"{whole_part},{rest:02d}".rstrip("0")


def _bars(bars: list[Any]) -> list[dict[str, Any]]:
    top = max((b.amount for b in bars), default=0) or 1
    return [
        {
            "label": b.label if len(b.label) <= 70 else b.label[:68].rstrip() + "…",
            "amount": rp(b.amount),
            "realised": rp(b.realised),
            "share": round(b.amount * 100 / top),
            "percent": b.realised * 100 // b.amount if b.amount else 0,
            "percent_text": pct_text(b.realised, b.amount),
        }
        for b in bars
    ]


def banner(*, summary: ApbdesSummary, village: Village, paper: str = "a1", landscape: bool = False) -> bytes:
    """The APBDes infographic banner: revenue by source, spending by bidang, Dana Desa use and
    the biggest activities, in large type for printing A1/A0."""
    content = {
        "paper": BANNER_SIZES.get(paper, "a1"),
        "landscape": landscape,
        "title": _("INFOGRAFIS APBDes %(y)s") % {"y": summary.year},
        "village": _("DESA %(v)s") % {"v": village.name.upper()},
        "region": ", ".join(
            x for x in (getattr(village, "district_name", ""), getattr(village, "regency_name", "")) if x
        ),
        "status": summary.status,
        "totals": [
            [
                _("Pendapatan"),
                rp(summary.revenue),
                _("terealisasi %(p)s%%") % {"p": pct_text(summary.revenue_realised, summary.revenue)},
            ],
            [
                _("Belanja"),
                rp(summary.spending),
                _("terealisasi %(p)s%%") % {"p": pct_text(summary.spending_realised, summary.spending)},
            ],
            [
                _("Pembiayaan"),
                rp(summary.financing).replace("-", "−"),
                _("penerimaan %(i)s − pengeluaran %(o)s")
                % {"i": rp(summary.financing_in), "o": rp(summary.financing_out)},
            ],
        ],
        "by_source": _bars(summary.by_source),
        "by_bidang": _bars(summary.by_bidang),
        "activities": _bars(summary.activities[:8]),
        "dana_desa": {
            "amount": rp(summary.dana_desa.amount),
            "realised": rp(summary.dana_desa.realised),
            "percent": (
                summary.dana_desa.realised * 100 // summary.dana_desa.amount
                if summary.dana_desa.amount
                else 0
            ),
            "percent_text": pct_text(summary.dana_desa.realised, summary.dana_desa.amount),
        },
        "labels": {
            "source": _("Pendapatan menurut sumber"),
            "bidang": _("Belanja menurut bidang"),
            "dana_desa": _("Penggunaan Dana Desa"),
            "activities": _("Kegiatan terbesar"),
            "budget": _("anggaran"),
            "realised": _("realisasi"),
            "legend_budget": _("anggaran (panjang batang sebanding dengan anggaran terbesar)"),
            "legend_realised": _("bagian yang sudah terealisasi"),
        },
        "footnote": _(
            "Sumber: APBDes dan buku kas desa di Balai. Angka dalam rupiah. Informasi publik sesuai UU 14/2008 "
            "dan UU 6/2014 tentang Desa."
        ),
    }
    return _render("baliho.typ", content)
