from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from balai.core.models import BaseModel, PublicIdModel


class Region(models.Model):
    """Kemendagri region code, current or historic (NIKs keep the code they were issued under)."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Provinsi")
        REGENCY = 2, _("Kabupaten/Kota")
        DISTRICT = 3, _("Kecamatan")
        VILLAGE = 4, _("Desa/Kelurahan")

    code = models.CharField(max_length=13, primary_key=True)
    name = models.CharField(max_length=120)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    parent_code = models.CharField(max_length=13, blank=True, db_index=True)
    is_current = models.BooleanField(default=True)
    last_seen = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Village(BaseModel):
    """A village (desa/kelurahan) served by this deployment: the unit of data isolation."""

    code = models.CharField(_("kode desa"), max_length=13, unique=True)
    name = models.CharField(_("nama desa"), max_length=120)
    district_code = models.CharField(_("kode kecamatan"), max_length=8, db_index=True)
    district_name = models.CharField(_("kecamatan"), max_length=120)
    regency_code = models.CharField(_("kode kabupaten"), max_length=5, db_index=True)
    regency_name = models.CharField(_("kabupaten"), max_length=120)
    province_name = models.CharField(_("provinsi"), max_length=120)
    address = models.CharField(_("alamat kantor"), max_length=255, blank=True)
    postal_code = models.CharField(_("kode pos"), max_length=5, blank=True)
    phone = models.CharField(_("telepon"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    head_name = models.CharField(_("nama kepala desa"), max_length=120, blank=True)
    # The village office's point (WGS84 degrees), for the regency's map of villages.
    latitude = models.DecimalField(_("lintang"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("bujur"), max_digits=9, decimal_places=6, null=True, blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_kelurahan(self) -> bool:
        return self.code.split(".")[-1].startswith("1")

    @property
    def code_digits(self) -> str:
        return self.code.replace(".", "")


class Dusun(BaseModel):
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="dusuns")
    name = models.CharField(_("nama dusun"), max_length=100)
    head_name = models.CharField(_("kepala dusun"), max_length=120, blank=True)

    class Meta:
        ordering = ["village_id", "name"]
        constraints = [models.UniqueConstraint(fields=["village", "name"], name="dusun_unique_per_village")]

    def __str__(self) -> str:
        return self.name


class Rt(PublicIdModel, BaseModel):
    """An RT within an RW within a dusun: the address unit every resident points at."""

    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="rts")
    dusun = models.ForeignKey(Dusun, on_delete=models.PROTECT, related_name="rts")
    rw = models.CharField(_("RW"), max_length=3)
    rt = models.CharField(_("RT"), max_length=3)
    head_name = models.CharField(_("ketua RT"), max_length=120, blank=True)

    class Meta:
        ordering = ["village_id", "dusun__name", "rw", "rt"]
        constraints = [
            models.UniqueConstraint(fields=["village", "dusun", "rw", "rt"], name="rt_unique_per_village")
        ]

    def __str__(self) -> str:
        return f"{self.dusun.name} RW {self.rw} RT {self.rt}"
