"""The chart of accounts of a regency for a year (issue 17 item 2): Dispermades adds, renames,
deactivates and (when no village used it) deletes accounts. Each regency's chart per year is a
copy of the national seed or of its own previous year (`services.chart_ensure`); an account
with RAB lines or postings in any village of the regency that year is never deleted (it can be
deactivated: existing lines keep it, new lines may not use it). Every change is audited."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from balai.audit.services import audit_record
from balai.core.errors import ApplicationError
from balai.finance import chart
from balai.finance.models import Account, BudgetLine, Entry
from balai.finance.services import _allow, chart_ensure

if TYPE_CHECKING:
    from balai.accounts.models import User

CODE = re.compile(r"^[4-7](\.\d{1,2}){1,3}$")


def _audit(actor: User | None, account: Account, action: str, changes: dict[str, object]) -> None:
    audit_record(
        actor=actor,
        village=None,
        action=f"finance.account.{action}",
        object_type="account",
        object_id=f"{account.regency_code or 'nasional'}:{account.year}:{account.code}",
        changes=changes,
    )


def _name(value: object) -> str:
    name = " ".join(str(value or "").split())
    if not name:
        raise ValidationError({"name": _("Nama rekening wajib diisi.")})
    if len(name) > 200:
        raise ValidationError({"name": _("Nama rekening paling panjang 200 karakter.")})
    return name


def _usage(account: Account) -> int:
    """RAB lines and postings on the account (or under it) in the regency's villages that year."""
    prefix = account.code
    village_filter = {"village__regency_code": account.regency_code} if account.regency_code else {}
    under = {"account_code": prefix} if account.level == 4 else {"account_code__startswith": prefix + "."}
    lines = BudgetLine.objects.filter(budget__year=account.year, **under, **village_filter).count()
    entries = Entry.objects.filter(budget__year=account.year, **under, **village_filter).count()
    return lines + entries


@transaction.atomic
def account_add(*, actor: User | None, regency_code: str, year: int, code: str, name: str) -> Account:
    _allow(actor, "finance.chart")
    chart_ensure(year=year, regency_code=regency_code)
    code = str(code or "").strip().rstrip(".")
    if not CODE.match(code):
        raise ValidationError(
            {"code": _("Kode rekening berbentuk 4.1, 5.2.1 atau 5.2.1.07 (angka dipisah titik, awal 4–7).")}
        )
    if Account.objects.filter(regency_code=regency_code, year=year, code=code).exists():
        raise ValidationError(
            {"code": _("Rekening %(c)s sudah ada di bagan %(y)s.") % {"c": code, "y": year}}
        )
    parent = code.rsplit(".", 1)[0]
    if (
        chart.account_level(code) > 1
        and not Account.objects.filter(regency_code=regency_code, year=year, code=parent).exists()
    ):
        raise ValidationError(
            {"code": _("Induk rekening %(p)s belum ada; tambahkan dahulu.") % {"p": parent}}
        )
    account = Account.objects.create(
        regency_code=regency_code, year=year, code=code, name=_name(name), level=chart.account_level(code)
    )
    _audit(actor, account, "add", {"name": account.name})
    return account


def _get(regency_code: str, year: int, code: str) -> Account:
    try:
        return Account.objects.select_for_update().get(regency_code=regency_code, year=year, code=code)
    except Account.DoesNotExist:
        raise ValidationError(
            {"code": _("Rekening %(c)s tidak ada di bagan %(y)s.") % {"c": code, "y": year}}
        ) from None


@transaction.atomic
def account_rename(*, actor: User | None, regency_code: str, year: int, code: str, name: str) -> Account:
    _allow(actor, "finance.chart")
    account = _get(regency_code, year, code)
    old, account.name = account.name, _name(name)
    account.save(update_fields=["name", "updated_at"])
    _audit(actor, account, "rename", {"name": [old, account.name]})
    return account


@transaction.atomic
def account_set_active(
    *, actor: User | None, regency_code: str, year: int, code: str, active: bool
) -> Account:
    _allow(actor, "finance.chart")
    account = _get(regency_code, year, code)
    if account.is_active == active:
        return account
    account.is_active = active
    account.save(update_fields=["is_active", "updated_at"])
    _audit(actor, account, "activate" if active else "deactivate", {"is_active": active})
    return account


@transaction.atomic
def account_delete(*, actor: User | None, regency_code: str, year: int, code: str) -> None:
    """Only an account no village used that year (and without sub-accounts) goes away."""
    _allow(actor, "finance.chart")
    account = _get(regency_code, year, code)
    if Account.objects.filter(regency_code=regency_code, year=year, code__startswith=code + ".").exists():
        raise ApplicationError(_("Rekening %(c)s masih memiliki sub-rekening.") % {"c": code})
    used = _usage(account)
    if used:
        raise ApplicationError(
            _(
                "Rekening %(c)s sudah dipakai (%(n)d rincian/transaksi) dan tidak dapat dihapus; nonaktifkan saja."
            )
            % {"c": code, "n": used}
        )
    _audit(actor, account, "delete", {"name": account.name})
    account.delete()
