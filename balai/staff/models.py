import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from balai.core.models import BaseModel, PublicIdModel, VillageScopedModel


class Official(PublicIdModel, BaseModel):
    """A village official (perangkat desa) and whether and how they sign letters."""

    class SignsAs(models.TextChoices):
        NONE = "", _("Tidak menandatangani")
        OWN = "own", _("Atas nama sendiri (kepala desa)")
        AN = "an", _("a.n. (atas nama) kepala desa")
        UB = "ub", _("u.b. (untuk beliau)")

    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="officials")
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("nama"), max_length=120)
    position = models.CharField(_("jabatan"), max_length=120)
    nipd = models.CharField(_("NIPD"), max_length=30, blank=True)
    nip = models.CharField(_("NIP"), max_length=30, blank=True)
    term_start = models.DateField(_("awal masa jabatan"), null=True, blank=True)
    term_end = models.DateField(_("akhir masa jabatan"), null=True, blank=True)
    signs_letters = models.BooleanField(_("menandatangani surat"), default=False)
    signs_as = models.CharField(_("cara tanda tangan"), max_length=3, choices=SignsAs.choices, blank=True)
    # For a.n./u.b.: the position on whose behalf they sign (usually "Kepala Desa").
    on_behalf_of = models.CharField(_("atas nama jabatan"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["village_id", "order", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.position})"


class AttendanceSettings(models.Model):
    """A village's working hours for staff attendance at the kiosk."""

    village = models.OneToOneField("regions.Village", on_delete=models.CASCADE, related_name="+")
    # ISO weekdays worked, "12345" = Monday to Friday.
    workdays = models.CharField(_("hari kerja"), max_length=7, default="12345")
    opens_at = models.TimeField(_("absen dibuka"), default=dt.time(6, 0))
    starts_at = models.TimeField(_("jam masuk"), default=dt.time(8, 0))
    ends_at = models.TimeField(_("jam pulang"), default=dt.time(15, 0))
    closes_at = models.TimeField(_("absen ditutup"), default=dt.time(18, 0))
    skip_holidays = models.BooleanField(_("libur nasional tidak dihitung hari kerja"), default=True)


class OfficialCredential(VillageScopedModel):
    """How an official proves who they are at the kiosk: card UID (digest) + PIN (argon2, peppered)."""

    official = models.OneToOneField(Official, on_delete=models.CASCADE, related_name="credential")
    # HMAC of the card UID: looked up exactly, never shown; the UID alone proves nothing.
    card_digest = models.CharField(max_length=64, blank=True)
    pin_hash = models.CharField(max_length=200, blank=True)
    failed_pins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    pin_disabled = models.BooleanField(default=False)
    pin_set_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["village", "card_digest"],
                condition=~models.Q(card_digest=""),
                name="staff_credential_card_unique",
            )
        ]


class Attendance(PublicIdModel, VillageScopedModel):
    """One official's working day: first check-in and last check-out."""

    class Method(models.TextChoices):
        CARD_PIN = "card_pin", _("Kartu + PIN")
        PASSWORD = "password", _("Nama pengguna + kata sandi")

    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="attendance")
    day = models.DateField()
    check_in_at = models.DateTimeField()
    check_in_method = models.CharField(max_length=8, choices=Method.choices)
    check_in_device = models.CharField(max_length=16, blank=True)
    check_out_at = models.DateTimeField(null=True, blank=True)
    check_out_method = models.CharField(max_length=8, choices=Method.choices, blank=True)
    check_out_device = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["village_id", "day", "official_id"]
        constraints = [
            models.UniqueConstraint(fields=["official", "day"], name="staff_attendance_official_day_unique")
        ]
        indexes = [models.Index(fields=["village", "day"], name="staff_attendance_village_day")]
