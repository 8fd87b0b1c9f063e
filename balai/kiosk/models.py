"""Kiosk (anjungan mandiri): enrolled devices, residents' PINs and cards, and what residents
leave at the kiosk (correction reports, letter requests), plus the village's announcements.

Secrets are never stored as given: device credentials and enrolment codes as SHA-256 (they
are long random strings), PINs as argon2 over a peppered HMAC, card UIDs and NIKs seen by
the spraying guard as keyed HMACs (the key, `BALAI_KIOSK_PEPPER`, lives outside the database).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from balai.core.models import BaseModel, PublicIdModel, VillageScopedModel

DEFAULT_IDLE_SECONDS = 60


class KioskVillageSettings(BaseModel):
    """Per-village defaults for its kiosks; a device may override the idle timeout."""

    village = models.OneToOneField("regions.Village", on_delete=models.PROTECT, related_name="+")
    idle_seconds = models.PositiveSmallIntegerField(_("batas diam (detik)"), default=DEFAULT_IDLE_SECONDS)

    class Meta:
        verbose_name = _("pengaturan anjungan desa")


class KioskDevice(PublicIdModel, VillageScopedModel, BaseModel):
    label = models.CharField(_("nama anjungan"), max_length=80)
    # Empty: follow the village's setting.
    idle_seconds = models.PositiveSmallIntegerField(_("batas diam (detik)"), null=True, blank=True)
    enrol_code_hash = models.CharField(max_length=64, blank=True, db_index=True)
    enrol_code_expires_at = models.DateTimeField(null=True, blank=True)
    credential_hash = models.CharField(max_length=64, blank=True, db_index=True)
    enrolled_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    # PIN-spraying guard: sign-in refused until then, or until an operator lifts the block.
    sign_in_throttled_until = models.DateTimeField(null=True, blank=True)
    sign_in_blocked = models.BooleanField(default=False)
    # Empty for demo data.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("anjungan")
        ordering = ["label", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def is_enrolled(self) -> bool:
        return bool(self.credential_hash)


class SignInFailure(models.Model):
    """One failed sign-in on a device, keyed by a hash of the NIK (or card) tried, or of the
    official's card or username at the attendance page.

    Counting distinct NIKs per device over a window catches one PIN tried across many NIKs.
    """

    device = models.ForeignKey(KioskDevice, on_delete=models.CASCADE, related_name="+")
    subject_digest = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["device", "at"], name="kiosk_failure_device_at")]


class ResidentCredential(VillageScopedModel, BaseModel):
    """A resident's kiosk PIN and card. Failure counters live here so they hold for every
    device, worker and restart; they are changed with row locks only."""

    resident = models.OneToOneField("people.Resident", on_delete=models.CASCADE, related_name="+")
    pin_hash = models.CharField(max_length=255, blank=True)
    must_change_pin = models.BooleanField(default=True)
    pin_set_at = models.DateTimeField(null=True, blank=True)
    pin_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    failed_count = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    pin_disabled = models.BooleanField(default=False)
    card_digest = models.CharField(max_length=64, blank=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["card_digest"], condition=~Q(card_digest=""), name="kiosk_card_digest_unique"
            )
        ]


class Announcement(PublicIdModel, VillageScopedModel, BaseModel):
    title = models.CharField(_("judul"), max_length=160)
    body = models.TextField(_("isi"), max_length=4000)
    published_on = models.DateField(_("tanggal tayang"))
    expires_on = models.DateField(_("tayang sampai"), null=True, blank=True)
    is_active = models.BooleanField(_("tampil"), default=True)
    # Empty for demo data.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("pengumuman")
        indexes = [models.Index(fields=["village", "published_on"], name="kiosk_announcement_vdate")]


class CorrectionReport(PublicIdModel, VillageScopedModel, BaseModel):
    """A resident's report that their family card data is wrong; an operator handles it."""

    class State(models.TextChoices):
        OPEN = "open", _("baru")
        DONE = "done", _("sudah diperbaiki")
        REJECTED = "rejected", _("ditolak")

    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="+")
    reporter = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="+")
    # The family member the report is about (empty: the card as a whole).
    subject = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("yang perlu diperbaiki"), max_length=2000)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    device = models.ForeignKey(KioskDevice, null=True, on_delete=models.SET_NULL, related_name="+")
    # The form's one-time token: a second tap (or a resend after a lost connection) finds this row.
    submit_token = models.CharField(max_length=32, unique=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    handling_note = models.CharField(_("catatan"), max_length=255, blank=True)

    class Meta:
        indexes = [models.Index(fields=["village", "state", "created_at"], name="kiosk_correction_vstate")]


class KioskLetterRequest(PublicIdModel, VillageScopedModel, BaseModel):
    """A letter asked for at the kiosk (the letter itself lives in the letters app): which
    device, and whether printing failed there so an operator prints it."""

    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="+")
    device = models.ForeignKey(KioskDevice, null=True, on_delete=models.SET_NULL, related_name="+")
    # The form's one-time token, also the letters app's idempotency key: one tap, one letter.
    submit_token = models.CharField(max_length=64, unique=True)
    letter_public_id = models.CharField(max_length=16, db_index=True)
    type_code = models.CharField(max_length=40)
    print_failed_at = models.DateTimeField(null=True, blank=True)
    printed_by_operator_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["village", "print_failed_at"], name="kiosk_letterreq_vfail")]
