from django.db import models
from django.utils.translation import gettext_lazy as _

from balai.core.ids import new_public_id
from balai.core.models import BaseModel


class Official(BaseModel):
    """A village official (perangkat desa) and whether and how they sign letters."""

    class SignsAs(models.TextChoices):
        NONE = "", _("Tidak menandatangani")
        OWN = "own", _("Atas nama sendiri (kepala desa)")
        AN = "an", _("a.n. (atas nama) kepala desa")
        UB = "ub", _("u.b. (untuk beliau)")

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
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
