"""Writes of the regency module: freezing a month's figures, switching villages on."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.accounts.models import Role, User
from balai.accounts.services import user_create
from balai.audit.services import audit_record
from balai.core.dates import Month
from balai.regency.figures import count_figures
from balai.regency.models import VillageSnapshot
from balai.regions.models import Village
from balai.regions.selectors import region_names, village_list
from balai.regions.services import village_add


@dataclass
class SnapshotResult:
    month: Month
    created: int = 0
    kept: int = 0  # already frozen for that month: left as they were
    seconds: float = 0.0


def snapshot_month_check(month: Month, *, today: dt.date) -> None:
    """Only the running month and the one just ended can be counted from today's registry:
    an older month's population is gone (people have moved, died, been born since)."""
    current = Month.of(today)
    if month > current:
        raise ValidationError(
            {"month": _("Bulan %(month)s belum tiba; snapshot tidak dapat diambil.") % {"month": month.label}}
        )
    if month < current.previous():
        raise ValidationError(
            {
                "month": _(
                    "Snapshot %(month)s tidak dapat diambil lagi: data penduduk hari ini bukan data bulan itu. "
                    "Hanya bulan berjalan dan bulan lalu yang dapat dibekukan."
                )
                % {"month": month.label}
            }
        )


def snapshot_take(
    *,
    actor: User | None,
    month: Month,
    villages: list[Village] | None = None,
    now: dt.datetime | None = None,
) -> SnapshotResult:
    """Freeze `month`'s figures of every active village that has none for it yet.

    Idempotent: a village already frozen for the month keeps its row (figures never change
    after the fact), so running it twice, or from two cron hosts, is safe. Counting is one
    grouped query per table for all villages together.
    """
    import time

    started = time.perf_counter()
    now = now or timezone.now()
    today = timezone.localdate(now)
    snapshot_month_check(month, today=today)
    targets = list(villages) if villages is not None else list(village_list())
    done = set(
        VillageSnapshot.objects.filter(month=month.first, village__in=targets).values_list(
            "village_id", flat=True
        )
    )
    todo = [v for v in targets if v.pk not in done]
    result = SnapshotResult(month=month, kept=len(done))
    if todo:
        # Population as it stands at the month's end: today for the running month, and for the
        # month just ended the registry now (the command runs on the 1st).
        on = min(today, month.last)
        counted = count_figures(village_ids=[v.pk for v in todo], month=month, on=on)
        rows = [
            VillageSnapshot(village=v, month=month.first, taken_at=now, figures=counted[v.pk]) for v in todo
        ]
        try:
            with transaction.atomic():
                VillageSnapshot.objects.bulk_create(rows)
        except IntegrityError:
            # Another run froze some of them meanwhile: keep theirs, add the rest one by one.
            for row in rows:
                _, made = VillageSnapshot.objects.get_or_create(
                    village=row.village,
                    month=row.month,
                    defaults={"taken_at": row.taken_at, "figures": row.figures},
                )
                result.created += int(made)
                result.kept += int(not made)
        else:
            result.created = len(rows)
        audit_record(
            actor=actor,
            village=None,
            action="regency.snapshot_taken",
            object_type="snapshot",
            object_id=str(month),
            changes={"villages": result.created, "kept": result.kept},
        )
    result.seconds = time.perf_counter() - started
    return result


# --- Rollout ------------------------------------------------------------------------------

FIRST_ACCOUNTS: list[tuple[str, str]] = [
    ("operator", Role.OPERATOR),
    ("sekdes", Role.SEKDES),
    ("kades", Role.KADES),
]


@dataclass
class Credential:
    village: str
    username: str
    role: str
    password: str


@dataclass
class ActivationResult:
    villages: list[Village] = field(default_factory=list)
    credentials: list[Credential] = field(default_factory=list)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _free_username(base: str) -> str:
    name, n = base, 2
    while User.objects.filter(username__iexact=name).exists():
        name = f"{base}{n}"
        n += 1
    return name


@transaction.atomic
def villages_activate(*, actor: User, codes: list[str]) -> ActivationResult:
    """Switch a batch of the regency's villages on, each with its first accounts (operator,
    sekretaris, kepala desa), each with a generated one-time password to print and hand over.

    All or nothing: one unknown or already active village refuses the batch, naming it.
    """
    codes = [c.strip() for c in codes if c.strip()]
    if not codes:
        raise ValidationError({"codes": _("Pilih minimal satu desa.")})
    if len(codes) > 50:
        raise ValidationError({"codes": _("Paling banyak 50 desa sekaligus.")})
    names = region_names()
    result = ActivationResult()
    for code in dict.fromkeys(codes):
        try:
            village = village_add(actor=actor, code=code)
        except ValidationError as exc:
            messages = [m for ms in exc.message_dict.values() for m in ms]
            raise ValidationError(
                {
                    "codes": _("%(name)s: %(error)s")
                    % {"name": names.get(code, code), "error": " ".join(messages)}
                }
            ) from exc
        result.villages.append(village)
        for prefix, role in FIRST_ACCOUNTS:
            if User.objects.filter(village=village, role=role, is_active=True).exists():
                continue
            username = _free_username(f"{prefix}.{_slug(village.name)}")
            user, password = user_create(
                actor=actor,
                username=username,
                full_name=f"{Role(role).label} {village.name}",
                role=role,
                village=village,
            )
            _require_password_change(user)
            result.credentials.append(
                Credential(village.name, user.username, str(Role(role).label), password)
            )
        audit_record(
            actor=actor,
            village=village,
            action="regency.village_activated",
            object_type="village",
            object_id=village.code,
            changes={"accounts": [c.username for c in result.credentials if c.village == village.name]},
        )
    return result


def _require_password_change(user: User) -> None:
    """The first sign-in must set a new password: the hardening work's flag when it exists on
    `User`; until then the generated password is one-time by instruction (printed on the sheet)."""
    if hasattr(user, "must_change_password"):
        user.must_change_password = True
        user.save(update_fields=["must_change_password"])


def village_registry_import(*, actor: User, village: Village, upload: Any, apply_valid: bool) -> Any:
    """Dispermades loads a village's OpenSID registry during rollout, through the registry's own
    import (same checks, same all-or-nothing, audited as the Dispermades user)."""
    from balai.people.imports.jobs import import_job_create

    if not village.is_active:
        raise ValidationError({"file": _("Aktifkan desa dulu sebelum mengimpor datanya.")})
    return import_job_create(village=village, actor=actor, upload=upload, apply_valid=apply_valid)
