"""Writes to the registry. Every change to personal data leaves an audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import PendingEvent, audit_record, audit_record_many, audit_record_read
from balai.core.errors import ApplicationError
from balai.core.services import audit_value, model_update
from balai.people import codes
from balai.people.consequences import life_event_dispatch
from balai.people.models import DuplicateDecision, Family, Household, LifeEvent, Resident, normalize_name
from balai.people.validation import kk_check, nik_check
from balai.regions.models import Rt, Village

if TYPE_CHECKING:
    from balai.accounts.models import User

# Fields an operator may set on a resident (everything but identity keys and links).
RESIDENT_FIELDS = [
    "nik",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "religion",
    "education_kk",
    "education_current",
    "occupation",
    "marital_status",
    "family_relation",
    "citizenship",
    "residence_status",
    "father_nik",
    "father_name",
    "mother_nik",
    "mother_name",
    "blood_type",
    "disability",
    "kb_method",
    "pregnant",
    "ktp_el",
    "ktp_record_status",
    "birth_certificate_no",
    "passport_no",
    "passport_expiry",
    "kitas_no",
    "marriage_certificate_no",
    "marriage_date",
    "divorce_certificate_no",
    "divorce_date",
    "current_address",
    "ethnicity",
    "card_uid",
    "insurance_type",
    "insurance_no",
    "lat",
    "lng",
]


class NikWarning(ValidationError):
    """The NIK is well-formed but disagrees with birth date or sex; the operator may accept."""


def _validate_nik(
    *,
    nik: str,
    birth_date: dt.date | None,
    sex: int | None,
    accept_warnings: bool,
    exclude_pk: int | None = None,
) -> list[str]:
    check = nik_check(nik, birth_date=birth_date, sex=sex)
    if check.errors:
        raise ValidationError({"nik": check.errors})
    clash = Resident.objects.filter(nik=nik, status=codes.STATUS_ALIVE)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"nik": [_("NIK ini sudah terdaftar sebagai penduduk hidup.")]})
    if check.warnings and not accept_warnings:
        raise NikWarning({"nik": check.warnings}, code="nik_warning")
    return check.warnings


# A temporary number's sequence has five digits: a village has at most this many.
TEMPORARY_NUMBERS = 99_999


def next_temporary_number(*, village: Village, model: type[Resident] | type[Family]) -> str:
    """OpenSID's temporary number: '0' + 10-digit village code + 5-digit sequence."""
    field = "nik" if model is Resident else "kk_number"
    seq = next_temporary_sequence(village=village, model=model)
    if seq > TEMPORARY_NUMBERS:
        raise ValidationError({field: [temporary_numbers_used_up(field)]})
    return f"0{village.code_digits}{seq:05d}"


def temporary_numbers_used_up(field: str) -> str:
    label = _("NIK") if field == "nik" else _("nomor KK")
    return _(
        "Nomor %(label)s sementara desa ini sudah habis (00001–99999); isi %(label)s yang sebenarnya."
    ) % {"label": label}


def next_temporary_sequence(*, village: Village, model: type[Resident] | type[Family]) -> int:
    """The sequence number after the village's highest temporary NIK or KK number (past
    TEMPORARY_NUMBERS when they are used up)."""
    prefix = "0" + village.code_digits
    field = "nik" if model is Resident else "kk_number"
    # A range, not `startswith`: PostgreSQL turns LIKE 'prefix%' into an index range only under
    # the C collation, and otherwise answered MAX by walking the whole NIK index backwards
    # (0.8 s at 1,000,000 residents, for every resident registered without a NIK and every
    # import). Numbers of one length compare digit by digit in any collation.
    last = model.objects.filter(
        village=village, **{f"{field}__gte": prefix + "00000", f"{field}__lte": prefix + "99999"}
    ).aggregate(m=Max(field))["m"]
    return int(last[-5:]) + 1 if last else 1


