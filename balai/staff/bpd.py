"""The Badan Permusyawaratan Desa (village council): members and their terms.

BPD members are not perangkat desa: they are elected per area, serve a fixed term
(`rules.BPD_TERM`), and the council has one ketua at a time.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext as _

from balai.audit.services import audit_record
from balai.core.services import model_update
from balai.regions.models import Village
from balai.staff import rules
from balai.staff.models import BpdMember

if TYPE_CHECKING:
    from balai.accounts.models import User

FIELDS = [
    "name",
    "role",
    "area",
    "sex",
    "term_start",
    "term_end",
    "decree_number",
    "decree_date",
    "is_active",
]
ROLE_ORDER = Case(
    *(When(role=role, then=Value(n)) for n, role in enumerate(BpdMember.Role.values)),
    output_field=IntegerField(),
)


def _day(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _clean(*, village: Village, data: dict[str, Any], current: BpdMember | None) -> dict[str, Any]:
    def get(name: str, default: Any = None) -> Any:
        return data[name] if name in data else getattr(current, name, default) if current else default

    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for name, limit in (("name", 120), ("area", 120), ("decree_number", 80)):
        out[name] = " ".join(str(get(name, "") or "").split())
        if len(out[name]) > limit:
            errors[name] = _("Paling banyak %(n)d karakter.") % {"n": limit}
    if not out["name"]:
        errors["name"] = _("Nama wajib diisi.")
    out["role"] = str(get("role", BpdMember.Role.MEMBER) or BpdMember.Role.MEMBER)
    if out["role"] not in BpdMember.Role.values:
        errors["role"] = _("Jabatan BPD tidak dikenal.")
    sex = get("sex")
    out["sex"] = int(sex) if str(sex) in ("1", "2") else None
    out["is_active"] = bool(get("is_active", True))
    for name in ("term_start", "term_end", "decree_date"):
        raw = get(name)
        out[name] = _day(raw)
        if raw not in (None, "") and out[name] is None:
            errors[name] = _("Tanggal tidak valid.")
    start = out["term_start"]
    if start is None:
        errors.setdefault("term_start", _("Awal masa keanggotaan wajib diisi."))
    elif out["term_end"] is None:
        out["term_end"] = rules.add_years(start, rules.BPD_TERM.years) - dt.timedelta(days=1)
    end = out["term_end"]
    if start and end:
        if end < start:
            errors["term_end"] = _("Akhir masa keanggotaan tidak boleh sebelum awalnya.")
        elif end > rules.add_years(start, rules.BPD_TERM.years):
            errors["term_end"] = _("Masa keanggotaan BPD paling lama %(n)d tahun (%(basis)s).") % {
                "n": rules.BPD_TERM.years,
                "basis": rules.BPD_TERM.basis,
            }
    if out["decree_date"] and start and out["decree_date"] > start + dt.timedelta(days=366):
        errors["decree_date"] = _("Tanggal SK peresmian jauh setelah awal masa keanggotaan.")
    if errors:
        raise ValidationError(errors)
    if out["role"] == BpdMember.Role.CHAIR and out["is_active"]:
        chairs = BpdMember.objects.filter(
            village=village,
            role=BpdMember.Role.CHAIR,
            is_active=True,
            term_start__lte=end,
            term_end__gte=start,
        )
        if current is not None:
            chairs = chairs.exclude(pk=current.pk)
        if (other := chairs.first()) is not None:
            raise ValidationError(
                {"role": _("%(name)s sudah ketua BPD pada periode ini.") % {"name": other.name}}
            )
    return out


@transaction.atomic
def bpd_member_create(*, actor: User | None, village: Village, data: dict[str, Any]) -> BpdMember:
    values = _clean(village=village, data=data, current=None)
    member = BpdMember.objects.create(village=village, **values)
    audit_record(
        actor=actor,
        village=village,
        action="bpd.member_created",
        object_type="bpd_member",
        object_id=member.public_id,
        changes={
            k: v.isoformat() if isinstance(v, dt.date) else v
            for k, v in values.items()
            if v not in ("", None)
        },
    )
    return member


@transaction.atomic
def bpd_member_update(*, actor: User | None, member: BpdMember, data: dict[str, Any]) -> BpdMember:
    values = _clean(village=member.village, data=data, current=member)
    changes = model_update(instance=member, fields=list(values), data=values)
    if changes:
        audit_record(
            actor=actor,
            village=member.village,
            action="bpd.member_updated",
            object_type="bpd_member",
            object_id=member.public_id,
            changes=changes.for_audit(),
        )
    return member


def bpd_members(*, village: Village, on: dt.date | None = None) -> QuerySet[BpdMember]:
    """Members serving on `on` (all members, newest term first, without it)."""
    qs = BpdMember.objects.filter(village=village)
    if on is not None:
        qs = qs.filter(is_active=True, term_start__lte=on, term_end__gte=on)
    return qs.annotate(role_order=ROLE_ORDER).order_by("-term_start", "role_order", "name", "pk")


def bpd_member_get(*, village: Village, public_id: str) -> BpdMember:
    return BpdMember.objects.filter(village=village).get(public_id=public_id)
