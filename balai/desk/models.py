"""Front desk of the village office: counter queue, complaints, guest book, satisfaction (IKM).

Everything is village-owned (`village` FK) and named in URLs by `public_id` only. Rows made at
a kiosk remember the device by its public id (`device_id`), not by a foreign key, so this app
does not depend on the kiosk app's tables.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from balai.core.models import BaseModel, PublicIdModel, VillageScopedModel


class ServiceCategory(PublicIdModel, VillageScopedModel, BaseModel):
    """A counter service residents queue for (Surat, Kependudukan, Pengaduan…); operator-editable."""

    name = models.CharField(_("nama layanan"), max_length=60)
    # The ticket prefix: A-001, B-001…
    code = models.CharField(_("kode"), max_length=2)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["village_id", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["village", "code"], name="desk_category_village_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Counter(PublicIdModel, VillageScopedModel, BaseModel):
    """A service counter (loket). Serves the categories chosen, or all when none are."""

    name = models.CharField(_("nama loket"), max_length=40)
    categories = models.ManyToManyField(ServiceCategory, blank=True, related_name="counters")
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["village_id", "order", "name"]

    def __str__(self) -> str:
        return self.name


class TicketSequence(VillageScopedModel):
    """Last number given per category and day; the row is locked while a number is taken."""

    category = models.ForeignKey(ServiceCategory, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["category", "day"], name="desk_sequence_category_day_unique")
        ]


class Ticket(PublicIdModel, VillageScopedModel):
    class State(models.TextChoices):
        WAITING = "waiting", _("Menunggu")
        CALLED = "called", _("Dipanggil")
        DONE = "done", _("Selesai")
        SKIPPED = "skipped", _("Dilewati")

    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField()
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.WAITING)
    created_at = models.DateTimeField()
    called_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    counter = models.ForeignKey(Counter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    called_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    calls = models.PositiveSmallIntegerField(default=0)
    device_id = models.CharField(max_length=16, blank=True)
    # A random key the form carried: a double tap sends it twice and gets the same ticket.
    submit_key = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["village_id", "day", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["category", "day", "number"], name="desk_ticket_number_unique"),
            models.UniqueConstraint(
                fields=["village", "submit_key"],
                condition=~Q(submit_key=""),
                name="desk_ticket_submit_key_unique",
            ),
        ]
        indexes = [models.Index(fields=["village", "day", "state"], name="desk_ticket_day_state")]

    @property
    def label(self) -> str:
        return f"{self.category.code}-{self.number:03d}"

    def __str__(self) -> str:
        return self.label


class QueueCall(VillageScopedModel):
    """One announcement on the calling display (a call or a recall); the display polls these."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="call_log")
    counter = models.ForeignKey(Counter, null=True, on_delete=models.SET_NULL, related_name="+")
    # Copied so the display needs no joins and keeps what was said even if names change later.
    label = models.CharField(max_length=8)
    counter_name = models.CharField(max_length=40)
    called_at = models.DateTimeField()
    is_recall = models.BooleanField(default=False)

    class Meta:
        ordering = ["village_id", "-pk"]
        indexes = [models.Index(fields=["village", "called_at"], name="desk_call_village_time")]


class Complaint(PublicIdModel, VillageScopedModel, BaseModel):
    class Kind(models.TextChoices):
        COMPLAINT = "pengaduan", _("Pengaduan")
        SUGGESTION = "saran", _("Saran")
        QUESTION = "pertanyaan", _("Pertanyaan")

    class State(models.TextChoices):
        RECEIVED = "received", _("Diterima")
        IN_PROGRESS = "in_progress", _("Sedang ditindaklanjuti")
        ANSWERED = "answered", _("Sudah dijawab")
        CLOSED = "closed", _("Selesai")

    class Source(models.TextChoices):
        KIOSK = "kiosk", _("Anjungan")
        OPERATOR = "operator", _("Petugas")

    # Given to the resident; random, carries no personal data (see services.new_tracking_number).
    tracking_number = models.CharField(max_length=12, unique=True)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices, default=Kind.COMPLAINT)
    subject = models.CharField(_("perihal"), max_length=120)
    body = models.TextField(_("isi"), max_length=4000)
    name = models.CharField(_("nama"), max_length=120, blank=True)
    contact = models.CharField(_("kontak"), max_length=60, blank=True)
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=8, choices=Source.choices)
    state = models.CharField(_("status"), max_length=12, choices=State.choices, default=State.RECEIVED)
    response = models.TextField(_("tanggapan"), max_length=4000, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    device_id = models.CharField(max_length=16, blank=True)
    submit_key = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["village_id", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "submit_key"],
                condition=~Q(submit_key=""),
                name="desk_complaint_submit_key_unique",
            )
        ]
        indexes = [models.Index(fields=["village", "state", "created_at"], name="desk_complaint_state")]

    @property
    def tracking_display(self) -> str:
        n = self.tracking_number.upper()
        return f"{n[:5]}-{n[5:]}"


