"""The seam to the village's own books (the finance module, issue 17).

A capital participation is APBDes financing 6.2.2.01 paid out by the village; the village's
profit share is PADes 4.1.1.01 received. When the finance module is installed, each is
recorded there through `balai.finance.services.realisation_record(...)` in the same
transaction, and its entry's id kept as `finance_ref`. Finance may refuse (no APBDes for that
year, the line not budgeted, a closed period, the user's role may not post): the BUMDes side
is the BUMDes's own books and stands, and the refusal is kept as `finance_note` and shown
("belum tercatat di keuangan desa"), so the village treasurer records it by hand.
Without the finance module both stay empty.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from balai.core.errors import ApplicationError
from balai.regions.models import Village


def _finance_recorder() -> Callable[..., Any] | None:
    # Looked up, not imported: the economy app works (and its tests run) without finance, and
    # finance may one day read the BUMDes without making a circle.
    if importlib.util.find_spec("balai.finance") is None:
        return None
    try:
        services = importlib.import_module("balai.finance.services")
    except ImportError:
        return None
    return getattr(services, "realisation_record", None)


def record_village_realisation(
    *, actor: Any, village: Village, code: str, amount: int, date: dt.date, number: str, description: str
) -> tuple[str, str]:
    """Record a realisation on the village's APBDes account `code`: (finance entry id, "") when
    recorded, ("", why not) when finance refused, ("", "") without a finance module."""
    recorder = _finance_recorder()
    if recorder is None:
        return "", ""
    try:
        entry = recorder(
            actor=actor,
            village=village,
            year=date.year,
            account_code=code,
            amount=amount,
            date=date,
            number=number,
            description=description,
        )
    except ValidationError as exc:
        return "", "; ".join(exc.messages)[:255]
    except ApplicationError as exc:
        return "", exc.message[:255]
    return str(getattr(entry, "public_id", None) or getattr(entry, "pk", "") or _("tercatat"))[:64], ""
