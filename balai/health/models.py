from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from balai.core.ids import new_public_id
from balai.core.models import BaseModel


class Posyandu(BaseModel):
    """A posyandu unit of a village (usually one per dusun or RW)."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("nama posyandu"), max_length=100)
    dusun = models.CharField(_("dusun"), max_length=100, blank=True)
    schedule = models.CharField(_("jadwal"), max_length=100, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["village_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["village", "name"], name="posyandu_village_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class PosyanduSession(BaseModel):
    """One monthly opening day (hari buka) of a posyandu."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    posyandu = models.ForeignKey(Posyandu, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField(_("tanggal"))

    class Meta:
        ordering = ["village_id", "-held_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["posyandu", "held_on"], name="posyandusession_posyandu_day_unique"
            )
        ]


class ChildMeasurement(BaseModel):
    """One weighing/measuring of a child, with the WHO z-scores and Permenkes categories
    computed when it was recorded (z rounded to 2 decimals, as WHO reports them)."""

    class Position(models.TextChoices):
        LYING = "l", _("Terlentang (panjang badan)")
        STANDING = "h", _("Berdiri (tinggi badan)")

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(
        PosyanduSession, null=True, blank=True, on_delete=models.PROTECT, related_name="measurements"
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
        ]
