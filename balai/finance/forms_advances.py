"""Forms of the advance (SPJ), deposit (STS) and banner pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from balai.finance.forms import TAX_CHOICES, DateInput, _money
from balai.finance.models import Entry

# One row per kind of tax at most (PPN, PPh 21/22/23): four rows are enough, a blank row is ignored.
SPJ_TAX_ROWS = 4


class SpjForm(forms.Form):
    number = forms.CharField(label=_("Nomor SPJ"), max_length=60)
    date = forms.DateField(label=_("Tanggal SPJ"), widget=DateInput())
    spent = _money(_("Belanja sesuai bukti (Rp)"))
    description = forms.CharField(label=_("Uraian"), max_length=255, required=False)
    extra_confirmed = forms.BooleanField(
        label=_("Bayar kekurangan bila belanja melebihi panjar"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, SPJ_TAX_ROWS + 1):
            self.fields[f"tax_{n}"] = forms.ChoiceField(
                label=_("Pajak baris %(n)d") % {"n": n}, choices=TAX_CHOICES, required=False
            )
            self.fields[f"tax_{n}_base"] = _money(
                _("Dasar pengenaan pajak baris %(n)d (Rp)") % {"n": n}, required=False
            )
            self.fields[f"tax_{n}_amount"] = _money(
                _("Jumlah pajak baris %(n)d (Rp)") % {"n": n}, required=False
            )

    @staticmethod
    def tax_rows() -> range:
        return range(1, SPJ_TAX_ROWS + 1)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seen: dict[str, int] = {}
        for n in self.tax_rows():
            kind = data.get(f"tax_{n}")
            if not kind:
                if data.get(f"tax_{n}_base") or data.get(f"tax_{n}_amount"):
                    self.add_error(
                        f"tax_{n}",
                        _("pilih jenis pajaknya, atau kosongkan dasar dan jumlahnya."),
                    )
                continue
            if kind in seen:
                self.add_error(
                    f"tax_{n}",
                    _("%(t)s sudah dicatat di baris %(m)d.")
                    % {"t": dict(TAX_CHOICES)[kind], "m": seen[kind]},
                )
            seen[kind] = n
        return data

    def taxes(self) -> list[Any]:
        """The filled rows, each knowing its row number (blank rows in between are allowed);
        a blank base is the SPJ's spending."""
        from balai.finance.services import TaxInput

        out = []
        for n in self.tax_rows():
            kind = self.cleaned_data.get(f"tax_{n}")
            if kind:
                out.append(
                    TaxInput(
                        kind,
                        self.cleaned_data.get(f"tax_{n}_base") or self.cleaned_data.get("spent"),
                        self.cleaned_data.get(f"tax_{n}_amount") or None,
                        row=n,
                    )
                )
        return out


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
