from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from balai.core.ids import new_public_id
from balai.core.models import BaseModel
from balai.letters.types import REGISTRY

# Unambiguous when read aloud or typed from an SMS: no 0/o, 1/i/l.
TRACKING_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
TRACKING_LENGTH = 10  # 31^10 ≈ 2^49.5; the status page is rate-limited and shows no personal data


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


DEFAULT_NUMBER_FORMAT = "[kode]/[nomor,3]/[kode_desa]/[bulan_romawi]/[tahun]"


class LetterSettings(BaseModel):
    """A village's letter preferences; a village without a row uses the defaults."""

    class Paper(models.TextChoices):
        F4 = "f4", _("F4 (215×330 mm)")
        A4 = "a4", _("A4 (210×297 mm)")

    village = models.OneToOneField("regions.Village", on_delete=models.PROTECT, related_name="+")
    number_format = models.CharField(_("format nomor"), max_length=120, default=DEFAULT_NUMBER_FORMAT)
    per_type_sequence = models.BooleanField(_("urutan nomor per jenis surat"), default=False)
    paper = models.CharField(_("ukuran kertas"), max_length=2, choices=Paper.choices, default=Paper.F4)
    # Type codes residents may request at the kiosk / of those, issued at once without an
    # operator. None: the defaults from the letter types (see policy.kiosk_policy).
    kiosk_types = models.JSONField(null=True, blank=True)
    self_service_types = models.JSONField(null=True, blank=True)
    # Sign with the kepala desa's certified electronic signature (TTE, tte.py) at the sign step.
    use_tte = models.BooleanField(_("tanda tangan elektronik tersertifikasi (TTE)"), default=False)


class LetterTemplate(BaseModel):
    """A village's wording of one letter type. Saving makes a new version; letters record the
    version they were issued with. The layout (kop, signature, QR) is not editable."""

    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    type_code = models.CharField(max_length=32)
    version = models.PositiveIntegerField()
    paragraphs = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["village_id", "type_code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "type_code", "version"], name="letter_template_version"
            )
        ]


class LetterCounter(models.Model):
    """The last number given in one sequence; locked while a letter is numbered."""

    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    # "" when the village numbers all types in one sequence.
    type_code = models.CharField(max_length=32, blank=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["village", "year", "type_code"], name="letter_counter_unique")
        ]


class Letter(BaseModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draf")
        SUBMITTED = "submitted", _("Diajukan")
        NEEDS_CORRECTION = "needs_correction", _("Perlu perbaikan")
        VERIFIED = "verified", _("Diverifikasi")
        SIGNED = "signed", _("Ditandatangani")
        ISSUED = "issued", _("Terbit")
        HANDED_OVER = "handed_over", _("Diserahkan")
        REJECTED = "rejected", _("Ditolak")
        CANCELLED = "cancelled", _("Dibatalkan")
        REVOKED = "revoked", _("Dicabut")

    class Channel(models.TextChoices):
        OPERATOR = "operator", _("Operator")
        KIOSK = "kiosk", _("Anjungan")
        API = "api", _("API")

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    type_code = models.CharField(_("jenis surat"), max_length=32)
    subject = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="+")
    fields = models.JSONField(default=dict, blank=True)
    checked_requirements = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.OPERATOR)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signer = models.ForeignKey(
        "staff.Official", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    # A correction names the letter it replaces. Several may: a correction that was cancelled
    # or rejected leaves room for another (selectors.replaced_by says which one replaced it).
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    state_note = models.CharField(_("alasan"), max_length=500, blank=True)
    # 0: the type's built-in wording; otherwise the village's LetterTemplate.version.
    template_version = models.PositiveIntegerField(default=0)

    # Set once, when issued; never changed afterwards (revocation only changes `state`).
    number = models.CharField(_("nomor surat"), max_length=120, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    issued_on = models.DateField(_("tanggal surat"), null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateField(_("berlaku sampai"), null=True, blank=True)
    token = models.CharField(max_length=32, null=True, blank=True, unique=True)
    # Everything printed on the letter, as given to the renderer: the PDF is this, re-rendered.
    content = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    key_id = models.CharField(max_length=16, blank=True)
    signature = models.CharField(max_length=128, blank=True)
    # The QR (SVG) of letters issued before it was drawn at render time from the signed
    # payload (the same picture, made outside the issuing transaction); empty for newer ones.
    qr_svg = models.TextField(blank=True)
    handed_over_at = models.DateTimeField(null=True, blank=True)
    handed_over_to = models.CharField(_("diterima oleh"), max_length=200, blank=True)
    # The resident's status link (SMS/WhatsApp): random, no personal data, not sequential.
    tracking_code = models.CharField(max_length=12, unique=True, default=new_tracking_code, editable=False)
    # Kiosk requests: the device's key for this request, so a double tap makes one letter.
    idempotency_key = models.CharField(max_length=64, blank=True)
    device_label = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "number"], condition=~models.Q(number=""), name="letter_number_unique"
            ),
            models.UniqueConstraint(
                fields=["village", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="letter_idempotency_unique",
            ),
        ]
        indexes = [
            # Queues list a state newest-changed first (selectors.letter_queue).
            models.Index(fields=["village", "state", "updated_at"], name="letter_queue_idx"),
            models.Index(fields=["village", "updated_at"], name="letter_recent_idx"),  # "Semua"
            models.Index(fields=["village", "issued_on"], name="letter_register_idx"),
            # A family's letters at the kiosk: found through its members, newest first.
            models.Index(fields=["subject", "village", "created_at"], name="letter_subject_idx"),
        ]

    def __str__(self) -> str:
        return self.number or self.public_id

    @property
    def tracking_code_display(self) -> str:
        code = self.tracking_code.upper()
        return f"{code[:5]}-{code[5:]}"

    @property
    def type_name(self) -> str:
        letter_type = REGISTRY.get(self.type_code)
        return letter_type.name if letter_type else self.type_code


class SigningKey(models.Model):
    """A deployment's Ed25519 key. Retired keys keep their public half so old letters verify."""

    key_id = models.CharField(max_length=16, unique=True)
    public_key = models.CharField(max_length=64)  # raw 32 bytes, hex
    # AES-GCM(nonce ‖ ciphertext) of the raw private key, under a key derived from
    # BALAI_SIGNING_SECRET (settings); a database dump alone cannot sign letters.
    private_key_encrypted = models.BinaryField()
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class LetterSignedPdf(models.Model):
    """The PDF as returned by the certified-signature (TTE) service. A TTE signature covers
    the exact bytes, so this letter is served from here, not re-rendered."""

    letter = models.OneToOneField(Letter, on_delete=models.PROTECT, related_name="signed_pdf")
    pdf = models.BinaryField()
    signed_at = models.DateTimeField(auto_now_add=True)


class IncomingLetter(BaseModel):
    """A letter received by the village (surat masuk), entered in the Buku Agenda with the next
    agenda number of the year, and passed on to officials by disposition."""

    class Status(models.TextChoices):
        NEW = "new", _("Belum didisposisi")
        DISPOSED = "disposed", _("Didisposisi")
        DONE = "done", _("Selesai")

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    agenda_number = models.PositiveIntegerField(_("nomor agenda"))
    received_on = models.DateField(_("tanggal diterima"))
    sender = models.CharField(_("pengirim"), max_length=200)
    letter_number = models.CharField(_("nomor surat"), max_length=120)
    letter_date = models.DateField(_("tanggal surat"))
    subject = models.CharField(_("perihal"), max_length=300)
    summary = models.TextField(_("isi singkat"), blank=True)
    note = models.CharField(_("keterangan"), max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    scan_name = models.CharField(max_length=200, blank=True)
    scan_type = models.CharField(max_length=40, blank=True)
    scan_size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-year", "-agenda_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "year", "agenda_number"], name="incoming_agenda_unique"
            )
        ]
        indexes = [models.Index(fields=["village", "received_on"], name="incoming_register_idx")]

    def __str__(self) -> str:
        return f"{self.agenda_number}/{self.year} {self.sender}"


