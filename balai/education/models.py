"""School-age children: schools, enrolments per school year, absence reports, PIP, follow-up.

The children themselves are the registry's residents (no re-entry): these tables only hold
what the registry does not know. Every table carries its village (the partitioning key).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from balai.core.models import BaseModel, PublicIdModel, VillageScopedModel

npsn_validator = RegexValidator(
    r"^\d{8}$", _("NPSN harus 8 angka (Nomor Pokok Sekolah Nasional), contoh 20325123.")
)


class Level(models.TextChoices):
    PAUD = "paud", _("PAUD (TK/KB/RA)")
    SD = "sd", _("SD/MI")
    SMP = "smp", _("SMP/MTs")
    SMA = "sma", _("SMA/SMK/MA")


# Grades as numbered nationally (kelas 1–12); PAUD has no grade (0).
GRADES: dict[str, range] = {
    Level.PAUD: range(0, 1),
    Level.SD: range(1, 7),
    Level.SMP: range(7, 10),
    Level.SMA: range(10, 13),
}


class School(PublicIdModel, VillageScopedModel, BaseModel):
    """A school the village's children attend (it may stand in another village)."""

    class Status(models.TextChoices):
        PUBLIC = "negeri", _("Negeri")
        PRIVATE = "swasta", _("Swasta")

    name = models.CharField(_("nama sekolah"), max_length=150)
    npsn = models.CharField(_("NPSN"), max_length=8, validators=[npsn_validator])
    level = models.CharField(_("jenjang"), max_length=4, choices=Level.choices)
    status = models.CharField(_("status sekolah"), max_length=6, choices=Status.choices)
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["village_id", "level", "name"]
        constraints = [models.UniqueConstraint(fields=["village", "npsn"], name="school_npsn_per_village")]

    def __str__(self) -> str:
        return self.name


class Enrolment(PublicIdModel, VillageScopedModel, BaseModel):
    """One child at one school in one school year; rows are never deleted (history)."""

    class Status(models.TextChoices):
        ACTIVE = "aktif", _("Aktif")
        GRADUATED = "lulus", _("Lulus")
        MOVED = "pindah", _("Pindah sekolah")
        DROPPED = "putus", _("Putus sekolah")
        # Ended by the registry's death event (data tunggal), never chosen by hand.
        DECEASED = "wafat", _("Meninggal")

    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="enrolments")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="enrolments")
    # Copied from the school so the aggregates group without a join.
    level = models.CharField(_("jenjang"), max_length=4, choices=Level.choices)
    # First calendar year of the school year: 2026 = tahun ajaran 2026/2027.
    school_year = models.PositiveSmallIntegerField(_("tahun ajaran"))
    grade = models.PositiveSmallIntegerField(_("kelas"))
    enrolled_year = models.PositiveSmallIntegerField(_("tahun masuk"))
    status = models.CharField(_("status"), max_length=6, choices=Status.choices, default=Status.ACTIVE)
    # Kept by the services: the child's newest row (highest school year, then newest), and
    # whether this row's grade is not above the grade of the year before (tinggal kelas).
    is_latest = models.BooleanField(default=True, editable=False)
    repeated = models.BooleanField(default=False, editable=False)
    note = models.CharField(_("keterangan"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-school_year", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "school_year", "school"], name="enrolment_once_per_school_year"
            ),
            models.UniqueConstraint(
                fields=["resident"], condition=models.Q(is_latest=True), name="enrolment_one_latest"
            ),
        ]
        # No more indexes: every read goes from the resident (the unique constraints' indexes
        # on resident serve it), and each index slows the demo's and imports' inserts.

    @property
    def school_year_label(self) -> str:
        return f"{self.school_year}/{self.school_year + 1}"


class AbsenceReport(PublicIdModel, VillageScopedModel, BaseModel):
    """A long absence reported by a school, a cadre or a parent."""

    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="+")
    reported_on = models.DateField(_("tanggal laporan"))
    reporter = models.CharField(_("pelapor (sekolah/kader)"), max_length=120)
    days_absent = models.PositiveSmallIntegerField(_("hari tidak masuk"))
    note = models.CharField(_("keterangan"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-reported_on", "-id"]
        indexes = [models.Index(fields=["village", "reported_on"], name="absence_village_idx")]


class Scholarship(PublicIdModel, VillageScopedModel, BaseModel):
    """PIP (Program Indonesia Pintar, card KIP) status of a child for one calendar year.

    Recorded here on its own; should the aid module later run a PIP programme, the two join
    on (resident, year): its recipient rows would set this status through `scholarship_set`.
    """

    class Status(models.TextChoices):
        PROPOSED = "usulan", _("Diusulkan")
        RECIPIENT = "penerima", _("Penerima")
        DISBURSED = "cair", _("Sudah cair")
        NOT_ELIGIBLE = "tidak", _("Tidak layak / ditolak")

    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    status = models.CharField(_("status PIP"), max_length=8, choices=Status.choices)
    kip_number = models.CharField(_("nomor KIP"), max_length=30, blank=True)
    note = models.CharField(_("keterangan"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["resident", "year"], name="scholarship_once_per_year")]
        indexes = [models.Index(fields=["village", "year"], name="scholarship_village_idx")]


class FollowUp(PublicIdModel, VillageScopedModel, BaseModel):
    """A note of the village's follow-up of an out-of-school or at-risk child."""

    class Outcome(models.TextChoices):
        CONTACTED = "dihubungi", _("Sudah dihubungi")
        RETURNED = "kembali", _("Kembali sekolah")
        PACKAGE = "paket", _("Ikut kejar paket A/B/C")
        WORKING = "bekerja", _("Bekerja")
        MARRIED = "menikah", _("Menikah")
        DISABILITY = "disabilitas", _("Terkait disabilitas")
        MOVED = "pindah", _("Pindah domisili")
        OTHER = "lainnya", _("Lainnya")

    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="+")
    noted_on = models.DateField(_("tanggal"))
    outcome = models.CharField(_("hasil"), max_length=12, choices=Outcome.choices)
    note = models.CharField(_("catatan"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-noted_on", "-id"]
        indexes = [models.Index(fields=["village", "resident"], name="followup_village_idx")]


class VillageSummary(models.Model):
    """One village's education counts (no names) for one reference day.

    The regency page reads these instead of recounting every child of the regency: counting
    reads each school-age resident's row (about 200,000 at a million residents), seconds of
    work. Written when first asked for (or by `balai education-summaries`), dropped when the
    village's education records change; registry changes (births, deaths, moves) show the
    next day.
    """

    village = models.ForeignKey("regions.Village", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    computed_at = models.DateTimeField()
    data = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["village", "day"], name="education_summary_once_per_day")
        ]
