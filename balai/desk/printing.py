"""Queue tickets and receipts on a 58/80 mm ESC/POS thermal printer (python-escpos).

The receipt is composed on python-escpos's `Dummy` printer (bytes in memory) and then sent in
one piece to the kiosk's printer, over the network (raw TCP, usually port 9100) or to a USB
printer's device file (`/dev/usb/lp0`). The app server must reach that printer: the same LAN
or VPN for a network printer, the kiosk PC itself for a USB one.

Nothing printed carries personal data: a ticket has its number, service and time; a complaint
receipt its tracking number; a guest-book receipt the time of the visit.
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from balai.desk.models import Complaint, GuestEntry, PrinterConfig, Ticket

log = logging.getLogger(__name__)
NETWORK_TIMEOUT = 4.0


@dataclass(frozen=True)
class PrintResult:
    ok: bool
    message: str


def _ascii(text: str) -> str:
    # Thermal printers' built-in code pages are not UTF-8; keep letters, drop accents.
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def compose(config: PrinterConfig, blocks: list[tuple[str, str]]) -> bytes:
    """Receipt bytes from (style, text) blocks: style "title", "big", "bold" or "" (normal)."""
    # python-escpos is imported where a receipt is made, not with the URLs: on import it parses
    # its printer database (YAML, ~0.25 s of CPU) into a new temporary directory, which every
    # process serving a page (and every test process and server the suite starts) would pay.
    from escpos.printer import Dummy

    p = Dummy()
    p.set(align="center", normal_textsize=True)
    width = config.columns
    for style, text in blocks:
        for line in _ascii(text).splitlines() or [""]:
            if style == "big":
                p.set(align="center", bold=True, custom_size=True, width=3, height=3)
                p.textln(line[: width // 3])
            elif style in ("title", "bold"):
                p.set(align="center", bold=True, normal_textsize=True, double_height=style == "title")
                p.textln(line[:width])
            else:
                p.set(align="center", bold=False, normal_textsize=True)
                p.textln(line[:width])
    p.set(align="center", normal_textsize=True, bold=False)
    p.ln(2)
    p.cut()
    return bytes(p.output)


def ticket_blocks(
    config: PrinterConfig, ticket: Ticket, village_name: str, ahead: int
) -> list[tuple[str, str]]:
    return [
        ("title", config.header or _("Desa %(name)s") % {"name": village_name}),
        ("", _("NOMOR ANTREAN ANDA")),
        ("big", ticket.label),
        ("bold", ticket.category.name),
        ("", _when(ticket.created_at)),
        ("", _("Antrean di depan Anda: %(n)d") % {"n": ahead}),
        ("", _("Mohon menunggu panggilan.")),
    ]


def complaint_blocks(config: PrinterConfig, complaint: Complaint, village_name: str) -> list[tuple[str, str]]:
    return [
        ("title", config.header or _("Desa %(name)s") % {"name": village_name}),
        ("", _("TANDA TERIMA %(kind)s") % {"kind": complaint.get_kind_display().upper()}),
        ("bold", _("Nomor pelacakan:")),
        ("title", complaint.tracking_display),
        ("", _when(complaint.created_at)),
        ("", _("Cek status di anjungan, menu Status Pengaduan.")),
    ]


def guest_blocks(config: PrinterConfig, entry: GuestEntry, village_name: str) -> list[tuple[str, str]]:
    return [
        ("title", config.header or _("Desa %(name)s") % {"name": village_name}),
        ("", _("BUKU TAMU")),
        ("", _("Kunjungan tercatat: %(when)s") % {"when": _when(entry.visited_at)}),
        ("", _("Terima kasih atas kunjungan Anda.")),
    ]


def open_printer(config: PrinterConfig) -> Any:
    """The python-escpos printer for a configuration, opened (raises on failure)."""
    from escpos.printer import File, Network

    if config.kind == PrinterConfig.Kind.NETWORK:
        printer: Any = Network(host=config.host, port=config.port, timeout=NETWORK_TIMEOUT)
    else:
        printer = File(devfile=config.device_path)
    printer.open()
    return printer


def send(config: PrinterConfig | None, payload: bytes) -> PrintResult:
    """Send a composed receipt; a failure comes back as a message for the resident, never raised."""
    if config is None or config.kind == PrinterConfig.Kind.NONE:
        return PrintResult(False, _("Anjungan ini tidak memakai printer struk."))
    from escpos.exceptions import Error as EscposError

    try:
        printer = open_printer(config)
        try:
            printer._raw(payload)
        finally:
            printer.close()
    except (EscposError, OSError) as exc:
        log.warning("receipt printer %s failed: %s", config.public_id, exc.__class__.__name__)
        return PrintResult(False, _("Printer tidak dapat dihubungi atau kertas habis."))
    return PrintResult(True, _("Struk sedang dicetak."))
