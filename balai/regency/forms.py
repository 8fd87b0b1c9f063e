from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ActivateForm(forms.Form):
    codes = forms.MultipleChoiceField(
        label=_("Desa yang diaktifkan"), choices=(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        field = self.fields["codes"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = choices
        field.error_messages["invalid_choice"] = _(
            "Desa %(value)s tidak dapat diaktifkan (tidak dikenal atau sudah aktif)."
        )
