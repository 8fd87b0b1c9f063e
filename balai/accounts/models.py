from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

TOKEN_LIFETIME = dt.timedelta(days=90)


class Role(models.TextChoices):
    # Village roles
    OPERATOR = "operator", _("Operator desa")
    SEKDES = "sekdes", _("Sekretaris desa")
    KADES = "kades", _("Kepala desa")
    KADER_POSYANDU = "kader_posyandu", _("Kader posyandu")
    BENDAHARA = "bendahara", _("Bendahara desa")
    BIDAN = "bidan", _("Bidan desa")
    # Approves the digital pengantar of residents of their own RT (issue 23), nothing else.
    KETUA_RT = "ketua_rt", _("Ketua RT")
    # District role: the camat's office reads aggregates of its villages.
    CAMAT = "camat", _("Kecamatan")
    # Regency role: Dispermades reads aggregates, manages villages and users.
    DISPERMADES = "dispermades", _("Dispermades kabupaten")


class ScopeLevel(models.TextChoices):
    VILLAGE = "village", _("Desa")
    DISTRICT = "district", _("Kecamatan")
    REGENCY = "regency", _("Kabupaten")


ROLE_LEVEL: dict[str, str] = {
    Role.OPERATOR: ScopeLevel.VILLAGE,
    Role.SEKDES: ScopeLevel.VILLAGE,
    Role.KADES: ScopeLevel.VILLAGE,
    Role.KADER_POSYANDU: ScopeLevel.VILLAGE,
    Role.BENDAHARA: ScopeLevel.VILLAGE,
    Role.BIDAN: ScopeLevel.VILLAGE,
    Role.KETUA_RT: ScopeLevel.VILLAGE,
    Role.CAMAT: ScopeLevel.DISTRICT,
    Role.DISPERMADES: ScopeLevel.REGENCY,
}


class User(AbstractUser):
    role = models.CharField(_("peran"), max_length=32, choices=Role.choices, blank=True)
    village = models.ForeignKey(
        "regions.Village", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    district_code = models.CharField(_("kode kecamatan"), max_length=8, blank=True)
    # Set when an admin chose or generated the password: the owner must replace it at the next
    # sign-in (accounts.middleware sends every page to the change form until then).
    must_change_password = models.BooleanField(_("wajib ganti kata sandi"), default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="user_village_role_has_village",
                condition=~models.Q(
                    role__in=[
                        "operator",
                        "sekdes",
                        "kades",
                        "kader_posyandu",
                        "bendahara",
                        "bidan",
                        "ketua_rt",
                    ]
                )
                | models.Q(village__isnull=False),
            ),
            models.CheckConstraint(
                name="user_camat_has_district",
                condition=~models.Q(role="camat") | ~models.Q(district_code=""),
            ),
        ]

    @property
    def scope_level(self) -> str:
        return ROLE_LEVEL.get(self.role, "")


def default_token_expiry():
    from django.utils import timezone

    return timezone.now() + TOKEN_LIFETIME


class ApiToken(models.Model):
    """API token; only its SHA-256 is stored (a token is random, so no salt is needed).

    Every token ends (`expires_at`); it is revoked by its owner on the tokens page, and all of
    an account's tokens are revoked when an admin resets its password or deactivates it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)
    expires_at = models.DateTimeField(default=default_token_expiry)
    revoked_at = models.DateTimeField(null=True, blank=True)

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class TwoFactor(models.Model):
    """A staff account's TOTP authenticator (RFC 6238, 30-second steps, 6 digits).

    `last_step` is the time step of the last code accepted: a code is never accepted twice
    (a code seen over a shoulder or replayed from a log is dead once used)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor")
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField()
    last_step = models.BigIntegerField(default=0)


class RecoveryCode(models.Model):
    """One-time recovery code for a lost authenticator; stored as an argon2 hash only."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=255)
    used_at = models.DateTimeField(null=True, blank=True)


class SignInThrottle(models.Model):
    """Failed web sign-ins of one account, or from one client address (`accounts.throttle`).

    Keys are SHA-256 digests of the lower-cased username or of the address. Rows are changed
    under a row lock, in the database so every worker and app server sees the same count."""

    class Kind(models.TextChoices):
        ACCOUNT = "account"
        ADDRESS = "address"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    key = models.CharField(max_length=64)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    next_allowed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="accounts_throttle_unique")]


class SignInFailure(models.Model):
    """One failed web sign-in: which account (digest) from which address (digest), so the
    number of distinct accounts tried from one address can be capped."""

    address_key = models.CharField(max_length=64)
    account_key = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["address_key", "at"], name="accounts_failure_address_at")]
