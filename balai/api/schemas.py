"""Request and response bodies.

Resident fields are declared once (`RESIDENT_FIELD_TYPES`), with the limits the database
holds them to, and the create/patch/output schemas are built from that table, so a field
added to the registry needs one line here.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field, StringConstraints, create_model
from pydantic_core import PydanticCustomError

from balai.core.digits import ascii_digits
from balai.core.masking import mask_number
from balai.people import codes
from balai.people.models import Family, LifeEvent, Resident
from balai.people.selectors import family_members
from balai.people.services import RESIDENT_FIELDS


def _clean_text(value: str) -> str:
    # PostgreSQL refuses NUL in text and the UI never stores control characters.
    if any(ord(ch) < 32 for ch in value):
        raise PydanticCustomError("control_characters", "Tidak boleh berisi karakter kendali.")
    return value.strip()


def Text(max_length: int) -> Any:  # noqa: N802 (reads as a type)
    return Annotated[str, StringConstraints(max_length=max_length), AfterValidator(_clean_text)]


Text100 = Annotated[str, StringConstraints(max_length=100), AfterValidator(_clean_text)]
Text255 = Annotated[str, StringConstraints(max_length=255), AfterValidator(_clean_text)]


def _digits(value: str) -> str:
    # Digits of other scripts ("٣") become ASCII; what is a digit only to str.isdigit()
    # ("²") is refused.
    value = ascii_digits(value)
    if value and not (value.isascii() and value.isdigit()):
        raise PydanticCustomError("digits", "Hanya angka 0–9.")
    return value


# The services check length and structure and say what is wrong; here only "digits" is
# enforced, because the checks slice the number into integers.
Number16 = Annotated[str, StringConstraints(max_length=16), AfterValidator(_digits)]
PublicId = Annotated[str, StringConstraints(min_length=1, max_length=32)]


def _known_code(table: dict[int, str]) -> AfterValidator:
    def check(value: int) -> int:
        if value not in table:
            raise PydanticCustomError("unknown_code", "Kode {value} tidak dikenal.", {"value": value})
        return value

    return AfterValidator(check)


def Code(table: dict[int, str]) -> Any:  # noqa: N802
    return Annotated[int, Field(json_schema_extra={"enum": list(table)}), _known_code(table)]


StatusCode = Annotated[int, Field(json_schema_extra={"enum": list(codes.STATUS)}), _known_code(codes.STATUS)]
SexCode = Annotated[int, Field(json_schema_extra={"enum": list(codes.SEX)}), _known_code(codes.SEX)]


RESIDENT_FIELD_TYPES: dict[str, Any] = {
    "nik": Number16,
    "name": Text(100),
    "sex": Code(codes.SEX),
    "birth_place": Text(100),
    "birth_date": dt.date,
    "religion": Code(codes.RELIGION),
    "education_kk": Code(codes.EDUCATION_KK),
    "education_current": Code(codes.EDUCATION_CURRENT),
    "occupation": Code(codes.OCCUPATION),
    "marital_status": Code(codes.MARITAL_STATUS),
    "family_relation": Code(codes.FAMILY_RELATION),
    "citizenship": Code(codes.CITIZENSHIP),
    "residence_status": Code(codes.RESIDENCE_STATUS),
    "father_nik": Number16,
    "father_name": Text(100),
    "mother_nik": Number16,
    "mother_name": Text(100),
    "blood_type": Code(codes.BLOOD_TYPE),
    "disability": Code(codes.DISABILITY),
    "kb_method": Code(codes.KB_METHOD),
    "pregnant": Code(codes.PREGNANT),
    "ktp_el": Code(codes.KTP_EL),
    "ktp_record_status": Code(codes.KTP_RECORD_STATUS),
    "birth_certificate_no": Text(100),
    "passport_no": Text(45),
    "passport_expiry": dt.date,
    "kitas_no": Text(45),
    "marriage_certificate_no": Text(100),
    "marriage_date": dt.date,
    "divorce_certificate_no": Text(100),
    "divorce_date": dt.date,
    "current_address": Text(255),
    "ethnicity": Text(100),
    "card_uid": Text(17),
    "insurance_type": Code(codes.INSURANCE),
    "insurance_no": Text(100),
    "lat": Text(24),
    "lng": Text(24),
}
assert set(RESIDENT_FIELD_TYPES) == set(RESIDENT_FIELDS), "api schemas out of step with services"

REQUIRED_ON_CREATE = {"name", "sex"}


class InputSchema(Schema):
    # A misspelt field must be an error, not silently ignored data.
    model_config = ConfigDict(extra="forbid")


def _optional(annotation: Any) -> Any:
    return annotation | None


def _resident_input(name: str, *, required: set[str], extra: dict[str, Any]) -> type[InputSchema]:
    fields: dict[str, Any] = {}
    for field_name, annotation in RESIDENT_FIELD_TYPES.items():
        if field_name in required:
            fields[field_name] = (annotation, ...)
        else:
            fields[field_name] = (_optional(annotation), None)
    fields |= extra
    model: type[InputSchema] = create_model(name, __base__=InputSchema, **fields)
    return model


_placement = {
    "family": (PublicId | None, Field(None, description="public_id keluarga (KK) di desa ini")),
    "rt": (PublicId | None, Field(None, description="public_id RT di desa ini")),
}
_accept = {
    "accept_warnings": (
        bool,
        Field(False, description="Terima peringatan NIK (tanggal lahir/jenis kelamin tidak cocok)."),
    )
}

ResidentCreate = _resident_input("ResidentCreate", required=REQUIRED_ON_CREATE, extra=_placement | _accept)
ResidentPatch = _resident_input(
    "ResidentPatch",
    required=set(),
    extra={"rt": _placement["rt"]} | _accept,
)
BirthIn = _resident_input(
    "BirthIn",
    required=REQUIRED_ON_CREATE | {"birth_date"},
    extra={"family": (PublicId, Field(..., description="public_id keluarga tempat bayi lahir"))} | _accept,
)
MoveInIn = _resident_input(
    "MoveInIn",
    required=REQUIRED_ON_CREATE,
    extra=_placement | _accept | {"event_date": (dt.date, ...), "origin": (Text255, ...)},
)


def _resident_field(name: str) -> models.Field[Any, Any]:
    field = Resident._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def resident_data(payload: Schema) -> dict[str, Any]:
    """Only what the client sent, as model values; null on a text field means empty."""
    data = payload.dict(exclude_unset=True)
    result: dict[str, Any] = {}
    for key, value in data.items():
        if key not in RESIDENT_FIELD_TYPES:
            continue
        field = _resident_field(key)
        if value is None and not field.null:
            if isinstance(field, models.CharField):
                value = ""
            elif field.has_default():
                value = field.get_default()
            else:  # a name or sex cannot be emptied
                raise ValidationError({key: [_("Wajib diisi.")]})
        result[key] = value
    return result


class SearchIn(InputSchema):
    q: Text100 = Field("", description="Nama, NIK atau nomor KK (lengkap 16 angka, atau awalannya).")
    status: StatusCode | None = Field(
        codes.STATUS_ALIVE, description="Status dasar; null untuk semua status."
    )
    sex: SexCode | None = None
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=100)


class FamilyCreate(InputSchema):
    kk_number: Number16 = Field("", description="Kosongkan untuk nomor KK sementara.")
    rt: PublicId | None = None
    address: Text255 = ""
    issued_on: dt.date | None = None


class StatusEventIn(InputSchema):
    resident: PublicId
    kind: Literal["death", "missing", "gone"] = Field(
        ..., description="death = meninggal, missing = hilang, gone = pergi."
    )
    event_date: dt.date
    note: Text255 = ""


STATUS_EVENT_KINDS = {
    "death": LifeEvent.Kind.DEATH,
    "missing": LifeEvent.Kind.MISSING,
    "gone": LifeEvent.Kind.GONE,
}


class MoveOutIn(InputSchema):
    residents: list[PublicId] = Field(..., min_length=1, max_length=100)
    event_date: dt.date
    destination_village: str | None = Field(
        None, max_length=13, description="Kode desa tujuan bila masih di kabupaten ini (pindah antardesa)."
    )
    destination: Text255 = ""
    move_type: Literal[1, 2, 3, 4] | None = Field(
        None, description="1 keluar desa, 2 keluar kecamatan, 3 keluar kabupaten, 4 keluar provinsi."
    )
    note: Text255 = ""


# --- Output ------------------------------------------------------------------------------


class RtOut(Schema):
    public_id: str
    dusun: str
    rw: str
    rt: str

    @staticmethod
    def resolve_dusun(obj: Any) -> str:
        return str(obj.dusun.name)


class FamilyRef(Schema):
    public_id: str
    kk_number: str


def _output_type(field: models.Field[Any, Any]) -> Any:
    if isinstance(field, models.CharField):
        return str
    if isinstance(field, models.DateField):
        return dt.date | None
    return int | None if field.null else int


class _ResidentOutBase(Schema):
    public_id: str
    status: int
    nik_temporary: bool
    nik_mismatch_accepted: bool
    family: FamilyRef | None = None
    rt: RtOut | None = None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_nik_temporary(obj: Resident) -> bool:
        return obj.is_temporary_nik


ResidentOut = create_model(  # type: ignore[call-overload]
    "ResidentOut",
    __base__=_ResidentOutBase,
    **{name: (_output_type(_resident_field(name)), ...) for name in RESIDENT_FIELDS},
)


class ResidentItem(Schema):
    """A row of a list: NIK and KK masked, age instead of birth date (the NIK encodes it)."""

    public_id: str
    nik_masked: str
    kk_number_masked: str
    name: str
    sex: int
    age: int | None
    status: int
    family: str | None = Field(None, description="public_id keluarga")
    rt: RtOut | None = None

    @staticmethod
    def resolve_nik_masked(obj: Resident) -> str:
        return mask_number(obj.nik)

    @staticmethod
    def resolve_kk_number_masked(obj: Resident) -> str:
        return mask_number(obj.family.kk_number) if obj.family else ""

    @staticmethod
    def resolve_age(obj: Resident) -> int | None:
        return obj.age_on(timezone.localdate())

    @staticmethod
    def resolve_family(obj: Resident) -> str | None:
        return obj.family.public_id if obj.family else None


class ResidentPage(Schema):
    items: list[ResidentItem]
    next_cursor: str | None


class MemberOut(Schema):
    public_id: str
    nik: str
    name: str
    sex: int
    birth_date: dt.date | None
    family_relation: int | None
    status: int


class FamilyItem(Schema):
    public_id: str
    kk_number_masked: str
    head: str | None = Field(None, description="nama kepala keluarga")
    member_count: int = Field(description="anggota yang berstatus hidup")
    address: str
    rt: RtOut | None = None
    is_active: bool

    @staticmethod
    def resolve_kk_number_masked(obj: Family) -> str:
        return mask_number(obj.kk_number)

    @staticmethod
    def resolve_head(obj: Family) -> str | None:
        return obj.head.name if obj.head else None


class FamilyPage(Schema):
    items: list[FamilyItem]
    next_cursor: str | None


class FamilyOut(Schema):
    public_id: str
    kk_number: str
    kk_temporary: bool
    address: str
    rt: RtOut | None = None
    issued_on: dt.date | None
    is_active: bool
    head: str | None = Field(None, description="public_id kepala keluarga")
    members: list[MemberOut]

    @staticmethod
    def resolve_kk_temporary(obj: Family) -> bool:
        return obj.kk_number.startswith("0")

    @staticmethod
    def resolve_head(obj: Family) -> str | None:
        return obj.head.public_id if obj.head else None

    @staticmethod
    def resolve_members(obj: Family) -> list[Resident]:
        return list(family_members(family=obj))


class ResidentRef(Schema):
    public_id: str
    name: str


class EventOut(Schema):
    public_id: str
    kind: int
    kind_label: str
    event_date: dt.date
    resident: ResidentRef | None = None
    family: str | None = Field(None, description="public_id keluarga")
    details: dict[str, Any]
    note: str
    recorded_at: dt.datetime
    recorded_by: str | None = None
    consequences: list[dict[str, Any]] = Field(
        default_factory=list, description="apa yang diubah setiap modul karena peristiwa ini"
    )
    cancelled_at: dt.datetime | None = None
    cancel_reason: str = ""

    @staticmethod
    def resolve_details(obj: LifeEvent) -> dict[str, Any]:
        # The modules' undo notes hold internal row ids: they never leave the server.
        return {k: v for k, v in (obj.details or {}).items() if k not in ("undo", "undone")}

    @staticmethod
    def resolve_kind_label(obj: LifeEvent) -> str:
        return str(obj.get_kind_display())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_resident(obj: LifeEvent) -> Resident | None:
        # A resident who has since moved to another village is no longer this village's to link.
        resident = obj.resident
        return resident if resident is not None and resident.village_id == obj.village_id else None

    @staticmethod
    def resolve_family(obj: LifeEvent) -> str | None:
        family = obj.family
        return family.public_id if family is not None and family.village_id == obj.village_id else None

    @staticmethod
    def resolve_recorded_by(obj: LifeEvent) -> str | None:
        return obj.recorded_by.get_username() if obj.recorded_by else None


class EventPage(Schema):
    items: list[EventOut]
    next_cursor: str | None


class SexCounts(Schema):
    male: int
    female: int


class AgeBand(Schema):
    label: str
    male: int
    female: int


class DusunCounts(Schema):
    name: str
    residents: int
    families: int


class VillageStatsOut(Schema):
    code: str
    name: str
    residents: int
    families: int
    by_sex: SexCounts
    by_age: list[AgeBand]
    unknown_age: SexCounts
    dusuns: list[DusunCounts]


class VillageCounts(Schema):
    code: str
    name: str
    district_code: str
    district_name: str
    residents: int
    male: int
    female: int
    families: int


class VillagesStatsOut(Schema):
    items: list[VillageCounts]
    residents: int
    families: int


class Message(Schema):
    detail: Any
