from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from balai.core.models import BaseModel, PublicIdModel, VillageScopedModel


class Posyandu(PublicIdModel, VillageScopedModel, BaseModel):
    """A posyandu unit of a village (usually one per dusun or RW)."""

    name = models.CharField(_("nama posyandu"), max_length=100)
    dusun = models.CharField(_("dusun"), max_length=100, blank=True)
    schedule = models.CharField(_("jadwal"), max_length=100, blank=True)
    is_active = models.BooleanField(default=True)
    # The area it serves (its expected children); none = the RTs of `dusun`, or the village.
    rts: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "regions.Rt", through="PosyanduArea", related_name="+", blank=True
    )
    cadres: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="PosyanduCadre", related_name="+", blank=True
    )

    class Meta:
        ordering = ["village_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["village", "name"], name="posyandu_village_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class PosyanduArea(VillageScopedModel):
    """An RT served by a posyandu."""

    posyandu = models.ForeignKey(Posyandu, on_delete=models.CASCADE, related_name="+")
    rt = models.ForeignKey("regions.Rt", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["posyandu", "rt"], name="posyanduarea_once")]


class PosyanduCadre(VillageScopedModel):
    """A cadre (user with the kader role of the village) serving a posyandu."""

    posyandu = models.ForeignKey(Posyandu, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["posyandu", "user"], name="posyanducadre_once")]


class PosyanduSession(PublicIdModel, VillageScopedModel, BaseModel):
    """One monthly opening day (hari buka) of a posyandu."""

    posyandu = models.ForeignKey(Posyandu, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField(_("tanggal"))

    class Meta:
        ordering = ["village_id", "-held_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["posyandu", "held_on"], name="posyandusession_posyandu_day_unique"
            )
        ]


class Attendance(VillageScopedModel):
    """A target who came to a session: a child (also implied by a measurement), a pregnant
    woman or an elderly resident (integrated primary care, ILP)."""

    class Target(models.TextChoices):
        CHILD = "child", _("Balita")
        PREGNANT = "pregnant", _("Ibu hamil")
        ELDERLY = "elderly", _("Lansia")

    session = models.ForeignKey(PosyanduSession, on_delete=models.PROTECT, related_name="attendance")
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="+")
    target = models.CharField(max_length=10, choices=Target.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "resident"], name="attendance_once_per_session")
        ]
        indexes = [models.Index(fields=["village", "session"], name="attendance_session_idx")]


