"""Writes to accounts. Token issue and revocation are audited on the deployment chain."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.accounts import throttle
from balai.accounts.models import ROLE_LEVEL, ApiToken, Role, ScopeLevel, User
from balai.audit.services import audit_record
from balai.core.errors import ApplicationError
from balai.regions.models import Village
from balai.regions.selectors import deployment_regency_code, regency_districts

TOKEN_DAYS_DEFAULT = 90
TOKEN_DAYS_MAX = 365


@transaction.atomic
def api_token_create(
    *, user: User, name: str = "", actor: User | None = None, days: int = TOKEN_DAYS_DEFAULT
) -> tuple[ApiToken, str]:
    """Issue a token for `user`, ending after `days`; the plain key is returned once and never stored."""
    if not user.is_active:
        raise ApplicationError(_("Akun %(username)s tidak aktif.") % {"username": user.get_username()})
    if not 1 <= days <= TOKEN_DAYS_MAX:
        raise ApplicationError(_("Masa berlaku token harus 1–%(max)d hari.") % {"max": TOKEN_DAYS_MAX})
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=key[:8],
        key_hash=ApiToken.hash_key(key),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    # Accounts are deployment-wide, so token events go on the deployment chain.
    audit_record(
        actor=actor,
        village=None,
        action="api_token.created",
        object_type="api_token",
        object_id=token.pk,
        changes={
            "user": user.get_username(),
            "name": token.name,
            "prefix": token.prefix,
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User | None = None) -> None:
    if token.revoked:
        return
    token.revoked = True
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked", "revoked_at"])
    audit_record(
        actor=actor,
        village=None,
        action="api_token.revoked",
        object_type="api_token",
        object_id=token.pk,
        changes={"user": token.user.get_username(), "prefix": token.prefix},
    )


def _revoke_all_tokens(*, actor: User | None, user: User, reason: str) -> int:
    """Every live token of `user` stops working for good (reactivation brings none back)."""
    count = ApiToken.objects.filter(user=user, revoked=False).update(revoked=True, revoked_at=timezone.now())
    if count:
        audit_record(
            actor=actor, village=None, action="api_token.revoked_all", object_type="user", object_id=user.pk,
            changes={"user": user.get_username(), "count": count, "reason": reason},
        )  # fmt: skip
    return count


# --- User administration (Dispermades) ------------------------------------------------------
# Accounts are deployment-wide, so these events go on the deployment chain as tokens do.

# Unambiguous characters only: an initial password is often read out over the phone.
_PASSWORD_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"


def password_generate(length: int = 12) -> str:
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _i in range(length))


def _role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def _check_role_scope(*, role: str, village: Village | None, district_code: str) -> None:
    """A village role needs exactly a village, a camat exactly a district, Dispermades neither."""
    errors: dict[str, str] = {}
    level = ROLE_LEVEL.get(role)
    label = _role_label(role)
    if level is None:
        raise ValidationError({"role": _("Pilih peran pengguna.")})
    if level == ScopeLevel.VILLAGE:
        if village is None:
            errors["village"] = _("Peran %(role)s harus terikat pada satu desa: pilih desanya.") % {
                "role": label
            }
        elif not village.is_active or village.regency_code != deployment_regency_code():
            errors["village"] = _("Desa %(name)s tidak (lagi) dilayani deployment ini.") % {
                "name": village.name
            }
        if district_code:
            errors["district_code"] = _(
                "Peran %(role)s tidak memakai kecamatan; kosongkan pilihan kecamatan."
            ) % {"role": label}
    elif level == ScopeLevel.DISTRICT:
        if village is not None:
            errors["village"] = _(
                "Peran %(role)s membaca semua desa di kecamatannya; kosongkan pilihan desa."
            ) % {"role": label}
        if not district_code:
            errors["district_code"] = _("Peran %(role)s harus memilih kecamatannya.") % {"role": label}
        elif district_code not in dict(regency_districts()):
            errors["district_code"] = _("Kecamatan %(code)s bukan bagian dari kabupaten deployment ini.") % {
                "code": district_code
            }
    else:
        if village is not None:
            errors["village"] = _(
                "Peran %(role)s berlaku untuk seluruh kabupaten; kosongkan pilihan desa."
            ) % {"role": label}
        if district_code:
            errors["district_code"] = _(
                "Peran %(role)s berlaku untuk seluruh kabupaten; kosongkan pilihan kecamatan."
            ) % {"role": label}
    if errors:
        raise ValidationError(errors)


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages})


def _refuse_system_account(user: User) -> None:
    # Superusers are managed from the command line; letting the web admin reset their
    # password would hand the regency desk more power than its role has.
    if user.is_superuser or user.is_staff:
        raise ApplicationError(
            _("Akun %(username)s dikelola lewat baris perintah.") % {"username": user.get_username()}
        )


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    full_name: str,
    role: str,
    village: Village | None = None,
    district_code: str = "",
    password: str = "",
) -> tuple[User, str]:
    """Create a staff account. Returns the user and the generated password ("" if one was given).

    The generated password is returned once for the admin to hand over; only its hash is kept.
    """
    username = username.strip().lower()
    full_name = " ".join(full_name.split())
    district_code = district_code.strip()
    errors: dict[str, str] = {}
    if not username:
        errors["username"] = _("Nama pengguna wajib diisi.")
    else:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            errors["username"] = _("Nama pengguna hanya boleh huruf, angka dan @ . + - _ (tanpa spasi).")
        if len(username) > 150:
            errors["username"] = _("Nama pengguna paling banyak 150 karakter.")
        elif User.objects.filter(username__iexact=username).exists():
            errors["username"] = _("Nama pengguna %(username)s sudah dipakai.") % {"username": username}
    if not full_name:
        errors["full_name"] = _("Nama lengkap wajib diisi.")
    elif len(full_name) > 150:
        errors["full_name"] = _("Nama lengkap paling banyak 150 karakter.")
    try:
        _check_role_scope(role=role, village=village, district_code=district_code)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    user = User(
        username=username,
        first_name=full_name,
        role=role,
        village=village,
        district_code=district_code,
        # Chosen or generated by the admin: the owner replaces it at the first sign-in.
        must_change_password=True,
    )
    generated = ""
    if password:
        _check_password(password, user)
    else:
        password = generated = password_generate()
    user.set_password(password)
    user.save()
    audit_record(
        actor=actor,
        village=None,
        action="user.created",
        object_type="user",
        object_id=user.pk,
        changes={
            "username": username,
            "full_name": full_name,
            "role": role,
            "village": village.code if village else "",
            "district_code": district_code,
            "password": "generated" if generated else "set by admin",
        },
    )
    return user, generated


@transaction.atomic
def user_deactivate(*, actor: User | None, user: User) -> User:
    """Close an account: its sessions and tokens stop working (scope checks `is_active`)."""
    _refuse_system_account(user)
    if actor is not None and actor.pk == user.pk:
        raise ApplicationError(_("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    if not user.is_active:
        return user
    user.is_active = False
    user.save(update_fields=["is_active"])
    _revoke_all_tokens(actor=actor, user=user, reason="deactivated")
    audit_record(
        actor=actor,
        village=None,
        action="user.deactivated",
        object_type="user",
        object_id=user.pk,
        changes={"username": user.get_username()},
    )
    return user


@transaction.atomic
def user_reactivate(*, actor: User | None, user: User) -> User:
    _refuse_system_account(user)
    if user.is_active:
        return user
    # The village may have been deactivated meanwhile; a village role must still fit.
    _check_role_scope(role=user.role, village=user.village, district_code=user.district_code)
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        village=None,
        action="user.reactivated",
        object_type="user",
        object_id=user.pk,
        changes={"username": user.get_username()},
    )
    return user


@transaction.atomic
def user_password_reset(*, actor: User | None, user: User, password: str = "") -> str:
    """Set a new password (generated when blank) and lift any sign-in lockout.

    Returns the generated password, or "" when the admin typed one.
    """
    _refuse_system_account(user)
    generated = ""
    if password:
        _check_password(password, user)
    else:
        password = generated = password_generate()
    user.set_password(password)
    # The admin knows this password: the owner must replace it at the next sign-in.
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    throttle.reset_account(username=user.get_username())
    _revoke_all_tokens(actor=actor, user=user, reason="password_reset")
    audit_record(
        actor=actor,
        village=None,
        action="user.password_reset",
        object_type="user",
        object_id=user.pk,
        changes={"username": user.get_username(), "password": "generated" if generated else "set by admin"},
    )
    return generated
