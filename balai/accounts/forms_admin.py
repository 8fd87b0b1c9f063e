"""Forms of the regency's village and user administration (Dispermades)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from balai.accounts.models import Role
from balai.regions.selectors import regency_districts, regency_village_choices, village_list


class VillageAddForm(forms.Form):
    code = forms.ChoiceField(label=_("Desa"), error_messages={"invalid_choice": _("Pilih desa dari daftar.")})

    def __init__(self, *args: Any, served: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Villages already served are left out; a deactivated one may be picked to bring it back.
        choices: list[Any] = [("", _("— pilih desa —"))]
        for district, villages in regency_village_choices():
            options = [(code, f"{name} ({code})") for code, name in villages if code not in served]
            if options:
                choices.append((district, options))
        self.fields["code"].choices = choices  # type: ignore[attr-defined]


def _village_choices() -> list[Any]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for v in village_list():
        groups.setdefault(v.district_name, []).append((v.code, f"{v.name} ({v.code})"))
    return [("", _("— bukan peran desa —"))] + list(groups.items())


def _district_choices() -> list[Any]:
    return [("", _("— bukan peran kecamatan —"))] + [
        (code, f"{name} ({code})") for code, name in regency_districts()
    ]


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Nama pengguna"), max_length=150)
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150)
    role = forms.ChoiceField(label=_("Peran"), choices=[("", _("— pilih peran —")), *Role.choices])
    village = forms.ChoiceField(
        label=_("Desa (untuk peran desa)"),
        required=False,
        error_messages={"invalid_choice": _("Pilih desa dari daftar.")},
    )
    district_code = forms.ChoiceField(
        label=_("Kecamatan (untuk peran Kecamatan)"),
        required=False,
        error_messages={"invalid_choice": _("Pilih kecamatan dari daftar.")},
    )
    password = forms.CharField(
        label=_("Kata sandi awal"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Kosongkan agar dibuatkan otomatis; kata sandi buatan hanya ditampilkan sekali."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = _village_choices()  # type: ignore[attr-defined]
        self.fields["district_code"].choices = _district_choices()  # type: ignore[attr-defined]


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("Kata sandi baru"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Kosongkan agar dibuatkan otomatis; kata sandi buatan hanya ditampilkan sekali."),
    )
