"""Forms of the registry UI: they parse and check input; the services decide and write."""

from __future__ import annotations

import copy
import datetime as dt
from functools import lru_cache
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balai.core.digits import ascii_digits
from balai.people import codes
from balai.people.models import Family, LifeEvent, Resident
from balai.people.selectors import ResidentFilters, family_qs
from balai.people.services import RESIDENT_FIELDS
from balai.people.validation import kk_check, nik_check
from balai.regions.models import Rt, Village
from balai.regions.selectors import rt_list, village_list

# Event details (OpenSID `LogPenduduk` codes); stored in LifeEvent.details.
BIRTH_PLACE_TYPE = {1: "RS/RB", 2: "Puskesmas", 3: "Polindes", 4: "Rumah", 5: "Lainnya"}
BIRTH_KIND = {1: "Tunggal", 2: "Kembar 2", 3: "Kembar 3", 4: "Kembar 4"}
BIRTH_ATTENDANT = {1: "Dokter", 2: "Bidan/Perawat", 3: "Dukun", 4: "Lainnya"}
DEATH_CAUSE = {
    1: "Sakit biasa/tua",
    2: "Wabah penyakit",
    3: "Kecelakaan",
    4: "Kriminalitas",
    5: "Bunuh diri",
    6: "Lainnya",
}
DEATH_ATTESTER = {1: "Dokter", 2: "Tenaga kesehatan", 3: "Kepolisian", 4: "Lainnya"}
MOVE_TYPE = {1: "Keluar desa", 2: "Keluar kecamatan", 3: "Keluar kabupaten", 4: "Keluar provinsi"}

# Life events recorded from a resident's page: URL word -> kind.
RESIDENT_EVENT_KINDS: dict[str, int] = {
    "mati": LifeEvent.Kind.DEATH,
    "hilang": LifeEvent.Kind.MISSING,
    "pergi": LifeEvent.Kind.GONE,
    "pindah": LifeEvent.Kind.MOVE_OUT,
}


def _blank(table: dict[int, str]) -> list[tuple[Any, str]]:
    return [("", "—"), *codes.choices(table)]


def _accept_warnings_field() -> forms.BooleanField:
    # Shown only after the service raised NikWarning; accepting resubmits with accept_warnings.
    return forms.BooleanField(required=False, label=_("Saya sudah memeriksa dan menerima perbedaan ini"))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # <input type="date"> only takes ISO dates, whatever the locale's display format.
        super().__init__(attrs, format="%Y-%m-%d")


class NumberField(forms.CharField):
    """NIK / KK number as typed: spaces, dots and dashes dropped, anything else refused."""

    def to_python(self, value: Any) -> str:
        text = ascii_digits(super().to_python(value) or "")
        for ch in " .-\u00a0\u200b":
            text = text.replace(ch, "")
        if text and not (text.isascii() and text.isdigit()):
            raise ValidationError(_("Hanya boleh berisi angka."), code="digits")
        return text


def validate_nik(value: str) -> None:
    # Shape errors show next to the field together with the form's other errors; the service
    # checks again and also decides the warnings (birth date, sex) and uniqueness.
    errors = nik_check(value).errors
    if errors:
        raise ValidationError(errors)


def validate_kk(value: str) -> None:
    errors = kk_check(value).errors
    if errors:
        raise ValidationError(errors)


def _model_field(name: str, **kwargs: Any) -> forms.Field:
    field = Resident._meta.get_field(name)
    assert isinstance(field, models.Field)
    if isinstance(field, models.DateField):
        kwargs.setdefault("widget", DateInput)
    formfield = field.formfield(**kwargs)
    assert formfield is not None
    return formfield


class VillageForm(forms.Form):
    """A form whose choices come from one village."""

    def __init__(self, *args: Any, village: Village, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.village = village

    def _rt_field(self, name: str = "rt") -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = rt_list(village=self.village)

    def _family_by_kk(self, kk_number: str) -> Family | None:
        if not kk_number:
            return None
        family = family_qs(village=self.village).filter(kk_number=kk_number).select_related("rt").first()
        if family is None:
            raise ValidationError(_("Tidak ada keluarga dengan nomor KK ini di desa ini."), code="unknown_kk")
        return family


class RtChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Dusun / RW / RT"))
        kwargs.setdefault("empty_label", "—")
        super().__init__(queryset=Rt.objects.none(), to_field_name="public_id", **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.dusun.name} · RW {obj.rw} · RT {obj.rt}"


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} — {obj.district_name}"