def _create_resident(
    *,
    actor: User | None,
    village: Village,
    data: dict[str, Any],
    family: Family | None,
    rt: Rt | None,
    accept_warnings: bool,
    event_kind: int,
    event_date: dt.date,
    event_details: dict[str, Any] | None = None,
    note: str = "",
) -> Resident:
    data = {k: v for k, v in data.items() if k in RESIDENT_FIELDS}
    if not data.get("nik"):
        data["nik"] = next_temporary_number(village=village, model=Resident)
    if not data.get("name", "").strip():
        raise ValidationError({"name": [_("Nama wajib diisi.")]})
    if data.get("sex") not in (1, 2):
        raise ValidationError({"sex": [_("Jenis kelamin wajib dipilih.")]})
    warnings = _validate_nik(
        nik=data["nik"],
        birth_date=data.get("birth_date"),
        sex=data.get("sex"),
        accept_warnings=accept_warnings,
    )
    if rt is not None and rt.village_id != village.pk:
        raise ValidationError({"rt": [_("RT bukan milik desa ini.")]})
    if family is not None and family.village_id != village.pk:
        raise ValidationError({"family": [_("Keluarga bukan milik desa ini.")]})
    resident = Resident(village=village, family=family, rt=rt or (family.rt if family else None), **data)
    resident.nik_mismatch_accepted = bool(warnings)
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError as exc:
        raise ValidationError({"nik": [_("NIK ini sudah terdaftar sebagai penduduk hidup.")]}) from exc
    event = LifeEvent.objects.create(
        village=village,
        resident=resident,
        family=family,
        kind=event_kind,
        event_date=event_date,
        details=event_details or {},
        note=note,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        village=village,
        action="resident.created",
        object_type="resident",
        object_id=resident.public_id,
        changes={k: audit_value(v) for k, v in data.items() if v not in ("", None)}
        | {"event": event_kind, "nik_warnings": warnings},
    )
    life_event_dispatch(event=event, actor=actor)
    return resident


@transaction.atomic
def resident_register(
    *,
    actor: User | None,
    village: Village,
    data: dict[str, Any],
    family: Family | None = None,
    rt: Rt | None = None,
    accept_warnings: bool = False,
    event_date: dt.date | None = None,
) -> Resident:
    """Enter an existing resident (initial data collection, not a life event)."""
    return _create_resident(
        actor=actor,
        village=village,
        data=data,
        family=family,
        rt=rt,
        accept_warnings=accept_warnings,
        event_kind=LifeEvent.Kind.REGISTERED,
        event_date=event_date or timezone.localdate(),
    )


@transaction.atomic
def resident_update(
    *,
    actor: User | None,
    resident: Resident,
    data: dict[str, Any],
    rt: Rt | None = None,
    accept_warnings: bool = False,
) -> Resident:
    data = {k: v for k, v in data.items() if k in RESIDENT_FIELDS}
    new_nik = data.get("nik", resident.nik)
    nik_relevant = {"nik", "birth_date", "sex"} & {k for k, v in data.items() if getattr(resident, k) != v}
    warnings: list[str] = []
    checked: dict[str, Any] = {}
    if nik_relevant and resident.status == codes.STATUS_ALIVE:
        warnings = _validate_nik(
            nik=new_nik,
            birth_date=data.get("birth_date", resident.birth_date),
            sex=data.get("sex", resident.sex),
            accept_warnings=accept_warnings,
            exclude_pk=resident.pk,
        )
        checked["nik_mismatch_accepted"] = bool(warnings)
    if "name" in data and not str(data["name"]).strip():
        raise ValidationError({"name": [_("Nama wajib diisi.")]})
    if rt is not None and rt.pk != resident.rt_id:
        if rt.village_id != resident.village_id:
            raise ValidationError({"rt": [_("RT bukan milik desa ini.")]})
        data["rt"] = rt
    changes = model_update(instance=resident, fields=[*RESIDENT_FIELDS, "rt"], data=data, also=checked)
    if not changes:
        return resident
    audit_record(
        actor=actor,
        village=resident.village,
        action="resident.updated",
        object_type="resident",
        object_id=resident.public_id,
        changes=changes.for_audit() | ({"nik_warnings": warnings} if warnings else {}),
    )
    return resident


