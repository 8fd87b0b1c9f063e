"""Naming the ketua RT (issue 23 item 2): the operator picks a living resident of the RT, who
gets a ketua_rt account (new, or the one they had before) with a one-time password; replacing or
ending a head closes their row and takes the role from an account that leads no RT any more.

One current head per RT (a partial unique constraint backs the check under concurrency); every
step is audited in the village's chain and keeps `Rt.head_name` (the address book's ketua RT)
in step."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.accounts.models import Role, User
from balai.accounts.scope import user_can
from balai.accounts.services import user_create, user_deactivate, user_password_reset, user_reactivate
from balai.audit.services import audit_record
from balai.core.errors import ApplicationError, NotAllowed
from balai.letters.models import RtHead
from balai.letters.selectors import RT_HEAD_MIN_AGE
from balai.people import codes
from balai.people.models import Resident
from balai.regions.models import Rt, Village

CAPABILITY = "letters.rt_heads"


@dataclass
class Appointed:
    head: RtHead
    username: str
    # The one-time password to hand over (the owner must replace it at the first sign-in).
    password: str
    account_created: bool


def _check_actor(actor: User, village: Village) -> None:
    if not user_can(actor, CAPABILITY) or actor.village_id != village.pk:
        raise NotAllowed(_("Hanya operator desa yang dapat menetapkan ketua RT."))


def _check_resident(*, village: Village, rt: Rt, resident: Resident) -> None:
    if rt.village_id != village.pk or resident.village_id != village.pk:
        raise ValidationError({"resident": _("Penduduk ini bukan warga desa ini.")})
    if resident.status != codes.STATUS_ALIVE:
        raise ValidationError(
            {
                "resident": _(
                    "%(name)s tercatat %(status)s: hanya penduduk yang hidup dapat menjadi ketua RT."
                )
                % {"name": resident.name, "status": resident.get_status_display().lower()}
            }
        )
    if resident.rt_id != rt.pk:
        raise ValidationError(
            {"resident": _("%(name)s bukan warga RT %(rt)s.") % {"name": resident.name, "rt": str(rt)}}
        )
    age = resident.age_on(timezone.localdate())
    if age is not None and age < RT_HEAD_MIN_AGE and resident.marital_status in (None, 1):
        raise ValidationError(
            {
                "resident": _(
                    "%(name)s baru berumur %(age)s tahun: ketua RT harus penduduk dewasa "
                    "(17 tahun ke atas atau sudah kawin)."
                )
                % {"name": resident.name, "age": age}
            }
        )


def _username_for(rt: Rt, resident: Resident) -> str:
    first = re.sub(r"[^a-z0-9]+", "", (resident.name.split() or ["rt"])[0].lower())[:20] or "rt"
    base = f"rt{rt.rw.zfill(3)}{rt.rt.zfill(3)}.{first}.{rt.village.code.replace('.', '')}"
    name, n = base, 2
    while User.objects.filter(username__iexact=name).exists():
        name, n = f"{base}{n}", n + 1
    return name


def _account(*, actor: User, village: Village, rt: Rt, resident: Resident) -> tuple[User, str, bool]:
    """The resident's earlier ketua RT account when there is one (re-activated with a new one-time
    password), else a new account."""
    earlier = (
        RtHead.objects.filter(village=village, resident=resident)
        .select_related("user")
        .order_by("-created_at")
        .first()
    )
    if earlier is not None:
        user = earlier.user
        if user.role not in ("", Role.KETUA_RT) or user.village_id != village.pk:
            raise ApplicationError(
                _("Akun %(username)s sudah dipakai untuk peran lain.") % {"username": user.username}
            )
        if user.is_active and user.role == Role.KETUA_RT:
            # Already heads another RT: the same account, its password unchanged.
            return user, "", False
        if user.role != Role.KETUA_RT:
            user.role = Role.KETUA_RT
            user.save(update_fields=["role"])
        user_reactivate(actor=actor, user=user)
        password = user_password_reset(actor=actor, user=user)
        return user, password, False
    user, password = user_create(
        actor=actor,
        username=_username_for(rt, resident),
        full_name=resident.name,
        role=Role.KETUA_RT,
        village=village,
    )
    return user, password, True


def _current(rt: Rt) -> RtHead | None:
    return RtHead.objects.filter(rt=rt, ended_at__isnull=True).select_related("user", "resident").first()


def _appoint(*, actor: User, village: Village, rt: Rt, resident: Resident) -> Appointed:
    current = _current(rt)
    if current is not None:
        raise ApplicationError(
            _("RT %(rt)s sudah punya ketua (%(name)s). Ganti atau akhiri dulu.")
            % {
                "rt": str(rt),
                "name": current.resident.name if current.resident else current.user.get_full_name(),
            }
        )
    user, password, created = _account(actor=actor, village=village, rt=rt, resident=resident)
    try:
        with transaction.atomic():
            head = RtHead.objects.create(village=village, rt=rt, user=user, resident=resident)
    except IntegrityError:
        raise ApplicationError(
            _("RT ini baru saja diberi ketua oleh petugas lain. Muat ulang halaman.")
        ) from None
    Rt.objects.filter(pk=rt.pk).update(head_name=resident.name[:120])
    audit_record(
        actor=actor,
        village=village,
        action="rt_head.appointed",
        object_type="rt",
        object_id=rt.public_id,
        changes={
            "rt": str(rt),
            "resident": resident.public_id,
            "username": user.username,
            "account": "created" if created else "relinked",
        },
    )
    return Appointed(head=head, username=user.username, password=password, account_created=created)


def _end(*, actor: User, village: Village, head: RtHead, reason: str, action: str) -> None:
    head.ended_at, head.ended_by, head.end_reason = timezone.now(), actor, reason
    head.save(update_fields=["ended_at", "ended_by", "end_reason", "updated_at"])
    user = head.user
    still_heads = RtHead.objects.filter(user=user, ended_at__isnull=True).exists()
    if not still_heads and user.role == Role.KETUA_RT:
        # The account loses the role (and with it the /rt/ page and every pengantar).
        user.role = ""
        user.save(update_fields=["role"])
        user_deactivate(actor=actor, user=user)
    Rt.objects.filter(pk=head.rt_id).update(head_name="")
    audit_record(
        actor=actor,
        village=village,
        action=action,
        object_type="rt",
        object_id=head.rt.public_id,
        changes={
            "rt": str(head.rt),
            "resident": head.resident.public_id if head.resident else "",
            "username": user.username,
            "reason": reason,
            "account": "kept" if still_heads else "role removed",
        },
    )


def _reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(
            {"reason": _("Tuliskan alasan (misalnya masa jabatan berakhir, mengundurkan diri).")}
        )
    if len(reason) > 255:
        raise ValidationError({"reason": _("Alasan paling banyak 255 karakter.")})
    return reason


def _locked_rt(village: Village, rt: Rt) -> Rt:
    if rt.village_id != village.pk:
        raise Rt.DoesNotExist
    # One operator at a time per RT: the second waits, then sees the first one's head.
    return Rt.objects.select_for_update().select_related("village", "dusun").get(pk=rt.pk)


@transaction.atomic
def rt_head_appoint(*, actor: User, village: Village, rt: Rt, resident: Resident) -> Appointed:
    """Name `resident` ketua of `rt`, which has none now."""
    _check_actor(actor, village)
    rt = _locked_rt(village, rt)
    _check_resident(village=village, rt=rt, resident=resident)
    return _appoint(actor=actor, village=village, rt=rt, resident=resident)


@transaction.atomic
def rt_head_replace(*, actor: User, village: Village, rt: Rt, resident: Resident, reason: str) -> Appointed:
    """End the current head (audited, their account loses the role) and name `resident`."""
    _check_actor(actor, village)
    rt = _locked_rt(village, rt)
    reason = _reason(reason)
    _check_resident(village=village, rt=rt, resident=resident)
    current = _current(rt)
    if current is None:
        raise ApplicationError(_("RT ini belum punya ketua: tetapkan saja."))
    if current.resident_id == resident.pk:
        raise ValidationError({"resident": _("%(name)s sudah ketua RT ini.") % {"name": resident.name}})
    _end(actor=actor, village=village, head=current, reason=reason, action="rt_head.replaced")
    return _appoint(actor=actor, village=village, rt=rt, resident=resident)


@transaction.atomic
def rt_head_end(*, actor: User, village: Village, rt: Rt, reason: str) -> RtHead:
    """End the RT's current head without a successor."""
    _check_actor(actor, village)
    rt = _locked_rt(village, rt)
    reason = _reason(reason)
    current = _current(rt)
    if current is None:
        raise ApplicationError(_("RT ini tidak punya ketua."))
    _end(actor=actor, village=village, head=current, reason=reason, action="rt_head.ended")
    return current