class GuestEntry(PublicIdModel, VillageScopedModel, BaseModel):
    """Buku tamu: a visitor to the village office."""

    name = models.CharField(_("nama"), max_length=120)
    origin = models.CharField(_("asal / instansi"), max_length=120)
    purpose = models.CharField(_("keperluan"), max_length=250)
    visiting = models.CharField(_("bertemu dengan"), max_length=120, blank=True)
    phone = models.CharField(_("nomor telepon"), max_length=20, blank=True)
    visited_at = models.DateTimeField()
    device_id = models.CharField(max_length=16, blank=True)
    submit_key = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["village_id", "-visited_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "submit_key"],
                condition=~Q(submit_key=""),
                name="desk_guest_submit_key_unique",
            )
        ]
        indexes = [models.Index(fields=["village", "visited_at"], name="desk_guest_village_time")]


# Permenpan-RB 14/2017: the nine elements (unsur) of a community satisfaction survey.
IKM_ELEMENTS: list[tuple[str, Any, Any]] = [
    ("u1", _("Persyaratan"), _("Persyaratan pelayanan mudah dipenuhi?")),
    ("u2", _("Prosedur"), _("Prosedur pelayanan mudah?")),
    ("u3", _("Waktu pelayanan"), _("Pelayanan cepat?")),
    ("u4", _("Biaya/tarif"), _("Biaya pelayanan wajar (atau gratis)?")),
    ("u5", _("Produk layanan"), _("Hasil pelayanan sesuai yang dijanjikan?")),
    ("u6", _("Kompetensi pelaksana"), _("Petugas cakap dan paham?")),
    ("u7", _("Perilaku pelaksana"), _("Petugas sopan dan ramah?")),
    ("u8", _("Penanganan pengaduan"), _("Pengaduan dan saran ditangani dengan baik?")),
    ("u9", _("Sarana dan prasarana"), _("Ruang dan fasilitas layanan nyaman?")),
]
IKM_FIELDS = [code for code, _label, _question in IKM_ELEMENTS]


class SatisfactionResponse(PublicIdModel, VillageScopedModel):
    """One respondent's IKM answers, each 1 (tidak baik) to 4 (sangat baik)."""

    service = models.CharField(_("layanan"), max_length=60, blank=True)
    created_at = models.DateTimeField()
    u1 = models.PositiveSmallIntegerField()
    u2 = models.PositiveSmallIntegerField()
    u3 = models.PositiveSmallIntegerField()
    u4 = models.PositiveSmallIntegerField()
    u5 = models.PositiveSmallIntegerField()
    u6 = models.PositiveSmallIntegerField()
    u7 = models.PositiveSmallIntegerField()
    u8 = models.PositiveSmallIntegerField()
    u9 = models.PositiveSmallIntegerField()
    device_id = models.CharField(max_length=16, blank=True)
    submit_key = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["village_id", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "submit_key"],
                condition=~Q(submit_key=""),
                name="desk_ikm_submit_key_unique",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{f}__gte": 1, f"{f}__lte": 4}), name=f"desk_ikm_{f}_range"
                )
                for f in IKM_FIELDS
            ],
        ]
        indexes = [models.Index(fields=["village", "created_at"], name="desk_ikm_village_time")]


class PrinterConfig(PublicIdModel, VillageScopedModel, BaseModel):
    """The ESC/POS receipt printer of one kiosk device (keyed by the device's public id)."""

    class Kind(models.TextChoices):
        NETWORK = "network", _("Jaringan (IP:port)")
        USB = "usb", _("USB (berkas perangkat, mis. /dev/usb/lp0)")
        NONE = "none", _("Tidak ada printer")

    device_id = models.CharField(_("ID perangkat anjungan"), max_length=16)
    kind = models.CharField(_("jenis sambungan"), max_length=8, choices=Kind.choices, default=Kind.NETWORK)
    host = models.CharField(_("alamat IP / host"), max_length=100, blank=True)
    port = models.PositiveIntegerField(_("port"), default=9100)
    device_path = models.CharField(_("berkas perangkat USB"), max_length=100, blank=True)
    paper_width = models.PositiveSmallIntegerField(
        _("lebar kertas (mm)"), choices=[(58, "58 mm"), (80, "80 mm")], default=58
    )
    header = models.CharField(_("judul struk"), max_length=60, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["village", "device_id"], name="desk_printer_device_unique")
        ]

    @property
    def columns(self) -> int:
        # Font A: 32 characters on 58 mm paper, 48 on 80 mm.
        return 48 if self.paper_width == 80 else 32
