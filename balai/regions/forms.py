from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from balai.regions.models import Dusun, Village


class VillageProfileForm(forms.Form):
    address = forms.CharField(label=_("Alamat kantor desa"), max_length=255, required=False)
    postal_code = forms.CharField(label=_("Kode pos"), max_length=5, required=False)
    phone = forms.CharField(label=_("Telepon"), max_length=32, required=False)
    email = forms.EmailField(
        label=_("Email"), required=False, error_messages={"invalid": _("Alamat email tidak valid.")}
    )
    head_name = forms.CharField(label=_("Nama kepala desa"), max_length=120, required=False)
    # Text, not a number field: "-6,9512" (comma) is accepted, and the range is checked by the
    # service with a message naming the field.
    latitude = forms.CharField(
        label=_("Lintang kantor desa (derajat, mis. -6,9512)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    longitude = forms.CharField(
        label=_("Bujur kantor desa (derajat, mis. 109,8431)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    # Type and size are checked by the service (Pillow), so a form-less caller is held to it too.
    logo = forms.FileField(
        label=_("Logo untuk kop surat (PNG/JPEG, paling besar 1 MB)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
    )
    remove_logo = forms.BooleanField(label=_("Hapus logo"), required=False)


class DusunForm(forms.Form):
    # No kepala dusun here: the dusun's head is the official holding its kadus post, appointed
    # by decree in the staff module (Perangkat → Susunan organisasi).
    name = forms.CharField(label=_("Nama dusun"), max_length=100)


class RtForm(forms.Form):
    dusun = forms.ModelChoiceField(
        label=_("Dusun"),
        queryset=Dusun.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Pilih dusun dari daftar.")},
    )
    rw = forms.CharField(label=_("RW"), max_length=3)
    rt = forms.CharField(label=_("RT"), max_length=3)
    head_name = forms.CharField(label=_("Ketua RT"), max_length=120, required=False)

    def __init__(self, *args: Any, village: Village, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only this village's dusun can be chosen: another village's id is an invalid choice.
        self.fields["dusun"].queryset = Dusun.objects.filter(village=village).order_by("name")  # type: ignore[attr-defined]