class ResidentForm(VillageForm):
    """All fields of `services.RESIDENT_FIELDS`, grouped as on the paper biodata form."""

    nik = NumberField(
        label=_("NIK"),
        required=False,
        max_length=32,
        help_text=_("16 angka. Kosongkan bila belum punya: diberi NIK sementara (diawali 0)."),
    )
    name = _model_field("name")
    sex = _model_field("sex")
    religion = _model_field("religion")
    citizenship = _model_field("citizenship")
    ethnicity = _model_field("ethnicity")
    blood_type = _model_field("blood_type")

    birth_place = _model_field("birth_place")
    birth_date = _model_field("birth_date")
    birth_certificate_no = _model_field("birth_certificate_no")
    father_nik = NumberField(label=_("NIK ayah"), required=False, max_length=32)
    father_name = _model_field("father_name")
    mother_nik = NumberField(label=_("NIK ibu"), required=False, max_length=32)
    mother_name = _model_field("mother_name")

    kk_number = NumberField(
        label=_("Nomor KK"),
        validators=[validate_kk],
        required=False,
        max_length=32,
        help_text=_("KK yang sudah terdaftar di desa ini. Kosongkan bila belum masuk keluarga."),
    )
    family_relation = _model_field("family_relation")
    rt = RtChoiceField(help_text=_("Kosongkan untuk memakai RT keluarga."))
    current_address = _model_field("current_address")
    residence_status = _model_field("residence_status")
    marital_status = _model_field("marital_status")
    marriage_certificate_no = _model_field("marriage_certificate_no")
    marriage_date = _model_field("marriage_date")
    divorce_certificate_no = _model_field("divorce_certificate_no")
    divorce_date = _model_field("divorce_date")

    education_kk = _model_field("education_kk")
    education_current = _model_field("education_current")
    occupation = _model_field("occupation")

    ktp_el = _model_field("ktp_el")
    ktp_record_status = _model_field("ktp_record_status")
    card_uid = _model_field("card_uid")
    passport_no = _model_field("passport_no")
    passport_expiry = _model_field("passport_expiry")
    kitas_no = _model_field("kitas_no")
    insurance_type = _model_field("insurance_type")
    insurance_no = _model_field("insurance_no")

    disability = _model_field("disability")
    kb_method = _model_field("kb_method")
    pregnant = _model_field("pregnant")
    lat = _model_field("lat")
    lng = _model_field("lng")

    accept_warnings = _accept_warnings_field()

    FIELDSETS: list[tuple[Any, list[str]]] = [
        (_("Identitas"), ["nik", "name", "sex", "religion", "citizenship", "ethnicity", "blood_type"]),
        (
            _("Kelahiran dan orang tua"),
            [
                "birth_place",
                "birth_date",
                "birth_certificate_no",
                "father_nik",
                "father_name",
                "mother_nik",
                "mother_name",
            ],
        ),
        (
            _("Keluarga dan alamat"),
            [
                "kk_number",
                "family_relation",
                "rt",
                "current_address",
                "residence_status",
                "marital_status",
                "marriage_certificate_no",
                "marriage_date",
                "divorce_certificate_no",
                "divorce_date",
            ],
        ),
        (_("Pendidikan dan pekerjaan"), ["education_kk", "education_current", "occupation"]),
        (
            _("Dokumen"),
            [
                "ktp_el",
                "ktp_record_status",
                "card_uid",
                "passport_no",
                "passport_expiry",
                "kitas_no",
                "insurance_type",
                "insurance_no",
            ],
        ),
        (_("Lainnya"), ["disability", "kb_method", "pregnant", "lat", "lng"]),
    ]

    def __init__(self, *args: Any, resident: Resident | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rt_field()
        self.resident = resident
        if resident is not None:
            # Membership changes go through resident_place / family_split, not an edit.
            del self.fields["kk_number"]
            self.fields["nik"].required = True
            self.fields["nik"].help_text = _("16 angka; NIK sementara diawali 0.")

    def clean_nik(self) -> str:
        nik: str = self.cleaned_data["nik"]
        # An unchanged NIK is left to the service, which rechecks it only where it matters
        # (living residents whose birth date or sex changed): legacy records stay editable.
        if nik and (self.resident is None or nik != self.resident.nik):
            validate_nik(nik)
        return nik

    def fieldsets(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [
            (title, [self[name] for name in names if name in self.fields]) for title, names in self.FIELDSETS
        ]

    def clean_kk_number(self) -> str:
        kk: str = self.cleaned_data["kk_number"]
        self.cleaned_data["family"] = self._family_by_kk(kk)
        return kk

    def resident_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in RESIDENT_FIELDS if name in self.cleaned_data}

    @classmethod
    def initial_from(cls, resident: Resident) -> dict[str, Any]:
        initial = {name: getattr(resident, name) for name in RESIDENT_FIELDS}
        initial["rt"] = resident.rt.public_id if resident.rt else None
        return initial


class MoveInForm(ResidentForm):
    origin = forms.CharField(
        label=_("Alamat asal"),
        max_length=255,
        help_text=_("Desa, kecamatan, kabupaten asal (dari luar kabupaten ini)."),
    )
    event_date = forms.DateField(label=_("Tanggal pindah masuk"), widget=DateInput, initial=dt.date.today)

    FIELDSETS = [(_("Kedatangan"), ["origin", "event_date"]), *ResidentForm.FIELDSETS]


class BirthForm(forms.Form):
    name = _model_field("name", label=_("Nama bayi"))
    sex = _model_field("sex")
    birth_date = _model_field("birth_date", required=True)
    birth_place = _model_field("birth_place")
    nik = NumberField(
        label=_("NIK"),
        validators=[validate_nik],
        required=False,
        max_length=32,
        help_text=_("Biasanya dikosongkan: bayi diberi NIK sementara sampai terbit dari Dukcapil."),
    )
    birth_certificate_no = _model_field("birth_certificate_no")
    place_type = forms.TypedChoiceField(
        label=_("Tempat dilahirkan"),
        choices=_blank(BIRTH_PLACE_TYPE),
        coerce=int,
        empty_value=None,
        required=False,
    )
    birth_kind = forms.TypedChoiceField(
        label=_("Jenis kelahiran"),
        choices=codes.choices(BIRTH_KIND),
        coerce=int,
        initial=1,
    )
    attendant = forms.TypedChoiceField(
        label=_("Penolong kelahiran"),
        choices=_blank(BIRTH_ATTENDANT),
        coerce=int,
        empty_value=None,
        required=False,
    )
    weight_g = forms.IntegerField(
        label=_("Berat lahir (gram)"), required=False, min_value=200, max_value=8000
    )
    length_cm = forms.DecimalField(
        label=_("Panjang lahir (cm)"), required=False, min_value=20, max_value=70, decimal_places=1
    )
    accept_warnings = _accept_warnings_field()

    def clean_birth_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["birth_date"]
        if value > timezone.localdate():
            raise ValidationError(_("Tanggal lahir tidak boleh di masa depan."))
        return value

    def resident_data(self) -> dict[str, Any]:
        names = ["name", "sex", "birth_date", "birth_place", "nik", "birth_certificate_no"]
        return {name: self.cleaned_data[name] for name in names}

    def details(self) -> dict[str, Any]:
        d = self.cleaned_data
        length = d["length_cm"]
        return {
            "place_type": d["place_type"],
            "birth_kind": d["birth_kind"],
            "attendant": d["attendant"],
            "weight_g": d["weight_g"],
            "length_cm": float(length) if length is not None else None,
        }


class StatusEventForm(forms.Form):
    """Missing (hilang) or gone (pergi): a date and a note."""

    event_date = forms.DateField(label=_("Tanggal peristiwa"), widget=DateInput, initial=dt.date.today)
    note = forms.CharField(label=_("Keterangan"), max_length=255, required=False)

    def clean_event_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["event_date"]
        if value > timezone.localdate():
            raise ValidationError(_("Tanggal peristiwa tidak boleh di masa depan."))
        return value

    def details(self) -> dict[str, Any]:
        return {}


class DeathForm(StatusEventForm):
    event_date = forms.DateField(label=_("Tanggal meninggal"), widget=DateInput, initial=dt.date.today)
    place = forms.CharField(label=_("Tempat meninggal"), max_length=100, required=False)
    cause = forms.TypedChoiceField(
        label=_("Sebab kematian"), choices=_blank(DEATH_CAUSE), coerce=int, empty_value=None, required=False
    )
    attester = forms.TypedChoiceField(
        label=_("Yang menerangkan"),
        choices=_blank(DEATH_ATTESTER),
        coerce=int,
        empty_value=None,
        required=False,
    )
    field_order = ["event_date", "place", "cause", "attester", "note"]

    def details(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"place": d["place"], "cause": d["cause"], "attester": d["attester"]}


class MoveOutForm(StatusEventForm):
    TRANSFER, ELSEWHERE = "desa", "luar"

    target = forms.ChoiceField(
        label=_("Pindah ke"),
        widget=forms.RadioSelect,
        initial=ELSEWHERE,
        choices=[
            (TRANSFER, _("Desa lain di kabupaten ini (data penduduk ikut pindah)")),
            (ELSEWHERE, _("Tempat lain")),
        ],
    )
    destination_village = VillageChoiceField(
        label=_("Desa tujuan"),
        queryset=Village.objects.none(),
        required=False,
        empty_label="—",
        to_field_name="code",
    )
    destination = forms.CharField(
        label=_("Alamat tujuan"),
        max_length=255,
        required=False,
        help_text=_("Wajib untuk pindah ke tempat lain; untuk desa di kabupaten ini boleh diisi dusun/RT."),
    )
    move_type = forms.TypedChoiceField(
        label=_("Jenis kepindahan"),
        choices=_blank(MOVE_TYPE),
        coerce=int,
        empty_value=None,
        required=False,
    )
    members = forms.MultipleChoiceField(
        label=_("Anggota keluarga yang ikut pindah"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    field_order = [
        "target",
        "destination_village",
        "destination",
        "move_type",
        "event_date",
        "members",
        "note",
    ]

    def __init__(self, *args: Any, village: Village, companions: list[Resident], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.village = village
        field = self.fields["destination_village"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = village_list().exclude(pk=village.pk)
        self.companions = {r.public_id: r for r in companions}
        choices_field = self.fields["members"]
        assert isinstance(choices_field, forms.MultipleChoiceField)
        choices_field.choices = [(r.public_id, r.name) for r in companions]
        if not companions:
            del self.fields["members"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("target") == self.TRANSFER:
            destination = data.get("destination_village")
            if destination is None:
                self.add_error("destination_village", _("Pilih desa tujuan."))
            elif data.get("move_type") is None:
                same_district = destination.district_code == self.village.district_code
                data["move_type"] = 1 if same_district else 2
        else:
            data["destination_village"] = None
            if not data.get("destination", "").strip():
                self.add_error("destination", _("Alamat tujuan wajib diisi."))
        return data

    def moving_companions(self) -> list[Resident]:
        return [self.companions[pid] for pid in self.cleaned_data.get("members", [])]


class FamilyForm(VillageForm):
    kk_number = NumberField(
        label=_("Nomor KK"),
        validators=[validate_kk],
        required=False,
        max_length=32,
        help_text=_("16 angka. Kosongkan bila belum terbit: diberi nomor sementara (diawali 0)."),
    )
    rt = RtChoiceField()
    address = forms.CharField(label=_("Alamat"), max_length=255, required=False)
    issued_on = forms.DateField(label=_("Tanggal terbit KK"), widget=DateInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rt_field()


class FamilySplitForm(FamilyForm):
    members = forms.ModelMultipleChoiceField(
        label=_("Anggota yang pindah ke KK baru"),
        queryset=Resident.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        to_field_name="public_id",
    )
    head = forms.ModelChoiceField(
        label=_("Kepala keluarga KK baru"),
        queryset=Resident.objects.none(),
        widget=forms.RadioSelect,
        to_field_name="public_id",
        empty_label=None,
    )
    event_date = forms.DateField(label=_("Tanggal pecah KK"), widget=DateInput, initial=dt.date.today)
    field_order = ["members", "head", "kk_number", "rt", "address", "event_date"]

    def __init__(self, *args: Any, members: QuerySet[Resident], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["issued_on"]
        for name in ("members", "head"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = members

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        head, members = data.get("head"), data.get("members")
        if head is not None and members is not None and head not in members:
            self.add_error("head", _("Kepala keluarga harus termasuk anggota yang dipilih."))
        return data


class PlaceForm(VillageForm):
    kk_number = NumberField(label=_("Nomor KK tujuan"), max_length=32)
    relation = forms.TypedChoiceField(
        label=_("Hubungan dalam keluarga"),
        choices=codes.choices(codes.FAMILY_RELATION),
        coerce=int,
    )

    def clean_kk_number(self) -> str:
        kk: str = self.cleaned_data["kk_number"]
        self.cleaned_data["family"] = self._family_by_kk(kk)
        return kk


class DuplicateDecisionForm(forms.Form):
    MERGE, DISMISS = "gabung", "bukan"

    first = forms.CharField(max_length=16)
    second = forms.CharField(max_length=16)
    action = forms.ChoiceField(choices=[(MERGE, _("Gabung")), (DISMISS, _("Bukan orang yang sama"))])
    keep = forms.ChoiceField(
        required=False,
        choices=[("first", _("Data pertama")), ("second", _("Data kedua"))],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == self.MERGE and not data.get("keep"):
            self.add_error("keep", _("Pilih data yang dipertahankan."))
        if data.get("first") and data.get("first") == data.get("second"):
            raise ValidationError(_("Pasangan data tidak sah."))
        return data


class _SharedFields(dict[str, forms.Field]):
    """The resident list's filter fields for one village, built once and shared by its forms.

    Every list page builds the filter form, and `BaseForm.__init__` deep-copies its fields:
    copying and normalising again the ~50 menu choices was most of the form's cost (~0.3 ms a
    page). Nothing changes a field after `_filter_fields` built it (the form only validates
    with them and the template reads them), so a form's "copy" is the same fields.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return dict(self)


@lru_cache(maxsize=256)
def _filter_fields(rts: tuple[tuple[int, int, str, str, str], ...]) -> _SharedFields:
    fields = copy.deepcopy(ResidentFilterForm.declared_fields)
    dusuns = {dusun_id: dusun for _pk, dusun_id, dusun, _rw, _rt in rts}
    cast(forms.ChoiceField, fields["dusun"]).choices = [
        ("", "—"),
        *sorted(dusuns.items(), key=lambda kv: kv[1]),
    ]
    cast(forms.ChoiceField, fields["rt"]).choices = [
        ("", "—"),
        *((pk, f"{dusun} · RW {rw} · RT {rt}") for pk, _d, dusun, rw, rt in rts),
    ]
    return _SharedFields(fields)


class ResidentFilterForm(forms.Form):
    """The resident list's search box and filters (GET); bad values are ignored, not fatal."""

    ALL = "semua"

    q = forms.CharField(label=_("Cari"), required=False, max_length=100)
    dusun = forms.TypedChoiceField(label=_("Dusun"), required=False, coerce=int, empty_value=None)
    rt = forms.TypedChoiceField(label=_("RT"), required=False, coerce=int, empty_value=None)
    sex = forms.TypedChoiceField(
        label=_("Jenis kelamin"), required=False, coerce=int, empty_value=None, choices=_blank(codes.SEX)
    )
    age_min = forms.IntegerField(label=_("Umur dari"), required=False, min_value=0, max_value=150)
    age_max = forms.IntegerField(label=_("Umur sampai"), required=False, min_value=0, max_value=150)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[*((str(k), v) for k, v in codes.STATUS.items()), (ALL, _("SEMUA"))],
    )

    def __init__(self, *args: Any, rts: list[tuple[int, int, str, str, str]], **kwargs: Any) -> None:
        """`rts`: (rt id, dusun id, dusun name, rw, rt) of the village, as `rt_choices` gives them."""
        # The fields with this village's menus, shared by its forms (see `_SharedFields`);
        # `BaseForm.__init__` takes `self.fields` from them.
        self.base_fields = _filter_fields(tuple(rts))  # type: ignore[misc]
        super().__init__(*args, **kwargs)

    def filters(self) -> ResidentFilters:
        self.is_valid()
        data = self.cleaned_data  # invalid fields are left out: that filter is simply not applied
        status = data.get("status") or str(codes.STATUS_ALIVE)
        return ResidentFilters(
            q=data.get("q", ""),
            dusun_id=data.get("dusun"),
            rt_id=data.get("rt"),
            sex=data.get("sex"),
            age_min=data.get("age_min"),
            age_max=data.get("age_max"),
            status=None if status == self.ALL else int(status),
        )


class EventFilterForm(forms.Form):
    kind = forms.TypedChoiceField(
        label=_("Jenis peristiwa"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Semua")), *LifeEvent.Kind.choices],
    )
