"""Writes of the education module. Every change to a child's record is audited."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from balai.audit.services import audit_record
from balai.core.errors import ApplicationError
from balai.core.services import model_update
from balai.education import rules
from balai.education.models import (
    GRADES,
    AbsenceReport,
    Enrolment,
    FollowUp,
    Scholarship,
    School,
    VillageSummary,
    npsn_validator,
)
from balai.people import codes
from balai.people.models import Resident
from balai.regions.models import Village

if TYPE_CHECKING:
    from balai.accounts.models import User

SCHOOL_FIELDS = ("name", "npsn", "level", "status", "address")


def _check_child(*, village: Village, resident: Resident) -> None:
    # Selectors already scope by village; this guards callers that did not (API, scripts).
    if resident.village_id != village.pk:
        raise Resident.DoesNotExist
    if resident.status != codes.STATUS_ALIVE:
        raise ApplicationError(
            _("Penduduk ini tidak berstatus hidup; data pendidikannya tidak dapat diubah.")
        )


def _clean_school(*, village: Village, data: dict[str, Any], exclude: int | None = None) -> dict[str, Any]:
    clean = {k: data.get(k, "") for k in SCHOOL_FIELDS}
    clean["name"] = " ".join(str(clean["name"]).split())
    clean["npsn"] = str(clean["npsn"]).strip()
    errors: dict[str, list[str]] = {}
    if not clean["name"]:
        errors["name"] = [_("Nama sekolah wajib diisi.")]
    try:
        npsn_validator(clean["npsn"])
    except ValidationError as exc:
        errors["npsn"] = [str(m) for m in exc.messages]
    else:
        taken = School.objects.filter(village=village, npsn=clean["npsn"])
        if exclude is not None:
            taken = taken.exclude(pk=exclude)
        if taken.exists():
            errors["npsn"] = [_("NPSN %(npsn)s sudah tercatat untuk sekolah lain.") % {"npsn": clean["npsn"]}]
    if clean["level"] not in GRADES:
        errors["level"] = [_("Jenjang sekolah tidak dikenal.")]
    if clean["status"] not in School.Status.values:
        errors["status"] = [_("Status sekolah harus negeri atau swasta.")]
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def school_create(*, actor: User | None, village: Village, data: dict[str, Any]) -> School:
    clean = _clean_school(village=village, data=data)
    school = School.objects.create(village=village, **clean)
    audit_record(
        actor=actor,
        village=village,
        action="education.school_created",
        object_type="school",
        object_id=school.public_id,
        changes=clean,
    )
    return school


@transaction.atomic
def school_update(*, actor: User | None, school: School, data: dict[str, Any]) -> School:
    clean = _clean_school(village=school.village, data=data, exclude=school.pk)
    if clean["level"] != school.level and school.enrolments.exists():
        raise ValidationError(
            {"level": [_("Jenjang tidak dapat diubah: sudah ada siswa tercatat di sekolah ini.")]}
        )
    changes = model_update(instance=school, fields=list(clean), data=clean)
    if changes:
        audit_record(
            actor=actor,
            village=school.village,
            action="education.school_updated",
            object_type="school",
            object_id=school.public_id,
            changes=changes.for_audit(),
        )
    return school


def _summaries_stale(village: Village) -> None:
    # The regency page's stored counts of this village no longer hold.
    VillageSummary.objects.filter(village=village).delete()


def refresh_flags(*, resident: Resident) -> None:
    """Recompute `is_latest` and `repeated` of a child's enrolments after any change."""
    rows = list(Enrolment.objects.filter(resident=resident).order_by("school_year", "pk"))
    if not rows:
        return
    flags = rules.repeated_flags([(e.school_year, e.grade, e.level) for e in rows])
    # Clear first: the partial unique index allows one latest row at any moment.
    Enrolment.objects.filter(resident=resident, is_latest=True).exclude(pk=rows[-1].pk).update(
        is_latest=False
    )
    for i, (e, repeated) in enumerate(zip(rows, flags, strict=True)):
        latest = i == len(rows) - 1
        if e.is_latest != latest or e.repeated != repeated:
            Enrolment.objects.filter(pk=e.pk).update(is_latest=latest, repeated=repeated)


