"""Kiosk (anjungan mandiri): what residents leave at the kiosk (correction reports, letter
requests) and the village's announcements. The devices, PINs and cards: `balai.devices`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from balai.core.models import BaseModel, PublicIdModel, VillageScopedModel


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
    device = models.ForeignKey("devices.KioskDevice", null=True, on_delete=models.SET_NULL, related_name="+")
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
    device = models.ForeignKey("devices.KioskDevice", null=True, on_delete=models.SET_NULL, related_name="+")
    # The form's one-time token, also the letters app's idempotency key: one tap, one letter.
    submit_token = models.CharField(max_length=64, unique=True)
    letter_public_id = models.CharField(max_length=16, db_index=True)
    type_code = models.CharField(max_length=40)
    print_failed_at = models.DateTimeField(null=True, blank=True)
    printed_by_operator_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["village", "print_failed_at"], name="kiosk_letterreq_vfail")]


class HelpCall(PublicIdModel, VillageScopedModel, BaseModel):
    """A resident at the kiosk pressed "Panggil petugas": the office sees it on its home page
    (office_tasks) and on the kiosk page, and marks it handled. Says who nothing: the device."""

    device = models.ForeignKey("devices.KioskDevice", on_delete=models.CASCADE, related_name="+")
    # The screen the resident was on (a kiosk path; no ids of people in kiosk paths).
    screen = models.CharField(max_length=200, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["village", "handled_at"], name="kiosk_helpcall_open")]
