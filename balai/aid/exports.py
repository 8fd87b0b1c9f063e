"""Recipient lists and distribution reports as XLSX and PDF.

The recipient XLSX is OpenSID's aid format (sheets "Program" and "Peserta", the same columns
the import reads, extra columns after them), so a list goes back into OpenSID or into Balai
unchanged. PDFs are Typst (`typst/report.typ`), data passed as JSON; NIK/KK are masked in
PDFs unless the caller asks for full numbers (only roles that handle the data may). The
XLSX files are written by `core.xlsx`: a name like "=HYPERLINK(...)" stays text.
Exports are personal data leaving the system: each one is audited by the caller's service.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typst
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.aid.imports import OPENSID_HEADERS, PROGRAM_LABELS
from balai.aid.models import DistributionCycle, Entitlement, Programme, Recipient
from balai.aid.selectors import CycleSummary, unit_label
from balai.core import xlsx
from balai.core.masking import mask_number
from balai.regions.models import Village

if TYPE_CHECKING:
    from balai.accounts.models import User

TYPST_DIR = Path(__file__).parent / "typst"
_compiler: typst.Compiler | None = None
_lock = threading.Lock()
_EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
XLSX = xlsx.CONTENT_TYPE
SASARAN_CODE = {"person": 1, "family": 2, "household": 3, "group": 4}


def rupiah(amount: int | None) -> str:
    return "Rp" + f"{amount or 0:,}".replace(",", ".")


def _day(value: dt.date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


# --- Rows ------------------------------------------------------------------------------------


@dataclass
class RecipientLine:
    peserta: str  # NIK / No. KK / household number / group, as OpenSID's "Peserta"
    card: str
    nik: str
    name: str
    birth_place: str
    birth_date: dt.date | None
    address: str
    status: str
    source: str
    enrolled_on: dt.date | None


def _holder(recipient: Recipient) -> Any:
    if recipient.resident is not None:
        return recipient.resident
    if recipient.family is not None:
        return recipient.family.head
    if recipient.household is not None:
        return recipient.household.head
    return None


def _address(person: Any, recipient: Recipient) -> str:
    rt = getattr(person, "rt", None) if person is not None else None
    if rt is None and recipient.family is not None:
        rt = recipient.family.rt
    if rt is None:
        return recipient.family.address if recipient.family is not None else ""
    return f"RT {rt.rt}/RW {rt.rw} {rt.dusun.name}"


def recipient_lines(programme: Programme, recipients: Iterable[Recipient]) -> list[RecipientLine]:
    lines = []
    for r in recipients:
        person = _holder(r)
        if programme.target_unit == Programme.TargetUnit.FAMILY and r.family is not None:
            peserta = r.family.kk_number
        elif programme.target_unit == Programme.TargetUnit.HOUSEHOLD and r.household is not None:
            peserta = r.household.number
        elif programme.target_unit == Programme.TargetUnit.GROUP:
            peserta = r.group_name
        else:
            peserta = person.nik if person is not None else ""
        lines.append(
            RecipientLine(
                peserta=peserta,
                card=r.external_id,
                nik=person.nik if person is not None else "",
                name=person.name if person is not None else r.group_name,
                birth_place=getattr(person, "birth_place", "") or "",
                birth_date=getattr(person, "birth_date", None),
                address=_address(person, r),
                status=r.get_status_display(),
                source=r.get_source_display(),
                enrolled_on=r.enrolled_on,
            )
        )
    return lines


# --- XLSX ------------------------------------------------------------------------------------


def recipients_xlsx(programme: Programme, lines: Sequence[RecipientLine]) -> bytes:
    book = xlsx.Workbook(
        title=f"Daftar penerima {programme_title(programme)} (format bantuan OpenSID)",
        village=programme.village,
        filters=[(_("Program"), f"{programme.name} ({programme.code}, {programme.period})")],
    )
    bold = book.style(bold=True, bg_color="#FFFF00")
    sheet = book.add_sheet("Program")
    values = [
        programme.public_id,
        programme.name,
        str(SASARAN_CODE[programme.target_unit]),
        programme.description,
        programme.get_source_display(),
        programme.period_start.isoformat(),
        programme.period_end.isoformat(),
    ]
    for i, (label, value) in enumerate(zip(PROGRAM_LABELS, values, strict=True)):
        sheet.write(i, 0, label)
        sheet.write(i, 1, value)
    sheet.set_column(0, 1, 28)
    sheet = book.add_sheet("Peserta")
    headers = [*OPENSID_HEADERS, "Status", "Sumber", "Tanggal mulai"]
    sheet.write_row(0, 0, headers, bold)
    widths = (20, 16, 20, 30, 16, 14, 36, 12, 20, 14)
    for c, w in enumerate(widths):
        sheet.set_column(c, c, w)
    for r, line in enumerate(lines, start=1):
        row = (
            line.peserta,
            line.card,
            line.nik,
            line.name,
            line.birth_place,
            line.birth_date.isoformat() if line.birth_date else "",
            line.address,
            line.status,
            line.source,
            _day(line.enrolled_on),
        )
        for c, value in enumerate(row):
            if value:
                sheet.write(r, c, value)  # every value here is text (dates as OpenSID writes them)
    sheet.freeze_panes(1, 0)
    return book.close()


CYCLE_HEADERS = (
    ("No.", 6),
    ("Penerima", 30),
    ("NIK", 20),
    ("No. KK", 20),
    ("Alamat", 30),
    ("Hak (Rp)", 14),
    ("Status", 16),
    ("Tanggal salur", 14),
    ("Diterima (Rp)", 14),
    ("Diterima oleh", 28),
    ("Bukti", 14),
)


@dataclass
class EntitlementLine:
    name: str
    nik: str
    kk: str
    address: str
    amount: int
    status: str
    distributed_on: dt.date | None
    paid: int | None
    received_by: str
    proof: str


def entitlement_lines(entitlements: Iterable[Entitlement]) -> list[EntitlementLine]:
    lines = []
    for e in entitlements:
        r = e.recipient
        person = _holder(r)
        kk = (
            r.family.kk_number
            if r.family is not None
            else (person.family.kk_number if person and person.family else "")
        )
        d = getattr(e, "distribution", None) if e.status == Entitlement.Status.DISTRIBUTED else None
        received = ""
        if d is not None:
            received = d.receiver_name
            if d.received_by == d.ReceivedBy.PROXY:
                received += f" (wakil, {d.proxy_relation})"
        lines.append(
            EntitlementLine(
                name=unit_label(r),
                nik=person.nik if person is not None else "",
                kk=kk,
                address=_address(person, r),
                amount=e.amount,
                status=e.get_status_display(),
                distributed_on=d.distributed_on if d else None,
                paid=d.amount if d else None,
                received_by=received,
                proof=d.get_proof_kind_display() if d else "",
            )
        )
    return lines


def cycle_xlsx(cycle: DistributionCycle, lines: Sequence[EntitlementLine], summary: CycleSummary) -> bytes:
    title = f"{programme_title(cycle.programme, cycle.period)} — {cycle.label}"
    book = xlsx.Workbook(
        title=_("Laporan penyaluran %(title)s") % {"title": title},
        village=cycle.programme.village,
        filters=[
            (_("Program"), f"{cycle.programme.name} ({cycle.programme.code}, {cycle.period})"),
            (_("Tahap"), cycle.label),
        ],
    )
    sheet = book.add_sheet("Penyaluran")
    styles = book.table_styles()
    bold, cell, money = styles.head, styles.cell, styles.money
    sheet.write(0, 0, title, styles.title)
    sheet.write(
        1,
        0,
        f"Masa manfaat {_day(cycle.covers_start)} s.d. {_day(cycle.covers_end)}; status {cycle.get_status_display()}",
    )
    sheet.write_header(3, CYCLE_HEADERS, bold)
    r = 3
    for r, line in enumerate(lines, start=4):
        sheet.write(r, 0, r - 3, cell)
        sheet.write(r, 1, line.name, cell)
        sheet.write(r, 2, line.nik, cell)
        sheet.write(r, 3, line.kk, cell)
        sheet.write(r, 4, line.address, cell)
        sheet.write(r, 5, line.amount, money)
        sheet.write(r, 6, line.status, cell)
        sheet.write(r, 7, _day(line.distributed_on), cell)
        sheet.write(r, 8, line.paid, money if line.paid is not None else cell)
        sheet.write(r, 9, line.received_by, cell)
        sheet.write(r, 10, line.proof, cell)
    r += 2
    for label, value in (
        ("Jumlah hak", summary.entitlements),
        ("Sudah disalurkan", summary.distributed),
        ("Belum disalurkan", summary.pending),
        *([("Dibatalkan", summary.cancelled)] if summary.cancelled else []),
        ("Nilai hak (Rp)", summary.amount_due),
        ("Nilai tersalur (Rp)", summary.amount_paid),
    ):
        sheet.write(r, 1, label, bold)
        sheet.write(r, 2, value, money)
        r += 1
    sheet.freeze_panes(4, 0)
    return book.close()


# --- PDF -------------------------------------------------------------------------------------


def render_pdf(data: dict[str, Any]) -> bytes:
    global _compiler
    with _lock:
        if _compiler is None:
            _compiler = typst.Compiler(
                input=TYPST_DIR / "report.typ", root=TYPST_DIR, ignore_system_fonts=True
            )
        out = _compiler.compile(format="pdf", sys_inputs={"data": json.dumps(data)}, timestamp=_EPOCH)
    if isinstance(out, list):
        out = out[0]
    assert isinstance(out, bytes)
    return out


def _kop(village: Village) -> str:
    return f"Pemerintah Desa {village.name}, Kecamatan {village.district_name}, {village.regency_name}"


def programme_title(programme: Programme, period: str | None = None) -> str:
    """ "BLT Dana Desa 2026", not "BLT Dana Desa 2026 2026": the period only when the name
    does not already carry it."""
    name, period = programme.name.strip(), (period or programme.period).strip()
    return name if not period or period in name else f"{name} Periode {period}"


def _signers(village: Village, actor: User) -> list[dict[str, str]]:
    """Who prepared the list (their post when they are an official of the village) and, to
    acknowledge it, the head of the village — once: when the head prints it, one block."""
    from balai.staff.models import Official
    from balai.staff.selectors import official_for_user, signatories

    head = signatories(village=village).filter(signs_as=Official.SignsAs.OWN).first()
    kind = _("Lurah") if village.is_kelurahan else _("Kepala Desa")
    head_role = f"{head.position if head else kind} {village.name}"
    head_name = head.name if head else "(.................................)"
    preparer = official_for_user(village=village, user=actor)
    actor_name = actor.get_full_name() or actor.get_username()
    if head is not None and (
        (preparer is not None and preparer.pk == head.pk) or actor_name.casefold() == head.name.casefold()
    ):
        return [{"role": head_role, "name": head_name}]
    return [
        {
            "role": _("Yang membuat,") + "\n" + (preparer.position if preparer else _("Petugas")),
            "name": preparer.name if preparer else actor_name,
        },
        {"role": _("Mengetahui,") + "\n" + head_role, "name": head_name},
    ]


def _number(value: str, full: bool) -> str:
    return value if full else mask_number(value)


def _decree_line(programme: Programme) -> list[str]:
    from balai.aid.selectors import programme_decree

    decree = programme_decree(village=programme.village, programme=programme)
    if decree is None:
        return []
    return [f"Ditetapkan dengan SK Kepala Desa Nomor {decree.number} tanggal {_day(decree.decided_on)}"]


def recipients_pdf(
    programme: Programme, lines: Sequence[RecipientLine], *, actor: User, full_numbers: bool
) -> bytes:
    columns = [
        {"label": "No.", "width": 0, "align": "right"},
        {"label": "Nama", "width": 3, "align": "left"},
        {"label": "NIK", "width": 2, "align": "left"},
        {"label": "Peserta/No. KK", "width": 2, "align": "left"},
        {"label": "No. Peserta", "width": 1.5, "align": "left"},
        {"label": "Alamat", "width": 3, "align": "left"},
        {"label": "Status", "width": 1.2, "align": "left"},
    ]
    rows = [
        [
            str(i),
            line.name,
            _number(line.nik, full_numbers),
            _number(line.peserta, full_numbers) if line.peserta.isdigit() else line.peserta,
            line.card,
            line.address,
            line.status,
        ]
        for i, line in enumerate(lines, start=1)
    ]
    return render_pdf(
        {
            "kop": _kop(programme.village),
            "title": f"Daftar Penerima {programme_title(programme)}",
            "subtitle": [
                f"Sasaran: {programme.get_target_unit_display()}; sumber dana: {programme.get_source_display()}",
                *_decree_line(programme),
                f"Jumlah penerima: {len(lines)}",
            ],
            "columns": columns,
            "rows": rows,
            "summary": [],
            "signers": _signers(programme.village, actor),
            "footer": f"Dicetak {timezone.localtime():%d-%m-%Y %H:%M} · Balai"
            + ("" if full_numbers else " · NIK/KK disamarkan"),
        }
    )


def cycle_pdf(
    cycle: DistributionCycle,
    lines: Sequence[EntitlementLine],
    summary: CycleSummary,
    *,
    actor: User,
    full_numbers: bool,
) -> bytes:
    columns = [
        {"label": "No.", "width": 0, "align": "right"},
        {"label": "Penerima", "width": 3, "align": "left"},
        {"label": "NIK", "width": 2, "align": "left"},
        {"label": "Alamat", "width": 2.5, "align": "left"},
        {"label": "Hak", "width": 1.3, "align": "right"},
        {"label": "Tgl salur", "width": 1.3, "align": "left"},
        {"label": "Diterima", "width": 1.3, "align": "right"},
        {"label": "Diterima oleh", "width": 2.5, "align": "left"},
        {"label": "Bukti", "width": 1.2, "align": "left"},
    ]
    rows = [
        [
            str(i),
            line.name,
            _number(line.nik, full_numbers),
            line.address,
            rupiah(line.amount),
            _day(line.distributed_on) or "-",
            rupiah(line.paid) if line.paid is not None else "-",
            line.received_by or "-",
            line.proof or "-",
        ]
        for i, line in enumerate(lines, start=1)
    ]
    programme = cycle.programme
    return render_pdf(
        {
            "kop": _kop(programme.village),
            "title": f"Laporan Penyaluran {programme_title(programme, cycle.period)} — {cycle.label}",
            "subtitle": [
                f"Masa manfaat {_day(cycle.covers_start)} s.d. {_day(cycle.covers_end)}; "
                f"rencana salur {_day(cycle.planned_on)}; status {cycle.get_status_display()}",
            ],
            "columns": columns,
            "rows": rows,
            "summary": [
                f"Jumlah hak: {summary.entitlements}; sudah disalurkan: {summary.distributed}; "
                f"belum disalurkan: {summary.pending}"
                + (f"; dibatalkan: {summary.cancelled}" if summary.cancelled else ""),
                f"Nilai hak: {rupiah(summary.amount_due)}; nilai tersalur: {rupiah(summary.amount_paid)}",
            ],
            "signers": _signers(programme.village, actor),
            "footer": f"Dicetak {timezone.localtime():%d-%m-%Y %H:%M} · Balai"
            + ("" if full_numbers else " · NIK disamarkan"),
        }
    )