def resident_viewed(*, actor: User | None, resident: Resident, purpose: str = "detail") -> None:
    """Log that staff opened a resident's full record (UU PDP: who read whose data)."""
    audit_record_read(
        actor=actor,
        village=resident.village,
        action="resident.viewed",
        object_type="resident",
        object_ids=[resident.public_id],
        changes={"purpose": purpose},
    )


def residents_listed(*, actor: User | None, village: Village, public_ids: Iterable[str], purpose: str) -> int:
    """Log that staff saw these residents in a list, a search or a family page (UU PDP: a
    resident can ask who read their record): one event for the page naming every resident
    it showed, and one row per resident in the trail's read index, so "who read my record"
    stays one indexed look-up."""
    return audit_record_read(
        actor=actor,
        village=village,
        action="resident.viewed",
        object_type="resident",
        object_ids=public_ids,
        changes={"purpose": purpose},
    )


@transaction.atomic
def family_create(
    *,
    actor: User | None,
    village: Village,
    kk_number: str = "",
    rt: Rt | None = None,
    address: str = "",
    issued_on: dt.date | None = None,
) -> Family:
    if kk_number:
        check = kk_check(kk_number)
        if check.errors:
            raise ValidationError({"kk_number": check.errors})
        if Family.objects.filter(village=village, kk_number=kk_number).exists():
            raise ValidationError({"kk_number": [_("Nomor KK ini sudah terdaftar di desa ini.")]})
    else:
        kk_number = next_temporary_number(village=village, model=Family)
    if rt is not None and rt.village_id != village.pk:
        raise ValidationError({"rt": [_("RT bukan milik desa ini.")]})
    family = Family.objects.create(
        village=village, kk_number=kk_number, rt=rt, address=address, issued_on=issued_on
    )
    audit_record(
        actor=actor,
        village=village,
        action="family.created",
        object_type="family",
        object_id=family.public_id,
        changes={"kk_number": kk_number, "rt": rt.pk if rt else None},
    )
    return family


@transaction.atomic
def family_set_head(*, actor: User | None, family: Family, head: Resident) -> None:
    if head.family_id != family.pk:
        raise ValidationError({"head": [_("Kepala keluarga harus anggota keluarga ini.")]})
    old = family.head_id
    family.head = head
    family.save(update_fields=["head", "updated_at"])
    if head.family_relation != 1:
        resident_update(actor=actor, resident=head, data={"family_relation": 1})
    audit_record(
        actor=actor,
        village=family.village,
        action="family.head_changed",
        object_type="family",
        object_id=family.public_id,
        changes={"head": [old, head.pk]},
    )


# --- Life events -------------------------------------------------------------------------