class ChildMeasurement(PublicIdModel, VillageScopedModel, BaseModel):
    """One weighing/measuring of a child, with the WHO z-scores and Permenkes categories
    computed when it was recorded (z rounded to 2 decimals, as WHO reports them)."""

    class Position(models.TextChoices):
        LYING = "l", _("Terlentang (panjang badan)")
        STANDING = "h", _("Berdiri (tinggi badan)")

    class VitaminA(models.TextChoices):
        NONE = "", _("Tidak")
        BLUE = "biru", _("Kapsul biru (100.000 IU, 6–11 bulan)")
        RED = "merah", _("Kapsul merah (200.000 IU, 12–59 bulan)")

    class Trend(models.TextChoices):
        """KMS weighing result against the previous month (SKDN: N and D of the report)."""

        UP = "N", _("Naik")
        NOT_UP = "T", _("Tidak naik")
        NOT_WEIGHED_LAST_MONTH = "O", _("Tidak ditimbang bulan lalu")
        NEW = "B", _("Baru pertama kali ditimbang")

    # The village's and the session's keys have no index of their own: childmeasure_child_idx
    # and childmeasure_month_idx start with the village, childmeasure_once_per_session with the
    # session (a lookup by session implies it is not null). Two index writes fewer for each
    # measurement, the module's largest table (~900,000 rows a year per million residents).
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+", db_index=False)
    child = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(
        PosyanduSession,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measurements",
        db_index=False,
    )
    measured_on = models.DateField(_("tanggal ukur"))
    age_days = models.PositiveIntegerField(_("umur (hari)"))
    weight_kg = models.DecimalField(
        _("berat badan (kg)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    lenhei_cm = models.DecimalField(
        _("panjang/tinggi badan (cm)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    position = models.CharField(_("cara ukur"), max_length=1, choices=Position.choices, blank=True)
    head_cm = models.DecimalField(
        _("lingkar kepala (cm)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    muac_cm = models.DecimalField(_("LiLA (cm)"), max_digits=4, decimal_places=1, null=True, blank=True)
    oedema = models.BooleanField(_("edema"), default=False)
    # Asked for infants under 6 months; None = not asked.
    exclusive_breastfeeding = models.BooleanField(_("ASI eksklusif"), null=True, blank=True)
    vitamin_a = models.CharField(_("vitamin A"), max_length=5, choices=VitaminA.choices, blank=True)
    # Codes of `balai.health.immunization.SCHEDULE` given at this visit.
    immunizations = models.JSONField(_("imunisasi"), default=list, blank=True)
    weight_trend = models.CharField(_("hasil penimbangan"), max_length=1, choices=Trend.choices, blank=True)
    # Length/height after WHO's ±0.7 cm lying/standing correction, as scored.
    lenhei_scored_cm = models.FloatField(null=True, blank=True)
    z_lhfa = models.FloatField(null=True, blank=True)
    z_wfa = models.FloatField(null=True, blank=True)
    z_wflh = models.FloatField(null=True, blank=True)
    z_bmi = models.FloatField(null=True, blank=True)
    z_hcfa = models.FloatField(null=True, blank=True)
    z_acfa = models.FloatField(null=True, blank=True)
    cat_lhfa = models.CharField(max_length=24, blank=True)
    cat_wfa = models.CharField(max_length=24, blank=True)
    cat_wflh = models.CharField(max_length=24, blank=True)
    cat_bmi = models.CharField(max_length=24, blank=True)
    # Implausibility flags (WHO's, "position", "shrink"), ";"-separated; set only when the
    # cadre confirmed the values on a second look.
    flags = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["village_id", "child_id", "measured_on", "id"]
        indexes = [
            models.Index(fields=["village", "child", "measured_on"], name="childmeasure_child_idx"),
            models.Index(fields=["village", "measured_on"], name="childmeasure_month_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight_kg__isnull=True) | models.Q(weight_kg__gt=0),
                name="childmeasure_weight_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(lenhei_cm__isnull=True) | models.Q(lenhei_cm__gt=0),
                name="childmeasure_lenhei_positive",
            ),
            # One row per child and session: a second entry at the sheet corrects the first.
            models.UniqueConstraint(
                fields=["session", "child"],
                condition=models.Q(session__isnull=False),
                name="childmeasure_once_per_session",
            ),
        ]


class Pregnancy(PublicIdModel, VillageScopedModel, BaseModel):
    """A pregnancy of a resident woman, followed by the village midwife (bidan)."""

    class Outcome(models.TextChoices):
        ONGOING = "", _("Masih hamil")
        LIVE_BIRTH = "hidup", _("Lahir hidup")
        STILLBIRTH = "mati", _("Lahir mati")
        MISCARRIAGE = "keguguran", _("Keguguran")
        MOVED = "pindah", _("Pindah/tidak diikuti lagi")
        # The mother died during the pregnancy (recorded from the registry's death event).
        MATERNAL_DEATH = "ibu_wafat", _("Ibu meninggal")

    mother = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="+")
    lmp_date = models.DateField(_("HPHT (hari pertama haid terakhir)"))
    due_date = models.DateField(_("taksiran persalinan"))
    gravida = models.PositiveSmallIntegerField(_("kehamilan ke-"), null=True, blank=True)
    risk_note = models.CharField(_("catatan risiko"), max_length=255, blank=True)
    outcome = models.CharField(_("hasil"), max_length=10, choices=Outcome.choices, blank=True)
    outcome_date = models.DateField(_("tanggal persalinan/berakhir"), null=True, blank=True)
    baby = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["village_id", "-lmp_date"]
        indexes = [models.Index(fields=["village", "outcome", "due_date"], name="pregnancy_open_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["mother"], condition=models.Q(outcome=""), name="pregnancy_one_ongoing"
            )
        ]


class AntenatalVisit(PublicIdModel, VillageScopedModel, BaseModel):
    """A pregnancy check (kunjungan K1…K6)."""

    pregnancy = models.ForeignKey(Pregnancy, on_delete=models.PROTECT, related_name="visits")
    session = models.ForeignKey(
        PosyanduSession, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField(_("tanggal kunjungan"))
    number = models.PositiveSmallIntegerField(_("kunjungan ke- (K)"))
    weight_kg = models.DecimalField(
        _("berat badan (kg)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    muac_cm = models.DecimalField(_("LiLA (cm)"), max_digits=4, decimal_places=1, null=True, blank=True)
    hb_g_dl = models.DecimalField(_("Hb (g/dL)"), max_digits=4, decimal_places=1, null=True, blank=True)
    iron_tablets = models.PositiveSmallIntegerField(_("tablet tambah darah (butir)"), default=0)
    bp_systolic = models.PositiveSmallIntegerField(_("tekanan darah sistolik"), null=True, blank=True)
    bp_diastolic = models.PositiveSmallIntegerField(_("tekanan darah diastolik"), null=True, blank=True)
    # Risk flags found at this visit ("kek", "anemia", "hipertensi"), ";"-separated.
    flags = models.CharField(max_length=64, blank=True)
    note = models.CharField(_("catatan"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["village_id", "pregnancy_id", "visited_on", "id"]
