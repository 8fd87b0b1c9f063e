"""What the kiosk's home screen shows without sign-in, gathered from the modules that have it.

Other modules are optional here: officials on duty and the queue come from the desk helper's
functions when they exist (`balai.staff.selectors.officials_on_duty`,
`balai.desk.selectors.queue_status`), aid/finance likewise. Missing ones fall back or hide.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from balai.kiosk import selectors
from balai.regions.models import Village
from balai.staff.attendance import office_closed
from balai.staff.selectors import officials_serving


def optional_function(module: str, name: str) -> Callable[..., Any] | None:
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    fn = getattr(mod, name, None)
    return fn if callable(fn) else None


def officials_today(*, village: Village) -> tuple[list[dict[str, Any]], bool]:
    """(officials, True if the rows carry today's attendance) — else the active officials."""
    on_duty = optional_function("balai.staff.selectors", "officials_on_duty")
    if on_duty is not None:
        rows = on_duty(village=village, day=timezone.localdate())
        return [
            {"name": r.name, "position": r.position, "status": r.status_label, "present": r.on_duty}
            for r in rows
        ], True
    officials = officials_serving(village=village)[:12]
    return [
        {"name": o.name, "position": o.position, "status": "", "present": False} for o in officials
    ], False


def queue_status(*, village: Village) -> Any:
    fn = optional_function("balai.desk.selectors", "queue_status")
    return fn(village=village, day=timezone.localdate()) if fn is not None else None


def apbdes_summary(*, village: Village) -> Any:
    """No finance module exists yet; shown only once one provides `apbdes_summary`."""
    fn = optional_function("balai.finance.selectors", "apbdes_summary")
    return fn(village=village) if fn is not None else None


def posyandu_schedule(*, village: Village) -> list[Any]:
    """The health module's posyandu schedule, the same rows the public page shows."""
    fn = optional_function("balai.health.selectors", "posyandu_schedule")
    return [r for r in fn(village=village) if r.schedule] if fn is not None else []


HOME_CACHE_SECONDS = 5


def home_context(*, village: Village) -> dict[str, Any]:
    """The public home screen is the same for everyone at a village's kiosks: computed at
    most every few seconds per process."""
    key = f"kiosk:home:{village.pk}:{timezone.localdate().isoformat()}"
    context: dict[str, Any] | None = cache.get(key)
    if context is None:
        context = _home_context(village=village)
        cache.set(key, context, HOME_CACHE_SECONDS)
    return context | {"village": village}


def _home_context(*, village: Village) -> dict[str, Any]:
    officials, on_duty = officials_today(village=village)
    closed = office_closed(village, timezone.now())
    if closed:
        # Nobody is expected in: "Belum hadir" beside every name on a Sunday evening misleads.
        officials = [o | {"status": "", "present": False} for o in officials]
    return {
        "village": village,
        "officials": officials,
        "officials_on_duty": on_duty and not closed,
        "office_closed": closed,
        "announcements": selectors.announcements_current(village=village),
        "queue": queue_status(village=village),
        "apbdes": apbdes_summary(village=village),
        "posyandu": posyandu_schedule(village=village),
        "today": timezone.localdate(),
    }
