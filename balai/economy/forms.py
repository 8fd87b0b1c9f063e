"""Forms of the economy pages (labels in Bahasa Indonesia; the services do the real checks)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from balai.core.digits import ascii_digits
from balai.economy import chart
from balai.economy.models import Bumdes, BumdesManager, BusinessUnit, Potential
from balai.people.forms import DateInput

JOURNAL_ROWS = 6


class BumdesForm(forms.Form):
    name = forms.CharField(label=_("Nama BUMDes"), max_length=150)
    legal_status = forms.ChoiceField(label=_("Status badan hukum"), choices=Bumdes.LegalStatus.choices)
    perdes_number = forms.CharField(label=_("Nomor Perdes pendirian"), max_length=80, required=False)
    registration_number = forms.CharField(
        label=_("Nomor sertifikat pendaftaran (Kemenkumham)"), max_length=80, required=False
    )
    established_on = forms.DateField(label=_("Tanggal pendirian"), widget=DateInput, required=False)
    address = forms.CharField(label=_("Alamat kantor"), max_length=255, required=False)
    village_share_percent = forms.IntegerField(
        label=_("Bagian desa dari laba (%)"), min_value=0, max_value=100, initial=40
    )


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Nama unit"), max_length=120)
    kind = forms.ChoiceField(label=_("Jenis usaha"), choices=BusinessUnit.Kind.choices)
    started_on = forms.DateField(label=_("Mulai beroperasi"), widget=DateInput, required=False)


class NikField(forms.CharField):
    def to_python(self, value: Any) -> str:
        text = ascii_digits(super().to_python(value) or "")
        return "".join(ch for ch in text if ch not in " .-")

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not (value.isdigit() and len(value) == 16):
            raise forms.ValidationError(_("NIK harus 16 angka."))


class ManagerForm(forms.Form):
    nik = NikField(label=_("NIK pengurus (warga desa)"), max_length=24)
    position = forms.ChoiceField(label=_("Jabatan"), choices=BumdesManager.Position.choices)
    unit = forms.ChoiceField(label=_("Unit (untuk kepala unit)"), required=False)
    started_on = forms.DateField(label=_("Mulai menjabat"), widget=DateInput, initial=dt.date.today)

    def __init__(self, *args: Any, units: list[BusinessUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *((u.public_id, u.name) for u in units)]


class CapitalForm(forms.Form):
    date = forms.DateField(label=_("Tanggal diterima"), widget=DateInput, initial=dt.date.today)
    amount = forms.IntegerField(label=_("Jumlah (Rp)"), min_value=1)
    fiscal_year = forms.IntegerField(label=_("Tahun anggaran APBDes"), min_value=2000, max_value=2100)
    decree = forms.CharField(label=_("Dasar (Perdes APBDes)"), max_length=120, required=False)


class EntryForm(forms.Form):
    date = forms.DateField(label=_("Tanggal"), widget=DateInput, initial=dt.date.today)
    description = forms.CharField(label=_("Uraian"), max_length=255)


class CloseForm(forms.Form):
    through = forms.DateField(
        label=_("Tutup buku sampai akhir bulan dari tanggal"), widget=DateInput, initial=dt.date.today
    )


class DistributeForm(forms.Form):
    year = forms.IntegerField(label=_("Tahun buku"), min_value=2000, max_value=2100)
    date = forms.DateField(label=_("Tanggal setor ke kas desa"), widget=DateInput, initial=dt.date.today)


class BusinessForm(forms.Form):
    name = forms.CharField(label=_("Nama usaha"), max_length=150)
    sector = forms.ChoiceField(label=_("Sektor (KBLI)"), choices=list(chart.SECTORS.items()))
    kbli = forms.CharField(label=_("Kode KBLI (5 angka)"), max_length=5, required=False)
    description = forms.CharField(
        label=_("Keterangan"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    address = forms.CharField(label=_("Alamat usaha"), max_length=255)
    started_year = forms.CharField(label=_("Berdiri sejak (tahun)"), max_length=4, required=False)
    phone = forms.CharField(label=_("Nomor HP/WA"), max_length=20, required=False)
    contact_public = forms.BooleanField(
        label=_("Pemilik setuju nomor HP ditampilkan di halaman publik dan anjungan"), required=False
    )
    listed = forms.BooleanField(
        label=_("Tampilkan di halaman publik dan anjungan"), required=False, initial=True
    )
    nib = forms.CharField(label=_("NIB (OSS)"), max_length=13, required=False)
    pirt = forms.CharField(label=_("Nomor P-IRT"), max_length=20, required=False)
    halal = forms.CharField(label=_("Nomor sertifikat halal"), max_length=40, required=False)


class NewBusinessForm(BusinessForm):
    nik = NikField(label=_("NIK pemilik (warga desa)"), max_length=24)
    field_order = ["nik"]


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Nama produk"), max_length=120)
    price = forms.CharField(label=_("Harga (Rp)"), max_length=20)
    unit = forms.CharField(label=_("Satuan (contoh: bungkus, kg)"), max_length=30, required=False)
    photo = forms.FileField(
        label=_("Foto (JPEG/PNG/WebP, paling besar 5 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


class PotentialForm(forms.Form):
    category = forms.ChoiceField(label=_("Kategori"), choices=Potential.Category.choices)
    name = forms.CharField(label=_("Komoditas / potensi"), max_length=120)
    quantity = forms.CharField(label=_("Jumlah"), max_length=20)
    unit = forms.CharField(label=_("Satuan"), max_length=30)
    year = forms.IntegerField(label=_("Tahun data"), min_value=2000, max_value=2100)
    note = forms.CharField(label=_("Keterangan"), max_length=255, required=False)


class PriceForm(forms.Form):
    week = forms.DateField(
        label=_("Minggu (tanggal mana pun dalam minggu itu)"), widget=DateInput, initial=dt.date.today
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, (label, unit) in chart.COMMODITIES.items():
            self.fields[code] = forms.CharField(label=f"{label} (Rp/{unit})", max_length=12, required=False)

    def prices(self) -> dict[str, Any]:
        return {code: self.cleaned_data.get(code) for code in chart.COMMODITIES}
