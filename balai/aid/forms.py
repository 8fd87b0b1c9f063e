"""Forms of the aid UI (targeting and decision): they parse and check input; services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balai.aid.models import Candidate, Programme, ProgrammeExclusion, Recipient, Verification, WelfareSurvey
from balai.aid.rules import FIELDS, OPERATOR_WORDS, Kind
from balai.aid.services.decision import Attendee
from balai.aid.services.programmes import PROGRAMME_FIELDS
from balai.aid.services.welfare import SURVEY_FIELDS
from balai.core import spreadsheets
from balai.core.digits import ascii_digits
from balai.people.models import Family
from balai.people.selectors import family_qs
from balai.regions.models import Village


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = PROGRAMME_FIELDS
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "period": _("Mis. 2026. Satu keluarga hanya sekali terdaftar per program dan periode."),
            "benefit_amount": _("Nilai tunai per frekuensi, mis. 300000 per bulan."),
            "privacy": _(
                "Bawaan: tidak publik. Publik hanya menampilkan jumlah, atau jumlah dan nama tersamar."
            ),
            "uses_targeting": _("Kosongkan untuk program pusat yang daftar penerimanya diimpor."),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("Akhir periode tidak boleh sebelum awal periode."))
        kind = data.get("benefit_kind")
        if kind in (Programme.BenefitKind.CASH, Programme.BenefitKind.BOTH) and not data.get(
            "benefit_amount"
        ):
            self.add_error("benefit_amount", _("Isi nilai tunai untuk manfaat uang."))
        if kind in (Programme.BenefitKind.IN_KIND, Programme.BenefitKind.BOTH) and not data.get(
            "benefit_in_kind"
        ):
            self.add_error("benefit_in_kind", _("Sebutkan barang yang diberikan."))
        return data


def field_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    groups = {
        "decile": _("Desil resmi (DTSEN)"),
        "registry": _("Data penduduk"),
        "welfare": _("Survei kesejahteraan"),
        "programme": _("Program lain"),
    }
    return [("", [("", "—")])] + [
        (str(label), [(f.key, str(f.label)) for f in FIELDS.values() if f.group == group])
        for group, label in groups.items()
    ]


class RuleRowForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis"), choices=Kind.choices)
    field = forms.ChoiceField(label=_("Data"), choices=field_choices, required=False)
    operator = forms.ChoiceField(
        label=_("Operator"), choices=[(k, str(v)) for k, v in OPERATOR_WORDS.items()], required=False
    )
    value = forms.CharField(
        label=_("Nilai"),
        required=False,
        max_length=200,
        help_text=_("Angka, kode pilihan, atau beberapa nilai dipisah koma."),
    )
    weight = forms.IntegerField(label=_("Bobot"), required=False, min_value=0, max_value=100)
    tier = forms.IntegerField(label=_("Tingkat"), required=False, min_value=0, max_value=9)
    label = forms.CharField(label=_("Keterangan"), required=False, max_length=150)

    def row(self) -> dict[str, Any] | None:
        """The rule as a plain dict, or None for a blank row (not a rule)."""
        d = self.cleaned_data
        if not d or self.cleaned_data.get("DELETE") or not (d.get("field") or d.get("value")):
            return None
        return {
            "kind": d["kind"],
            "field": d.get("field") or "",
            "operator": d.get("operator") or "",
            "value": (d.get("value") or "").strip(),
            "weight": d.get("weight") or 0,
            "tier": d.get("tier") or 0,
            "label": d.get("label") or "",
        }


RuleFormSet = forms.formset_factory(RuleRowForm, extra=2, can_delete=True, max_num=60, validate_max=True)


class ExclusionRowForm(forms.Form):
    excluded = forms.ChoiceField(label=_("Program yang dikecualikan"), required=False)
    basis = forms.ChoiceField(label=_("Dasar"), choices=ProgrammeExclusion.Basis.choices)
    reason = forms.CharField(label=_("Alasan/dasar aturan"), required=False, max_length=255)

    def __init__(self, *args: Any, programmes: list[Programme] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programmes = {p.public_id: p for p in programmes or []}
        field = self.fields["excluded"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—")] + [(p.public_id, f"{p.name} ({p.period})") for p in programmes or []]

    def row(self) -> dict[str, Any] | None:
        d = self.cleaned_data
        if not d or d.get("DELETE") or not d.get("excluded"):
            return None
        p = self.programmes[d["excluded"]]
        return {"programme_id": p.pk, "basis": d["basis"], "reason": d.get("reason") or ""}


ExclusionFormSet = forms.formset_factory(
    ExclusionRowForm, extra=1, can_delete=True, max_num=20, validate_max=True
)


class SurveyForm(forms.ModelForm):
    income_sources = forms.MultipleChoiceField(
        label=_("Sumber penghasilan"),
        choices=WelfareSurvey.Income.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = WelfareSurvey
        fields = SURVEY_FIELDS
        widgets = {"surveyed_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}

    def clean_surveyed_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["surveyed_on"]
        if value > timezone.localdate():
            raise ValidationError(_("Tanggal pendataan tidak boleh di masa depan."))
        return value


class DecileForm(forms.Form):
    decile = forms.IntegerField(label=_("Desil"), min_value=1, max_value=10)
    received_on = forms.DateField(label=_("Tanggal diterima"), widget=DateInput())
    source = forms.CharField(
        label=_("Sumber data"), max_length=150, help_text=_("Mis. DTSEN via SIKS-NG Dinsos, triwulan I 2026.")
    )
    reference_period = forms.CharField(label=_("Periode data"), max_length=30, required=False)


def family_by_kk(village: Village, kk_number: str) -> Family | None:
    return family_qs(village=village).filter(kk_number=kk_number.strip()).select_related("head").first()


class FamilyPickForm(forms.Form):
    """A family of this village named by its KK number (typed, never put in a URL)."""

    kk_number = forms.CharField(label=_("Nomor KK"), max_length=16, min_length=16)

    def __init__(self, *args: Any, village: Village, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.village = village
        self.family: Family | None = None

    def clean_kk_number(self) -> str:
        kk = ascii_digits(self.cleaned_data["kk_number"]).strip()
        self.family = family_by_kk(self.village, kk)
        if self.family is None:
            raise ValidationError(_("Nomor KK tidak ditemukan di desa ini."))
        return kk


class NominateForm(FamilyPickForm):
    source = forms.ChoiceField(
        label=_("Asal usulan"),
        choices=[
            (Candidate.Source.RT_RW, Candidate.Source.RT_RW.label),
            (Candidate.Source.OPERATOR, Candidate.Source.OPERATOR.label),
        ],
    )
    proposer_name = forms.CharField(label=_("Pengusul"), max_length=100, required=False)
    note = forms.CharField(label=_("Alasan usulan"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RecipientAddForm(FamilyPickForm):
    external_id = forms.CharField(label=_("ID program asal"), max_length=64, required=False)
    reason = forms.CharField(
        label=_("Alasan"),
        max_length=255,
        required=False,
        help_text=_("Wajib bila SK sudah terbit (perubahan setelah SK)."),
    )


class VerifyForm(forms.Form):
    result = forms.ChoiceField(label=_("Hasil"), choices=Verification.Result.choices)
    verified_on = forms.DateField(label=_("Tanggal verifikasi"), widget=DateInput())
    verifier_name = forms.CharField(label=_("Petugas verifikasi"), max_length=100)
    notes = forms.CharField(label=_("Catatan"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DeliberationForm(forms.Form):
    held_on = forms.DateField(label=_("Tanggal musyawarah"), widget=DateInput())
    place = forms.CharField(label=_("Tempat"), max_length=150)
    chair = forms.CharField(label=_("Pimpinan musyawarah"), max_length=100)
    minutes = forms.CharField(label=_("Berita acara/notulen"), widget=forms.Textarea(attrs={"rows": 6}))
    attendees = forms.CharField(
        label=_("Daftar hadir"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Satu orang per baris: nama; unsur/jabatan."),
    )

    def attendee_list(self) -> list[Attendee]:
        people = []
        for line in self.cleaned_data["attendees"].splitlines():
            if not line.strip():
                continue
            name, _sep, position = line.partition(";")
            people.append(Attendee(name=name.strip(), position=position.strip()))
        return people


class DecreeForm(forms.Form):
    deliberation = forms.ChoiceField(label=_("Berita acara musyawarah"))
    number = forms.CharField(label=_("Nomor SK"), max_length=100)
    title = forms.CharField(label=_("Tentang"), max_length=255)
    decided_on = forms.DateField(label=_("Tanggal SK"), widget=DateInput())

    def __init__(self, *args: Any, deliberations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["deliberation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(d.public_id, f"{d.held_on:%d-%m-%Y} · {d.place}") for d in deliberations]


class RecipientStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status baru"), choices=Recipient.Status.choices)
    reason = forms.CharField(label=_("Alasan perubahan"), max_length=255)


class DecileImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas desil (XLSX atau CSV)"),
        help_text=_(
            "Kolom \u201cNo KK\u201d dan \u201cDesil\u201d, baris pertama judul kolom. Berkas lain ditolak utuh."
        ),
    )
    received_on = forms.DateField(label=_("Tanggal diterima"), widget=DateInput())
    source = forms.CharField(
        label=_("Sumber data"), max_length=150, help_text=_("Mis. DTSEN via SIKS-NG Dinsos, triwulan I 2026.")
    )
    reference_period = forms.CharField(label=_("Periode data"), max_length=30, required=False)

    MAX_BYTES = 10 * 1024 * 1024

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > self.MAX_BYTES:
            raise ValidationError(_("Berkas terlalu besar (maks. 10 MB)."))
        return f

    def rows(self) -> list[Any]:
        """The file's rows as DecileRow, or ValidationError naming what is wrong with it."""
        from balai.aid.services.welfare import DecileRow

        data = self.cleaned_data["file"].read()
        table = _read_table(data)
        if not table:
            raise ValidationError(_("Berkas kosong."))
        header = [str(c).strip().lower().replace(".", "") for c in table[0]]
        kk_col = next((i for i, h in enumerate(header) if "kk" in h), None)
        dec_col = next((i for i, h in enumerate(header) if "desil" in h), None)
        if kk_col is None or dec_col is None:
            raise ValidationError(
                _("Judul kolom \u201cNo KK\u201d dan \u201cDesil\u201d tidak ditemukan di baris pertama.")
            )
        out = []
        for n, row in enumerate(table[1:], start=2):
            cells = [*row, "", ""]
            kk = _text(cells[kk_col])
            decile = _text(cells[dec_col])
            if not kk and not decile:
                continue
            out.append(DecileRow(row=n, kk_number=kk, decile=decile))
        return out


def _text(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def _read_table(data: bytes) -> list[list[Any]]:
    """The first sheet of an xlsx, or a CSV file, read by `core.spreadsheets`."""
    if not data:
        return []
    try:
        with spreadsheets.open_workbook(data, csv=True) as book:
            return book.table(book.sheet_names[0]) if book.sheet_names else []
    except spreadsheets.Refused as exc:
        raise ValidationError(exc.message) from exc
