"""Forms of the finance pages. Amounts are typed as Rupiah text ("1.500.000"); the services
parse and refuse them (`rules.rupiah`), so one rule says what a valid amount is."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from balai.aid.models import Programme
from balai.finance import chart, rules
from balai.finance.models import Activity, Budget, BudgetLine, Medium, PaymentRequest, Vendor
from balai.staff.models import Official


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _money(label: Any, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=24, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )


def _line_label(line: BudgetLine) -> str:
    where = f"{line.activity.code} · " if line.activity_id and line.activity else ""
    amount = f"{line.in_force:,}".replace(",", ".")
    return f"{where}{line.account_code} {line.description} ({line.funding_source}) — Rp{amount}"


class LineChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _line_label(obj)


class SppLineChoice(LineChoice):
    """A spending line with what it may still spend (not its full budget)."""

    remaining: dict[int, int] | None = None

    def label_from_instance(self, obj: Any) -> str:
        if self.remaining is None:
            return _line_label(obj)
        where = f"{obj.activity.code} · " if obj.activity_id and obj.activity else ""
        left = f"{max(self.remaining.get(obj.pk, 0), 0):,}".replace(",", ".")
        total = f"{obj.in_force:,}".replace(",", ".")
        return f"{where}{obj.account_code} {obj.description} ({obj.funding_source}) — " + _(
            "sisa Rp%(r)s dari Rp%(t)s"
        ) % {"r": left, "t": total}


class BudgetCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Tahun anggaran"), min_value=2000, max_value=2100)
    opening_bank = _money(_("Saldo awal bank (Rp)"), required=False)
    opening_cash = _money(_("Saldo awal tunai (Rp)"), required=False)


class ActivityForm(forms.Form):
    code = forms.CharField(
        label=_("Kode kegiatan"), max_length=10, help_text=_("bidang.sub-bidang.kegiatan, contoh 02.03.01")
    )
    name = forms.CharField(label=_("Nama kegiatan"), max_length=255)
    executor = forms.CharField(label=_("Pelaksana (PKA/Kasi)"), max_length=120, required=False)
    location = forms.CharField(label=_("Lokasi"), max_length=160, required=False)


class LineForm(forms.Form):
    activity = forms.ModelChoiceField(
        label=_("Kegiatan"),
        queryset=Activity.objects.none(),
        required=False,
        empty_label=_("— pendapatan/pembiayaan —"),
    )
    account_code = forms.CharField(
        label=_("Kode rekening"), max_length=20, help_text=_("contoh 4.2.1.01, 5.2.1.07, 6.2.2.01")
    )
    funding_source = forms.ChoiceField(label=_("Sumber dana"), choices=chart.FUNDING_SOURCES)
    description = forms.CharField(label=_("Uraian"), max_length=255, required=False)
    volume = forms.CharField(label=_("Volume"), max_length=16, initial="1")
    unit = forms.CharField(label=_("Satuan"), max_length=30, required=False)
    unit_price = _money(_("Harga satuan (Rp)"))

    def __init__(self, *args: Any, budget: Budget, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = Activity.objects.filter(budget=budget)  # type: ignore[attr-defined]


class SetForm(forms.Form):
    perdes_number = forms.CharField(label=_("Nomor Perdes APBDes"), max_length=60)
    perdes_date = forms.DateField(label=_("Tanggal Perdes"), widget=DateInput())


class RevisionSetForm(forms.Form):
    revision_number = forms.CharField(label=_("Nomor Perdes Perubahan"), max_length=60)
    revision_date = forms.DateField(label=_("Tanggal Perdes Perubahan"), widget=DateInput())


class ReviseForm(forms.Form):
    volume = forms.CharField(label=_("Volume"), max_length=16)
    unit_price = _money(_("Harga satuan (Rp)"))


TAX_CHOICES = [("", _("— tanpa pajak —")), *rules.TAX_CHOICES]


class SppForm(forms.Form):
    number = forms.CharField(label=_("Nomor SPP"), max_length=60)
    kind = forms.ChoiceField(label=_("Jenis SPP"), choices=PaymentRequest.Kind.choices)
    date = forms.DateField(label=_("Tanggal SPP"), widget=DateInput())
    line = SppLineChoice(label=_("Rincian anggaran"), queryset=BudgetLine.objects.none())
    amount = _money(_("Jumlah bruto (Rp)"))
    description = forms.CharField(label=_("Uraian"), max_length=255, required=False)
    payee_vendor = forms.ModelChoiceField(
        label=_("Penerima: penyedia terdaftar"),
        queryset=Vendor.objects.none(),
        required=False,
        empty_label=_("— bukan penyedia (pilih warga di atas) —"),
    )
    # The resident chosen through the search above the form (public id, never a NIK).
    payee_resident = forms.CharField(required=False, max_length=16, widget=forms.HiddenInput())
    payee_npwp = forms.CharField(label=_("NPWP penerima"), max_length=25, required=False)
    medium = forms.ChoiceField(label=_("Dibayar dari"), choices=Medium.choices, initial=Medium.BANK)
    tax_1 = forms.ChoiceField(label=_("Pajak 1"), choices=TAX_CHOICES, required=False)
    tax_1_base = _money(_("Dasar pengenaan pajak 1 (Rp)"), required=False)
    tax_1_amount = _money(_("Jumlah pajak 1 (Rp, kosong = dihitung)"), required=False)
    tax_2 = forms.ChoiceField(label=_("Pajak 2"), choices=TAX_CHOICES, required=False)
    tax_2_base = _money(_("Dasar pengenaan pajak 2 (Rp)"), required=False)
    tax_2_amount = _money(_("Jumlah pajak 2 (Rp, kosong = dihitung)"), required=False)

    def __init__(self, *args: Any, budget: Budget, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["payee_vendor"].queryset = Vendor.objects.filter(  # type: ignore[attr-defined]
            village_id=budget.village_id, is_active=True
        )
        self.fields["line"].queryset = (  # type: ignore[attr-defined]
            BudgetLine.objects.filter(budget=budget)
            .filter(account_code__regex=r"^(5|6\.2)")
            .select_related("activity")
            .order_by("activity__code", "account_code")
        )
        from balai.finance.selectors import remaining_by_line

        self.fields["line"].remaining = remaining_by_line(budget=budget)  # type: ignore[attr-defined]

    def taxes(self) -> list[Any]:
        from balai.finance.services import TaxInput

        out = []
        for i in (1, 2):
            kind = self.cleaned_data.get(f"tax_{i}")
            if kind:
                out.append(
                    TaxInput(
                        kind,
                        self.cleaned_data.get(f"tax_{i}_base") or self.cleaned_data.get("amount"),
                        self.cleaned_data.get(f"tax_{i}_amount") or None,
                    )
                )
        return out


class ReceiptForm(forms.Form):
    number = forms.CharField(label=_("Nomor bukti (TBP)"), max_length=60)
    date = forms.DateField(label=_("Tanggal"), widget=DateInput())
    line = LineChoice(label=_("Rekening pendapatan/pembiayaan"), queryset=BudgetLine.objects.none())
    amount = _money(_("Jumlah (Rp)"))
    medium = forms.ChoiceField(label=_("Diterima di"), choices=Medium.choices, initial=Medium.BANK)
    description = forms.CharField(label=_("Uraian"), max_length=255, required=False)

    def __init__(self, *args: Any, budget: Budget, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = BudgetLine.objects.filter(budget=budget).filter(  # type: ignore[attr-defined]
            account_code__regex=r"^(4|6\.1)"
        )


class PayForm(forms.Form):
    paid_on = forms.DateField(label=_("Tanggal bayar"), widget=DateInput())


class StepForm(forms.Form):
    note = forms.CharField(label=_("Catatan/alasan"), max_length=255, required=False)


class DepositForm(forms.Form):
    deposited_on = forms.DateField(label=_("Tanggal setor"), widget=DateInput())
    billing_code = forms.CharField(label=_("Kode billing"), max_length=15)
    ntpn = forms.CharField(label=_("NTPN"), max_length=16, required=False)


class TransferForm(forms.Form):
    number = forms.CharField(label=_("Nomor bukti"), max_length=60)
    date = forms.DateField(label=_("Tanggal"), widget=DateInput())
    amount = _money(_("Jumlah (Rp)"))
    to_medium = forms.ChoiceField(label=_("Ke"), choices=Medium.choices)


class ReverseForm(forms.Form):
    date = forms.DateField(label=_("Tanggal koreksi"), widget=DateInput())
    reason = forms.CharField(label=_("Alasan koreksi"), max_length=200)


class CloseForm(forms.Form):
    through = forms.DateField(label=_("Kunci transaksi sampai tanggal"), widget=DateInput())


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Berkas Siskeudes (.zip berisi CSV, atau .mdb)"))


class VendorForm(forms.Form):
    name = forms.CharField(label=_("Nama penyedia"), max_length=160)
    npwp = forms.CharField(label=_("NPWP"), max_length=25, required=False)
    bank_name = forms.CharField(label=_("Bank"), max_length=60, required=False)
    bank_account = forms.CharField(label=_("Nomor rekening"), max_length=30, required=False)
    address = forms.CharField(label=_("Alamat"), max_length=255, required=False)
    is_active = forms.BooleanField(label=_("Aktif"), required=False, initial=True)


class AidLinkForm(forms.Form):
    line = LineChoice(label=_("Rincian belanja APBDes"), queryset=BudgetLine.objects.none())
    programme: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Program bantuan"), queryset=Programme.objects.none()
    )
    medium = forms.ChoiceField(label=_("Dibayar dari"), choices=Medium.choices, initial=Medium.CASH)

    def __init__(self, *args: Any, budget: Budget, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = (  # type: ignore[attr-defined]
            BudgetLine.objects.filter(budget=budget, account_code__startswith="5")
            .select_related("activity")
            .order_by("activity__code", "account_code")
        )
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]


class OfficialLineForm(forms.Form):
    line = LineChoice(
        label=_("Rincian 5.1 (penghasilan tetap/tunjangan)"), queryset=BudgetLine.objects.none()
    )
    official: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Perangkat desa"),
        queryset=Official.objects.none(),
        required=False,
        empty_label=_("— lepas tautan —"),
    )

    def __init__(self, *args: Any, budget: Budget, officials: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = (  # type: ignore[attr-defined]
            BudgetLine.objects.filter(budget=budget, account_code__startswith="5.1")
            .select_related("activity")
            .order_by("account_code", "id")
        )
        self.fields["official"].queryset = officials  # type: ignore[attr-defined]


class AccountForm(forms.Form):
    code = forms.CharField(label=_("Kode rekening"), max_length=20)
    name = forms.CharField(label=_("Nama rekening"), max_length=200, required=False)
