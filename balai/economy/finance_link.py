"""The seam to the village's own books (the finance module, issue 17).

A capital participation is APBDes financing 6.2.2 paid out by the village; the village's
profit share is PADes 4.1.1 received. When the finance module offers
`balai.finance.services.realisation_record_by_code(...)`, each is recorded there too, in the
same transaction, and its answer kept as `finance_ref`; until then the BUMDes side stands alone
and `finance_ref` stays empty (the village pages show these rows as "belum tercatat di
keuangan desa").
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from collections.abc import Callable
from typing import Any

from balai.regions.models import Village


def _finance_recorder() -> Callable[..., Any] | None:
    # Looked up, not imported: the economy app works (and its tests run) without finance.
    if importlib.util.find_spec("balai.finance") is None:
        return None
    try:
        services = importlib.import_module("balai.finance.services")
    except ImportError:
        return None
    return getattr(services, "realisation_record_by_code", None)


def record_village_realisation(
    *, actor: Any, village: Village, code: str, amount: int, date: dt.date, description: str
) -> str:
    """Record a realisation line on the village's APBDes account `code`; its reference or ""."""
    recorder = _finance_recorder()
    if recorder is None:
        return ""
    result = recorder(
        actor=actor, village=village, account_code=code, amount=amount, date=date, description=description
    )
    return str(getattr(result, "public_id", result) or "")[:64]
