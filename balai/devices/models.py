"""Kiosk devices and residents' kiosk credentials: enrolled devices, residents' PINs and cards,
and the failed sign-ins the spraying guard counts. The tables keep their first names (kiosk_*):
the models moved here from `balai.kiosk` without touching the database.

Secrets are never stored as given: device credentials and enrolment codes as SHA-256 (they
are long random strings), PINs as argon2 over a peppered HMAC, card UIDs and NIKs seen by
the spraying guard as keyed HMACs (the key, `BALAI_KIOSK_PEPPER`, lives outside the database).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from balai.core.ids import new_public_id
from balai.core.models import BaseModel

DEFAULT_IDLE_SECONDS = 60


class KioskVillageSettings(BaseModel):
    """Per-village defaults for its kiosks; a device may override the idle timeout."""

    village = models.OneToOneField("regions.Village", on_delete=models.PROTECT, related_name="+")
    idle_seconds = models.PositiveSmallIntegerField(_("batas diam (detik)"), default=DEFAULT_IDLE_SECONDS)

    class Meta:
        db_table = "kiosk_kioskvillagesettings"
        verbose_name = _("pengaturan anjungan desa")


class KioskDevice(BaseModel):
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
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
        db_table = "kiosk_kioskdevice"
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
        db_table = "kiosk_signinfailure"
        indexes = [models.Index(fields=["device", "at"], name="kiosk_failure_device_at")]


class ResidentCredential(BaseModel):
    """A resident's kiosk PIN and card. Failure counters live here so they hold for every
    device, worker and restart; they are changed with row locks only."""

    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
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
        db_table = "kiosk_residentcredential"
        constraints = [
            models.UniqueConstraint(
                fields=["card_digest"], condition=~Q(card_digest=""), name="kiosk_card_digest_unique"
            )
        ]