def _clean_enrolment(
    *, school: School, school_year: int, grade: int, enrolled_year: int, status: str, today: dt.date
) -> None:
    errors: dict[str, list[str]] = {}
    if grade not in GRADES[school.level]:
        allowed = GRADES[school.level]
        errors["grade"] = [
            _("Kelas %(grade)s tidak ada di jenjang %(level)s (kelas %(lo)s–%(hi)s).")
            % {
                "grade": grade,
                "level": school.get_level_display(),
                "lo": allowed.start,
                "hi": allowed.stop - 1,
            }
        ]
    current = rules.school_year_of(today)
    if not 2000 <= school_year <= current + 1:
        errors["school_year"] = [
            _("Tahun ajaran harus antara 2000 dan %(last)s.") % {"last": f"{current + 1}/{current + 2}"}
        ]
    if enrolled_year > school_year or enrolled_year < 1990:
        errors["enrolled_year"] = [_("Tahun masuk tidak boleh sesudah tahun ajaran.")]
    if status not in Enrolment.Status.values:
        errors["status"] = [_("Status pendaftaran tidak dikenal.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def enrolment_record(
    *,
    actor: User | None,
    village: Village,
    resident: Resident,
    school: School,
    school_year: int,
    grade: int,
    enrolled_year: int,
    status: str = Enrolment.Status.ACTIVE,
    note: str = "",
    today: dt.date | None = None,
) -> Enrolment:
    _check_child(village=village, resident=resident)
    if school.village_id != village.pk:
        raise School.DoesNotExist
    _clean_enrolment(
        school=school,
        school_year=school_year,
        grade=grade,
        enrolled_year=enrolled_year,
        status=status,
        today=today or dt.date.today(),
    )
    if Enrolment.objects.filter(resident=resident, school=school, school_year=school_year).exists():
        raise ValidationError(
            {
                "school": [
                    _("Anak ini sudah tercatat di sekolah ini pada tahun ajaran yang sama; ubah statusnya.")
                ]
            }
        )
    Enrolment.objects.filter(resident=resident, is_latest=True).update(is_latest=False)
    enrolment = Enrolment.objects.create(
        village=village,
        resident=resident,
        school=school,
        level=school.level,
        school_year=school_year,
        grade=grade,
        enrolled_year=enrolled_year,
        status=status,
        note=note,
        recorded_by=actor,
        is_latest=False,
    )
    refresh_flags(resident=resident)
    _summaries_stale(village)
    audit_record(
        actor=actor,
        village=village,
        action="education.enrolment_recorded",
        object_type="resident",
        object_id=resident.public_id,
        changes={
            "enrolment": enrolment.public_id,
            "school": school.public_id,
            "school_year": school_year,
            "grade": grade,
            "enrolled_year": enrolled_year,
            "status": status,
        },
    )
    enrolment.refresh_from_db()
    return enrolment


@transaction.atomic
def enrolment_set_status(
    *, actor: User | None, enrolment: Enrolment, status: str, note: str = ""
) -> Enrolment:
    if status not in Enrolment.Status.values:
        raise ValidationError({"status": [_("Status pendaftaran tidak dikenal.")]})
    _check_child(village=enrolment.village, resident=enrolment.resident)
    old = enrolment.status
    if old == status and note == enrolment.note:
        return enrolment
    enrolment.status = status
    enrolment.note = note
    enrolment.save(update_fields=["status", "note", "updated_at"])
    _summaries_stale(enrolment.village)
    audit_record(
        actor=actor,
        village=enrolment.village,
        action="education.enrolment_status",
        object_type="resident",
        object_id=enrolment.resident.public_id,
        changes={"enrolment": enrolment.public_id, "status": [old, status], "note": note},
    )
    return enrolment


@transaction.atomic
def absence_report(
    *,
    actor: User | None,
    village: Village,
    resident: Resident,
    reported_on: dt.date,
    reporter: str,
    days_absent: int,
    note: str = "",
) -> AbsenceReport:
    _check_child(village=village, resident=resident)
    errors: dict[str, list[str]] = {}
    if not reporter.strip():
        errors["reporter"] = [_("Pelapor (sekolah atau kader) wajib diisi.")]
    if days_absent < 1:
        errors["days_absent"] = [_("Jumlah hari tidak masuk minimal 1.")]
    if reported_on > dt.date.today():
        errors["reported_on"] = [_("Tanggal laporan tidak boleh di masa depan.")]
    if errors:
        raise ValidationError(errors)
    report = AbsenceReport.objects.create(
        village=village,
        resident=resident,
        reported_on=reported_on,
        reporter=reporter.strip(),
        days_absent=days_absent,
        note=note,
        recorded_by=actor,
    )
    _summaries_stale(village)
    audit_record(
        actor=actor,
        village=village,
        action="education.absence_reported",
        object_type="resident",
        object_id=resident.public_id,
        changes={"report": report.public_id, "reported_on": reported_on, "days_absent": days_absent},
    )
    return report


@transaction.atomic
def scholarship_set(
    *,
    actor: User | None,
    village: Village,
    resident: Resident,
    year: int,
    status: str,
    kip_number: str = "",
    note: str = "",
) -> Scholarship:
    _check_child(village=village, resident=resident)
    if status not in Scholarship.Status.values:
        raise ValidationError({"status": [_("Status PIP tidak dikenal.")]})
    if not 2010 <= year <= dt.date.today().year + 1:
        raise ValidationError({"year": [_("Tahun PIP tidak masuk akal.")]})
    kip_number = kip_number.strip()
    if kip_number and not kip_number.replace(" ", "").isalnum():
        raise ValidationError({"kip_number": [_("Nomor KIP hanya berisi huruf dan angka.")]})
    existing = Scholarship.objects.filter(resident=resident, year=year).first()
    before = None if existing is None else existing.status
    if existing is None:
        item = Scholarship.objects.create(
            village=village,
            resident=resident,
            year=year,
            status=status,
            kip_number=kip_number,
            note=note,
            recorded_by=actor,
        )
    else:
        item = existing
        item.status, item.kip_number, item.note, item.recorded_by = status, kip_number, note, actor
        item.save()
    _summaries_stale(village)
    audit_record(
        actor=actor,
        village=village,
        action="education.pip_set",
        object_type="resident",
        object_id=resident.public_id,
        changes={"year": year, "status": [before, status], "kip_number_set": bool(kip_number)},
    )
    return item


@transaction.atomic
def followup_add(
    *,
    actor: User | None,
    village: Village,
    resident: Resident,
    noted_on: dt.date,
    outcome: str,
    note: str = "",
) -> FollowUp:
    _check_child(village=village, resident=resident)
    errors: dict[str, list[str]] = {}
    if outcome not in FollowUp.Outcome.values:
        errors["outcome"] = [_("Hasil tindak lanjut tidak dikenal.")]
    if noted_on > dt.date.today():
        errors["noted_on"] = [_("Tanggal tindak lanjut tidak boleh di masa depan.")]
    if errors:
        raise ValidationError(errors)
    item = FollowUp.objects.create(
        village=village, resident=resident, noted_on=noted_on, outcome=outcome, note=note, recorded_by=actor
    )
    audit_record(
        actor=actor,
        village=village,
        action="education.followup_added",
        object_type="resident",
        object_id=resident.public_id,
        changes={"followup": item.public_id, "noted_on": noted_on, "outcome": outcome, "note": note},
    )
    return item


def follow_up_list_exported(
    *, actor: User | None, village: Village, rows: int, filters: dict[str, Any]
) -> None:
    """A spreadsheet of named children left the system: who took it, with which filters."""
    audit_record(
        actor=actor,
        village=village,
        action="education.followup_exported",
        object_type="education_followup_list",
        object_id=village.code,
        changes={"rows": rows, "filters": filters},
    )