@transaction.atomic
def birth_record(
    *,
    actor: User | None,
    family: Family,
    data: dict[str, Any],
    details: dict[str, Any] | None = None,
    accept_warnings: bool = False,
    mother: Resident | None = None,
) -> Resident:
    """A child is born into a family: a new resident, with the parents taken from the family.

    `mother`, when named, must be a living woman of this village's registry; an unusual age
    at the birth (under 15 or over 50) is a warning the operator confirms (`accept_warnings`)."""
    if data.get("birth_date") is None:
        raise ValidationError({"birth_date": [_("Tanggal lahir wajib diisi.")]})
    if data["birth_date"] > timezone.localdate():
        raise ValidationError({"birth_date": [_("Tanggal lahir tidak boleh di masa depan.")]})
    members = list(family.members.filter(status=codes.STATUS_ALIVE))
    father = next((m for m in members if m.sex == 1 and m.family_relation in (1, 2)), None)
    if mother is not None:
        if mother.village_id != family.village_id or mother.status != codes.STATUS_ALIVE or mother.sex != 2:
            raise ValidationError({"mother": [_("Ibu harus perempuan yang tercatat hidup di desa ini.")]})
        age = mother.age_on(data["birth_date"])
        if age is not None and not 15 <= age <= 50 and not accept_warnings:
            raise NikWarning(
                {"mother": [_("Umur ibu saat melahirkan %(age)d tahun; periksa kembali.") % {"age": age}]},
                code="mother_age",
            )
    else:
        mother = next((m for m in members if m.sex == 2 and m.family_relation in (1, 3)), None)
    defaults: dict[str, Any] = {
        "family_relation": 4,
        "marital_status": 1,
        "citizenship": 1,
        "education_kk": 1,
        "education_current": 1,
        "occupation": 1,
        "ktp_el": 1,
        "ktp_record_status": 1,
    }
    if father:
        defaults |= {"father_nik": father.nik, "father_name": father.name, "religion": father.religion}
    if mother:
        defaults |= {"mother_nik": mother.nik, "mother_name": mother.name}
        defaults.setdefault("religion", mother.religion)
    return _create_resident(
        actor=actor,
        village=family.village,
        data=defaults | {k: v for k, v in data.items() if v not in ("", None)},
        family=family,
        rt=family.rt,
        accept_warnings=accept_warnings,
        event_kind=LifeEvent.Kind.BIRTH,
        event_date=data["birth_date"],
        event_details=details,
    )


def _require_alive(resident: Resident) -> None:
    if resident.status != codes.STATUS_ALIVE:
        raise ApplicationError(_("%(name)s tidak berstatus hidup di desa ini.") % {"name": resident.name})


def _check_event_date(event_date: dt.date, resident: Resident) -> None:
    if event_date > timezone.localdate():
        raise ValidationError({"event_date": [_("Tanggal peristiwa tidak boleh di masa depan.")]})
    if resident.birth_date and event_date < resident.birth_date:
        raise ValidationError({"event_date": [_("Tanggal peristiwa sebelum tanggal lahir.")]})


STATUS_BY_EVENT: dict[int, int] = {
    LifeEvent.Kind.DEATH: codes.STATUS_DEAD,
    LifeEvent.Kind.MISSING: codes.STATUS_MISSING,
    LifeEvent.Kind.GONE: codes.STATUS_GONE,
}


@transaction.atomic
def status_event_record(
    *,
    actor: User | None,
    resident: Resident,
    kind: int,
    event_date: dt.date,
    details: dict[str, Any] | None = None,
    note: str = "",
) -> LifeEvent:
    """Death, missing or gone: the resident stays on record with a new status."""
    if kind not in STATUS_BY_EVENT:
        raise ApplicationError(_("Jenis peristiwa tidak dikenal."))
    _require_alive(resident)
    _check_event_date(event_date, resident)
    old = resident.status
    resident.status = STATUS_BY_EVENT[kind]
    resident.save(update_fields=["status", "updated_at"])
    event = LifeEvent.objects.create(
        village=resident.village,
        resident=resident,
        family_id=resident.family_id,  # fetched only by a handler that needs it
        kind=kind,
        event_date=event_date,
        details=details or {},
        note=note,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        village=resident.village,
        action="resident.status_changed",
        object_type="resident",
        object_id=resident.public_id,
        changes={"status": [old, resident.status], "event": kind, "event_date": event_date},
    )
    life_event_dispatch(event=event, actor=actor)
    return event


def death_record(
    *,
    actor: User | None,
    resident: Resident,
    event_date: dt.date,
    details: dict[str, Any] | None = None,
    note: str = "",
) -> LifeEvent:
    return status_event_record(
        actor=actor,
        resident=resident,
        kind=LifeEvent.Kind.DEATH,
        event_date=event_date,
        details=details,
        note=note,
    )


