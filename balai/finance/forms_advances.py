"""Forms of the advance (SPJ), deposit (STS) and banner pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from balai.finance.forms import TAX_CHOICES, DateInput, _money
from balai.finance.models import Entry


class SpjForm(forms.Form):
    number = forms.CharField(label=_("Nomor SPJ"), max_length=60)
    date = forms.DateField(label=_("Tanggal SPJ"), widget=DateInput())
    spent = _money(_("Belanja sesuai bukti (Rp)"))
    description = forms.CharField(label=_("Uraian"), max_length=255, required=False)
    extra_confirmed = forms.BooleanField(
        label=_("Bayar kekurangan bila belanja melebihi panjar"), required=False
    )
    tax_1 = forms.ChoiceField(label=_("Pajak dipungut"), choices=TAX_CHOICES, required=False)
    tax_1_base = _money(_("Dasar pengenaan pajak (Rp, kosong = belanja)"), required=False)

    def taxes(self) -> list[Any]:
        from balai.finance.services import TaxInput

        kind = self.cleaned_data.get("tax_1")
        if not kind:
            return []
        return [TaxInput(kind, self.cleaned_data.get("tax_1_base") or self.cleaned_data.get("spent"))]


class ReceiptChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        amount = f"{obj.amount:,}".replace(",", ".")
        return f"{obj.date:%d-%m-%Y} · {obj.number} · {obj.description} — Rp{amount}"


class StsForm(forms.Form):
    number = forms.CharField(label=_("Nomor STS"), max_length=60)
    date = forms.DateField(label=_("Tanggal setor"), widget=DateInput())
    bank_reference = forms.CharField(label=_("Nomor validasi bank"), max_length=40, required=False)
    receipts = ReceiptChoice(
        label=_("Penerimaan tunai yang disetor"),
        queryset=Entry.objects.none(),
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, receipts: list[Entry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receipts"].queryset = Entry.objects.filter(  # type: ignore[attr-defined]
            pk__in=[r.pk for r in receipts]
        ).order_by("date", "id")


class BannerForm(forms.Form):
    kertas = forms.ChoiceField(choices=[("a1", "A1"), ("a0", "A0")], required=False)
    arah = forms.ChoiceField(choices=[("tegak", "tegak"), ("mendatar", "mendatar")], required=False)
