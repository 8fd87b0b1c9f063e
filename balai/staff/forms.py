from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from balai.accounts.models import User
from balai.regions.models import Village
from balai.staff.models import Official


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _AccountChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_username()} ({obj.get_role_display()})"


class OfficialForm(forms.Form):
    name = forms.CharField(label=_("Nama"), max_length=120)
    position = forms.CharField(
        label=_("Jabatan"), max_length=120, help_text=_("Mis. Kepala Desa, Sekretaris Desa, Kaur Keuangan.")
    )
    nipd = forms.CharField(label=_("NIPD"), max_length=30, required=False)
    nip = forms.CharField(label=_("NIP"), max_length=30, required=False, help_text=_("18 angka, bila PNS."))
    term_start = forms.DateField(label=_("Awal masa jabatan"), required=False, widget=_date_input())
    term_end = forms.DateField(label=_("Akhir masa jabatan"), required=False, widget=_date_input())
    signs_letters = forms.BooleanField(label=_("Menandatangani surat"), required=False)
    signs_as = forms.ChoiceField(
        label=_("Cara tanda tangan"), choices=Official.SignsAs.choices, required=False
    )
    on_behalf_of = forms.CharField(
        label=_("Atas nama / untuk beliau jabatan"),
        max_length=120,
        required=False,
        help_text=_(
            "Untuk a.n.: biasanya \u201cKepala Desa\u201d; untuk u.b.: biasanya \u201cSekretaris Desa\u201d."
        ),
    )
    order = forms.IntegerField(
        label=_("Urutan tampil"), min_value=0, max_value=32767, initial=0, required=False
    )
    is_active = forms.BooleanField(label=_("Aktif"), required=False, initial=True)
    user = _AccountChoice(
        label=_("Akun pengguna"),
        queryset=User.objects.none(),
        required=False,
        help_text=_(
            "Akun yang dipakai pejabat ini untuk masuk. Surat hanya dapat ditandatangani dari akun "
            "pejabat itu sendiri."
        ),
    )

    def __init__(self, *args: Any, village: Village, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(village=village, is_active=True).order_by("username")