@transaction.atomic
def move_out_record(
    *,
    actor: User | None,
    residents: list[Resident],
    event_date: dt.date,
    destination_village: Village | None = None,
    destination: str = "",
    move_type: int | None = None,
    note: str = "",
) -> list[LifeEvent]:
    """Residents leave the village.

    To another village of this deployment it is a transfer: the same record moves, so its
    history follows the person. Elsewhere the record stays here with status PINDAH.
    """
    if not residents:
        raise ValidationError({"residents": [_("Pilih minimal satu penduduk.")]})
    village = residents[0].village
    if any(r.village_id != village.pk for r in residents):
        raise ApplicationError(_("Semua penduduk harus dari desa yang sama."))
    if destination_village is not None and destination_village.pk == village.pk:
        raise ValidationError({"destination_village": [_("Desa tujuan sama dengan desa asal.")]})
    if destination_village is None and not destination.strip():
        raise ValidationError({"destination": [_("Alamat tujuan wajib diisi.")]})
    for r in residents:
        _require_alive(r)
        _check_event_date(event_date, r)
    events: list[LifeEvent] = []
    pending: list[PendingEvent] = []
    families = {r.family_id for r in residents if r.family_id}
    moving_ids = {r.pk for r in residents}
    whole_families = {
        fid
        for fid in families
        if not Resident.objects.filter(family_id=fid, status=codes.STATUS_ALIVE)
        .exclude(pk__in=moving_ids)
        .exists()
    }
    if destination_village is not None:
        clash = Family.objects.filter(
            pk__in=whole_families,
            kk_number__in=Family.objects.filter(village=destination_village).values("kk_number"),
        ).first()
        if clash is not None:
            raise ApplicationError(
                _("Nomor KK %(kk)s sudah terdaftar di desa tujuan; periksa data di sana dahulu.")
                % {"kk": clash.kk_number}
            )
    for r in residents:
        details: dict[str, Any] = {"move_type": move_type, "destination": destination}
        if destination_village is not None:
            details |= {"to_village": destination_village.code, "to_village_name": destination_village.name}
        events.append(
            LifeEvent.objects.create(
                village=village,
                resident=r,
                family=r.family,
                kind=LifeEvent.Kind.MOVE_OUT,
                event_date=event_date,
                details=details | {"name": r.name},
                note=note,
                recorded_by=actor,
            )
        )
        if destination_village is None:
            r.status = codes.STATUS_MOVED
            r.save(update_fields=["status", "updated_at"])
            pending.append(PendingEvent("resident.moved_out", "resident", r.public_id, details))
        else:
            keep_family = r.family_id in whole_families
            r.village = destination_village
            r.rt = None
            if not keep_family:
                r.family = None
            r.household = None
            r.save(update_fields=["village", "rt", "family", "household", "updated_at"])
            pending.append(PendingEvent("resident.transferred_out", "resident", r.public_id, details))
    if destination_village is not None:
        for fid in whole_families:
            Family.objects.filter(pk=fid).update(village=destination_village, rt=None)
        arrivals = [
            LifeEvent(
                village=destination_village,
                resident=r,
                family=r.family,
                kind=LifeEvent.Kind.MOVE_IN,
                event_date=event_date,
                recorded_by=actor,
                details={"from_village": village.code, "from_village_name": village.name, "transfer": True},
            )
            for r in residents
        ]
        LifeEvent.objects.bulk_create(arrivals)
        audit_record_many(
            actor=actor,
            village=destination_village,
            events=[
                PendingEvent(
                    "resident.transferred_in", "resident", r.public_id, {"from_village": village.code}
                )
                for r in residents
            ],
        )
    audit_record_many(actor=actor, village=village, events=pending)
    for event in events:
        life_event_dispatch(event=event, actor=actor)
    return events


@transaction.atomic
def move_in_record(
    *,
    actor: User | None,
    village: Village,
    data: dict[str, Any],
    family: Family | None,
    rt: Rt | None,
    event_date: dt.date,
    origin: str,
    accept_warnings: bool = False,
) -> Resident:
    """A person arrives from outside the deployment (a transfer arrives by move_out_record)."""
    if not origin.strip():
        raise ValidationError({"origin": [_("Alamat asal wajib diisi.")]})
    if event_date > timezone.localdate():
        raise ValidationError({"event_date": [_("Tanggal peristiwa tidak boleh di masa depan.")]})
    return _create_resident(
        actor=actor,
        village=village,
        data=data,
        family=family,
        rt=rt,
        accept_warnings=accept_warnings,
        event_kind=LifeEvent.Kind.MOVE_IN,
        event_date=event_date,
        event_details={"origin": origin},
    )


