from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ActivateForm(forms.Form):
    codes = forms.MultipleChoiceField(
        label=_("Desa yang diaktifkan"), choices=(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["codes"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = choices
        field.error_messages["invalid_choice"] = _(
            "Desa %(value)s tidak dapat diaktifkan (tidak dikenal atau sudah aktif)."
        )


class OpenSidImportForm(forms.Form):
    file = forms.FileField(label=_("Berkas penduduk OpenSID (.xlsx)"))
    apply_valid = forms.BooleanField(
        label=_("Simpan baris yang benar walaupun ada baris yang salah"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not str(upload.name).lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Berkas harus .xlsx (format impor penduduk OpenSID)."))
        from django.conf import settings

        if upload.size > settings.BALAI_IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("Berkas terlalu besar."))
        return upload