class IncomingScan(models.Model):
    """The scanned letter (PDF or image), kept in the database with its row: served only to the
    village's staff, never as a public media file."""

    incoming = models.OneToOneField(IncomingLetter, on_delete=models.CASCADE, related_name="scan")
    data = models.BinaryField()


class Disposition(BaseModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Belum ditindaklanjuti")
        IN_PROGRESS = "in_progress", _("Sedang ditindaklanjuti")
        DONE = "done", _("Selesai")

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    incoming = models.ForeignKey(IncomingLetter, on_delete=models.PROTECT, related_name="dispositions")
    to_official = models.ForeignKey("staff.Official", on_delete=models.PROTECT, related_name="+")
    instruction = models.CharField(_("instruksi"), max_length=500)
    due_on = models.DateField(_("batas waktu"), null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    follow_up = models.CharField(_("tindak lanjut"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["village", "status", "due_on"], name="disposition_open_idx")]


class RtHead(BaseModel):
    """A ketua RT's account and the RT(s) they lead: they approve the digital pengantar of
    their own residents only (issue 23). Named by the operator on the office page from a living
    resident of the RT (`services.rt_heads`); an ended row stays as the RT's history."""

    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rt_heads")
    rt = models.ForeignKey("regions.Rt", on_delete=models.PROTECT, related_name="+")
    # The resident who heads the RT (empty only for heads set up from the admin before the page).
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_reason = models.CharField(_("alasan"), max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One ketua per RT at a time; history rows are ended.
            models.UniqueConstraint(
                fields=["rt"], condition=models.Q(ended_at__isnull=True), name="rthead_one_current_per_rt"
            ),
        ]


class RtPengantar(BaseModel):
    """The RT's digital pengantar for a letter asked at the kiosk: it replaces the paper
    'Surat pengantar RT/RW', so the letter can be issued without the office (self-service)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Menunggu ketua RT")
        APPROVED = "approved", _("Disetujui ketua RT")
        REJECTED = "rejected", _("Ditolak ketua RT")

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    letter = models.OneToOneField(Letter, on_delete=models.PROTECT, related_name="rt_pengantar")
    rt = models.ForeignKey("regions.Rt", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("catatan"), max_length=255, blank=True)

    class Meta:
        indexes = [models.Index(fields=["rt", "state", "created_at"], name="rtpengantar_rt_state")]