@transaction.atomic
def resident_place(*, actor: User | None, resident: Resident, family: Family, relation: int) -> None:
    """Attach a resident (e.g. one who arrived by transfer) to a family of their village."""
    if family.village_id != resident.village_id:
        raise ValidationError({"family": [_("Keluarga bukan milik desa ini.")]})
    old = resident.family_id
    resident.family = family
    resident.family_relation = relation
    resident.rt = family.rt
    resident.save(update_fields=["family", "family_relation", "rt", "updated_at"])
    audit_record(
        actor=actor,
        village=resident.village,
        action="resident.family_changed",
        object_type="resident",
        object_id=resident.public_id,
        changes={"family": [old, family.pk], "family_relation": relation},
    )


@transaction.atomic
def family_split(
    *,
    actor: User | None,
    residents: list[Resident],
    head: Resident,
    kk_number: str = "",
    rt: Rt | None = None,
    address: str = "",
    event_date: dt.date | None = None,
) -> Family:
    """New family (KK baru) for residents without one, or a split (pecah KK) from their family."""
    if not residents or head not in residents:
        raise ValidationError({"head": [_("Kepala keluarga harus termasuk anggota yang dipilih.")]})
    village = head.village
    for r in residents:
        if r.village_id != village.pk:
            raise ApplicationError(_("Semua penduduk harus dari desa yang sama."))
        _require_alive(r)
    family = family_create(
        actor=actor,
        village=village,
        kk_number=kk_number,
        rt=rt or head.rt,
        address=address,
        issued_on=event_date,
    )
    pending = []
    split_events: list[LifeEvent] = []
    for r in residents:
        old_family = r.family_id
        kind = LifeEvent.Kind.FAMILY_SPLIT if old_family else LifeEvent.Kind.NEW_FAMILY
        r.family = family
        r.rt = family.rt
        if r.pk == head.pk:
            r.family_relation = 1
        r.save(update_fields=["family", "rt", "family_relation", "updated_at"])
        split_events.append(
            LifeEvent.objects.create(
                village=village,
                resident=r,
                family=family,
                kind=kind,
                event_date=event_date or timezone.localdate(),
                details={"from_family": old_family},
                recorded_by=actor,
            )
        )
        pending.append(
            PendingEvent(
                "resident.family_changed", "resident", r.public_id, {"family": [old_family, family.pk]}
            )
        )
    family.head = head
    family.save(update_fields=["head", "updated_at"])
    audit_record_many(actor=actor, village=village, events=pending)
    for event in split_events:
        life_event_dispatch(event=event, actor=actor)
    return family


# --- Households (rumah tangga) ----------------------------------------------------------


@transaction.atomic
def household_create(
    *,
    actor: User | None,
    head: Resident,
    number: str = "",
    members: list[Resident] | None = None,
) -> Household:
    """A household around its head; by default the head's whole family joins it."""
    village = head.village
    _require_alive(head)
    if not number:
        last = Household.objects.filter(village=village).count()
        number = f"{village.code_digits}{last + 1:05d}"
    elif Household.objects.filter(village=village, number=number).exists():
        raise ValidationError({"number": [_("Nomor rumah tangga ini sudah dipakai di desa ini.")]})
    household = Household.objects.create(
        village=village,
        number=number,
        head=head,
        rt=head.rt,
        address=head.family.address if head.family else "",
    )
    if members is None:
        members = list(head.family.members.filter(status=codes.STATUS_ALIVE)) if head.family else [head]
    for member in members:
        if member.village_id != village.pk:
            raise ValidationError({"members": [_("Anggota rumah tangga harus dari desa yang sama.")]})
        member.household = household
        member.household_relation = 1 if member.pk == head.pk else 2
    Resident.objects.bulk_update(members, ["household", "household_relation"])
    audit_record(
        actor=actor,
        village=village,
        action="household.created",
        object_type="household",
        object_id=household.public_id,
        changes={"number": number, "head": head.public_id, "members": [m.public_id for m in members]},
    )
    return household


