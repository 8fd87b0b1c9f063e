"""Welfare data: household surveys and the official DTSEN deciles, one by one or as a
received list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.aid.models import OfficialDecile, WelfareSurvey
from balai.aid.services.common import AidError
from balai.audit.services import PendingEvent, audit_record, audit_record_many
from balai.core.masking import mask_number
from balai.core.services import audit_value
from balai.people.models import Family, Household
from balai.regions.models import Village

if TYPE_CHECKING:
    from balai.accounts.models import User


SURVEY_FIELDS = [
    "surveyed_on",
    "enumerator_name",
    "ownership",
    "floor_area_m2",
    "floor",
    "wall",
    "roof",
    "water",
    "sanitation",
    "energy",
    "cooking_fuel",
    "electricity_va",
    "has_motorcycle",
    "has_car",
    "has_refrigerator",
    "has_gold_savings",
    "land_m2",
    "livestock_units",
    "income_sources",
    "monthly_income",
    "has_disabled_member",
    "has_chronic_illness",
    "elderly_alone",
    "female_head",
    "notes",
]


@transaction.atomic
def welfare_survey_record(
    *,
    actor: User | None,
    village: Village,
    family: Family,
    data: dict[str, Any],
) -> WelfareSurvey:
    """A new survey of the family's household (or of the family when it has none). The previous
    survey stays as history."""
    if family.village_id != village.pk:
        raise AidError(_("Keluarga bukan warga desa ini."))
    household: Household | None = None
    if family.head_id is not None and family.head is not None and family.head.household_id is not None:
        household = family.head.household
    if data["surveyed_on"] > timezone.localdate():
        raise AidError(_("Tanggal pendataan tidak boleh di masa depan."))
    current = WelfareSurvey.objects.select_for_update().filter(is_latest=True)
    current = (
        current.filter(household=household) if household else current.filter(family=family, household=None)
    )
    previous = current.first()
    if previous is not None and previous.surveyed_on > data["surveyed_on"]:
        raise AidError(
            _("Sudah ada pendataan yang lebih baru (%(date)s); data lama tidak dapat menggantikannya.")
            % {"date": previous.surveyed_on.strftime("%d-%m-%Y")}
        )
    current.update(is_latest=False)
    survey = WelfareSurvey(
        village=village,
        household=household,
        family=family,
        enumerator=actor,
        **{k: data[k] for k in SURVEY_FIELDS if k in data},
    )
    survey.save()
    audit_record(
        actor=actor,
        village=village,
        action="aid.welfare_surveyed",
        object_type="aid_welfare_survey",
        object_id=survey.public_id,
        changes={"family": family.public_id} | {k: audit_value(data[k]) for k in SURVEY_FIELDS if k in data},
    )
    return survey


@transaction.atomic
def decile_record(
    *,
    actor: User | None,
    village: Village,
    family: Family,
    decile: int,
    received_on: dt.date,
    source: str,
    reference_period: str = "",
) -> OfficialDecile:
    """Store the official DTSEN decile exactly as received (Balai never computes one)."""
    if family.village_id != village.pk:
        raise AidError(_("Keluarga bukan warga desa ini."))
    if not 1 <= decile <= 10:
        raise AidError(_("Desil harus 1 sampai 10."))
    if not source.strip():
        raise AidError(_("Sumber data desil harus diisi."))
    OfficialDecile.objects.select_for_update().filter(family=family, is_latest=True).update(is_latest=False)
    row = OfficialDecile.objects.create(
        village=village,
        family=family,
        decile=decile,
        received_on=received_on,
        source=source.strip(),
        reference_period=reference_period.strip(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        village=village,
        action="aid.decile_recorded",
        object_type="aid_decile",
        object_id=row.public_id,
        changes={
            "family": family.public_id,
            "decile": decile,
            "received_on": received_on.isoformat(),
            "source": source,
        },
    )
    return row


@dataclass(frozen=True)
class DecileRow:
    row: int  # row number in the file, for messages
    kk_number: str
    decile: str


@transaction.atomic
def deciles_import(
    *,
    actor: User | None,
    village: Village,
    rows: Sequence[DecileRow],
    received_on: dt.date,
    source: str,
    reference_period: str = "",
) -> int:
    """Store a received DTSEN decile list (No. KK + desil) for this village's families, all or
    nothing: any unknown KK, another village's KK, a bad decile or a KK listed twice refuses
    the whole file with every problem named by row."""
    if not source.strip():
        raise AidError(_("Sumber data desil harus diisi."))
    if received_on > timezone.localdate():
        raise AidError(_("Tanggal diterima tidak boleh di masa depan."))
    if not rows:
        raise AidError(_("Berkas tidak berisi baris data."))
    kks = {r.kk_number.strip() for r in rows}
    found = list(
        Family.objects.filter(village=village, kk_number__in=kks).values_list("kk_number", "pk", "public_id")
    )
    families = {kk: pk for kk, pk, _p in found}
    public = {pk: p for _kk, pk, p in found}
    problems: list[str] = []
    seen: dict[str, int] = {}
    parsed: list[tuple[int, int]] = []
    for r in rows:
        kk = r.kk_number.strip()
        label = _("Baris %(n)s") % {"n": r.row}
        if kk in seen:
            problems.append(
                _("%(row)s: No. KK %(kk)s sudah ada di baris %(first)s.")
                % {"row": label, "kk": mask_number(kk), "first": seen[kk]}
            )
            continue
        seen[kk] = r.row
        fid = families.get(kk)
        if fid is None:
            problems.append(
                _("%(row)s: No. KK %(kk)s tidak ditemukan di desa ini.")
                % {"row": label, "kk": mask_number(kk) or "—"}
            )
            continue
        try:
            value = int(float(str(r.decile).strip()))
        except ValueError:
            value = 0
        if not 1 <= value <= 10:
            problems.append(
                _("%(row)s: desil \u201c%(d)s\u201d harus 1 sampai 10.") % {"row": label, "d": r.decile}
            )
            continue
        parsed.append((fid, value))
    if problems:
        shown = problems[:20]
        if len(problems) > 20:
            shown.append(_("… dan %(n)s masalah lain.") % {"n": len(problems) - 20})
        raise AidError(
            _("Berkas ditolak, tidak ada yang disimpan. ") + " ".join(shown), extra={"problems": problems}
        )
    family_ids = [fid for fid, _d in parsed]
    OfficialDecile.objects.filter(village=village, family_id__in=family_ids, is_latest=True).update(
        is_latest=False
    )
    created = OfficialDecile.objects.bulk_create(
        [
            OfficialDecile(
                village=village,
                family_id=fid,
                decile=d,
                received_on=received_on,
                source=source.strip(),
                reference_period=reference_period.strip(),
                recorded_by=actor,
            )
            for fid, d in parsed
        ],
        batch_size=500,
    )
    audit_record(
        actor=actor,
        village=village,
        action="aid.deciles_imported",
        object_type="aid_decile",
        changes={"rows": len(created), "source": source.strip(), "received_on": received_on.isoformat()},
    )
    audit_record_many(
        actor=actor,
        village=village,
        events=[
            PendingEvent(
                action="aid.decile_recorded",
                object_type="aid_decile",
                object_id=row.public_id,
                changes={"family": public[row.family_id], "decile": row.decile},
            )
            for row in created
        ],
    )
    return len(created)