@transaction.atomic
def household_set_members(
    *,
    actor: User | None,
    household: Household,
    add: list[Resident],
    remove: list[Resident],
) -> None:
    for r in add:
        if r.village_id != household.village_id:
            raise ValidationError({"members": [_("Anggota rumah tangga harus dari desa yang sama.")]})
        r.household, r.household_relation = household, 2
    for r in remove:
        if r.household_id != household.pk:
            raise ValidationError(
                {"members": [_("%(name)s bukan anggota rumah tangga ini.") % {"name": r.name}]}
            )
        if r.pk == household.head_id:
            raise ApplicationError(_("Kepala rumah tangga tidak dapat dikeluarkan."))
        r.household, r.household_relation = None, None
    Resident.objects.bulk_update(add + remove, ["household", "household_relation"])
    audit_record(
        actor=actor,
        village=household.village,
        action="household.members_changed",
        object_type="household",
        object_id=household.public_id,
        changes={"added": [r.public_id for r in add], "removed": [r.public_id for r in remove]},
    )


# --- Duplicates -------------------------------------------------------------------------


def _ordered(a: Resident, b: Resident) -> tuple[Resident, Resident]:
    return (a, b) if a.pk < b.pk else (b, a)


@transaction.atomic
def duplicate_dismiss(*, actor: User | None, first: Resident, second: Resident) -> None:
    if first.village_id != second.village_id:
        raise ApplicationError(_("Kedua penduduk harus dari desa yang sama."))
    a, b = _ordered(first, second)
    DuplicateDecision.objects.get_or_create(
        first=a,
        second=b,
        defaults={
            "village_id": a.village_id,
            "decision": DuplicateDecision.Decision.DISMISSED,
            "decided_by": actor,
        },
    )
    audit_record(
        actor=actor,
        village=a.village,
        action="duplicate.dismissed",
        object_type="resident",
        object_id=a.public_id,
        changes={"other": b.public_id},
    )


@transaction.atomic
def duplicate_merge(*, actor: User | None, keep: Resident, remove: Resident) -> Resident:
    """Keep one record; fill its empty fields from the other, which becomes TIDAK VALID."""
    if keep.village_id != remove.village_id or keep.pk == remove.pk:
        raise ApplicationError(_("Kedua penduduk harus berbeda dan dari desa yang sama."))
    filled = {}
    for name in RESIDENT_FIELDS:
        if name == "nik":
            continue
        if getattr(keep, name) in ("", None) and getattr(remove, name) not in ("", None):
            filled[name] = getattr(remove, name)
    old_status = remove.status
    remove.status = codes.STATUS_INVALID
    remove.save(update_fields=["status", "updated_at"])
    if filled:
        resident_update(actor=actor, resident=keep, data=filled)
    LifeEvent.objects.filter(resident=remove).update(resident=keep)
    LifeEvent.objects.create(
        village=keep.village,
        resident=keep,
        family=keep.family,
        kind=LifeEvent.Kind.CORRECTION,
        event_date=timezone.localdate(),
        details={"merged_from": remove.public_id},
        recorded_by=actor,
    )
    a, b = _ordered(keep, remove)
    DuplicateDecision.objects.update_or_create(
        first=a,
        second=b,
        defaults={
            "village_id": a.village_id,
            "decision": DuplicateDecision.Decision.MERGED,
            "decided_by": actor,
        },
    )
    audit_record(
        actor=actor,
        village=keep.village,
        action="resident.merged",
        object_type="resident",
        object_id=keep.public_id,
        changes={
            "removed": remove.public_id,
            "removed_status": [old_status, codes.STATUS_INVALID],
            "filled": {k: audit_value(v) for k, v in filled.items()},
        },
    )
    return keep


__all__ = ["normalize_name"]
