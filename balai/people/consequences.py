"""Data tunggal: a life event recorded by the registry reaches every module.

The registry records the fact (a death, a move, a birth…); then each domain app that keeps
something about the person reacts to it through its `<app>/life_events.py`:

    LIFE_EVENT_HANDLERS = {"death": handler, "move_out": handler, ...}
    LIFE_EVENT_UNDO = {"death": undo, ...}          # optional: reverses what `handler` did

Each `handler(*, event, actor) -> list[str]` runs in the registry's transaction, in
INSTALLED_APPS order (an explicit, ordered list, not Django signals), and returns what it
changed, in Indonesian, for the event's page. What a person must decide becomes a review
item (`review_item_add`). A handler that needs to know later what it changed (to undo it)
keeps ids under `event.details["undo"][<app label>]`; the dispatcher saves them. A handler
that raises rolls the whole event back, and the operator is told which module refused and why.

A module may also declare, per key, what it could act on:

    LIFE_EVENT_PROBES = {"death": probe, ...}     # probe(*, resident_id, village_id, family_id)
                                                  #   -> list of QuerySets; a row in any: run
Most people who die own nothing in most modules, and every handler's look-up through the ORM
cost ~0.5–1.3 ms of CPU (building the SQL, not running it) — a dozen of them made recording a
death miss its 50 ms. The probes are compiled once per process into ONE `SELECT EXISTS(…), …`
and run with the event's ids; a handler whose probe finds nothing is skipped. A probe must find
a row whenever its handler would change anything (a superset: the handler still checks
everything), and only rows that exist before the event: it runs before every handler.

This module is named `consequences`, not `life_events`, so the registry's own dispatcher is
not collected as one of the handlers.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import audit_record
from balai.core import plugins
from balai.core.errors import ApplicationError
from balai.core.plugins import collect_handlers
from balai.people import codes
from balai.people.models import LifeEvent, Resident, ReviewItem

if TYPE_CHECKING:
    from balai.accounts.models import User

logger = logging.getLogger(__name__)

K = LifeEvent.Kind
# Handler keys by event kind. A move out to another village of this deployment is "transfer":
# the record itself moves, so modules decide what follows the person and what stays.
KIND_KEYS: dict[int, str] = {
    K.BIRTH: "birth",
    K.DEATH: "death",
    K.MOVE_OUT: "move_out",
    K.MISSING: "missing",
    K.MOVE_IN: "move_in",
    K.GONE: "gone",
    K.NEW_FAMILY: "new_family",
    K.FAMILY_SPLIT: "family_split",
}
# The keys meaning "the person is no longer a living resident of this village".
LEAVING_KEYS = ("death", "missing", "gone", "move_out", "transfer")

# Events an operator may cancel, and the status the resident had before each.
CANCELLABLE: dict[int, int] = {
    K.DEATH: codes.STATUS_DEAD,
    K.MISSING: codes.STATUS_MISSING,
    K.GONE: codes.STATUS_GONE,
    K.MOVE_OUT: codes.STATUS_MOVED,
    K.BIRTH: codes.STATUS_ALIVE,
    K.MOVE_IN: codes.STATUS_ALIVE,
}


class LifeEventHandlerError(ApplicationError):
    """A module refused the consequences of an event; nothing of the event was written."""


def event_key(event: LifeEvent) -> str:
    if event.kind == K.MOVE_OUT and (event.details or {}).get("to_village"):
        return "transfer"
    return KIND_KEYS.get(event.kind, "")


@functools.cache
def _app_of(handler: Callable[..., Any]) -> tuple[str, str]:
    """(app label, human name) of the app whose life_events module defines `handler`."""
    module = getattr(handler, "__module__", "") or ""
    package = module.rsplit(".", 1)[0]
    for config in apps.get_app_configs():
        if config.name == package:
            return config.label, str(config.verbose_name)
    return package.rsplit(".", 1)[-1], package


def undo_data(event: LifeEvent, label: str) -> dict[str, Any]:
    """The place a handler keeps what it changed, to undo it on cancellation."""
    details = event.details if isinstance(event.details, dict) else {}
    event.details = details
    return details.setdefault("undo", {}).setdefault(label, {})


# Stand-ins for the event's ids while a probe is compiled; replaced in the parameters at run
# time. Negative: no row has such an id, whatever happens.
_PROBE_IDS = {"resident_id": -900_000_001, "village_id": -900_000_002, "family_id": -900_000_003}
_compiled_probes: dict[tuple[str, str], tuple[str, list[Any], list[str]]] = {}


def _compiled_probe(key: str) -> tuple[str, list[Any], list[str]]:
    """(SQL, parameters with the stand-in ids, app label of each column) for the event key."""
    cache_key = (connection.alias, key)
    if cache_key not in _compiled_probes:
        columns, params, labels = [], [], []
        for probe in plugins.collect_handlers("life_events", "LIFE_EVENT_PROBES").get(key, []):
            parts = []
            for qs in probe(**_PROBE_IDS):
                sql, p = qs.query.exists().get_compiler(connection=connection).as_sql()
                parts.append(f"EXISTS ({sql})")
                params.extend(p)
            columns.append("(" + " OR ".join(parts) + ")" if parts else "(1 = 0)")
            labels.append(_app_of(probe)[0])
        _compiled_probes[cache_key] = (
            ("SELECT " + ", ".join(columns), params, labels) if columns else ("", [], [])
        )
    return _compiled_probes[cache_key]


def probe_skips(event: LifeEvent, key: str) -> set[str]:
    """App labels whose handler has nothing to act on for `event` (one query)."""
    sql, params, labels = _compiled_probe(key)
    if not sql:
        return set()
    ids = {
        _PROBE_IDS["resident_id"]: event.resident_id or 0,
        _PROBE_IDS["village_id"]: event.village_id,
        _PROBE_IDS["family_id"]: event.family_id or 0,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, [ids.get(p, p) if type(p) is int else p for p in params])
        row = cursor.fetchone()
    return {label for label, found in zip(labels, row, strict=True) if not found}


def life_event_dispatch(*, event: LifeEvent, actor: User | None) -> list[dict[str, Any]]:
    """Run every module's handler for `event` (inside the caller's transaction)."""
    key = event_key(event)
    handlers = collect_handlers("life_events", "LIFE_EVENT_HANDLERS").get(key, []) if key else []
    skip = probe_skips(event, key) if handlers else set()
    details_before = repr(event.details)
    results: list[dict[str, Any]] = []
    for handler in handlers:
        label, name = _app_of(handler)
        if label in skip:
            continue
        try:
            changes = handler(event=event, actor=actor) or []
        except LifeEventHandlerError:
            raise
        except (ValidationError, ApplicationError) as exc:
            reason = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise LifeEventHandlerError(
                _("Peristiwa tidak dicatat: modul %(module)s menolak (%(reason)s).")
                % {"module": name, "reason": reason}
            ) from exc
        except Exception as exc:
            logger.exception("life event handler %s failed for event %s", label, event.public_id)
            raise LifeEventHandlerError(
                _("Peristiwa tidak dicatat: modul %(module)s gagal (%(reason)s).")
                % {"module": name, "reason": exc.__class__.__name__}
            ) from exc
        if changes:
            results.append({"module": label, "label": name, "changes": [str(c) for c in changes]})
    # Nothing done, nothing to keep for an undo: the row is already as it should be.
    if results or repr(event.details) != details_before or event.consequences:
        event.consequences = results
        event.save(update_fields=["consequences", "details"])
    return results


# --- Review queue -----------------------------------------------------------------------


def review_item_add(
    *,
    event: LifeEvent | None,
    module: str,
    title: str,
    reason: str = "",
    link: str = "",
    resident: Resident | None = None,
    village: Any = None,
) -> ReviewItem:
    """A decision a person must take because of an event (shown in "Perlu ditinjau").

    `village` defaults to the event's; a transfer's handler may name the destination."""
    if village is None and event is not None:
        village = event.village
    return ReviewItem.objects.create(
        village=village,
        event=event,
        resident=resident if resident is not None else (event.resident if event else None),
        module=module[:40],
        title=title[:255],
        reason=reason[:255],
        link=link[:255],
    )


@transaction.atomic
def review_item_resolve(*, actor: User | None, item: ReviewItem, state: str, note: str = "") -> ReviewItem:
    if state not in (ReviewItem.State.DONE, ReviewItem.State.DISMISSED):
        raise ValidationError({"state": [_("Pilih: selesai atau diabaikan.")]})
    item = ReviewItem.objects.select_for_update().get(pk=item.pk)
    if item.state != ReviewItem.State.OPEN:
        raise ApplicationError(_("Butir tinjauan ini sudah diselesaikan."))
    item.state = state
    item.resolution = " ".join(note.split())[:255]
    item.resolved_by = actor
    item.resolved_at = timezone.now()
    item.save(update_fields=["state", "resolution", "resolved_by", "resolved_at", "updated_at"])
    audit_record(
        actor=actor,
        village=item.village,
        action="review.resolved",
        object_type="review",
        object_id=item.public_id,
        changes={"state": state, "note": item.resolution, "module": item.module},
    )
    return item


# --- Reversal ---------------------------------------------------------------------------


@transaction.atomic
def life_event_cancel(*, actor: User | None, event: LifeEvent, reason: str) -> LifeEvent:
    """Cancel an event recorded by mistake: the resident's status comes back, every module's
    automatic consequences are undone (LIFE_EVENT_UNDO) and the rest are listed for review."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": [_("Alasan pembatalan wajib diisi.")]})
    event = LifeEvent.objects.select_for_update(of=("self",)).select_related("resident").get(pk=event.pk)
    if event.cancelled_at is not None:
        raise ApplicationError(_("Peristiwa ini sudah dibatalkan."))
    key = event_key(event)
    if key == "transfer":
        raise ApplicationError(
            _(
                "Pindah ke desa lain dalam kabupaten tidak dapat dibatalkan; desa tujuan mencatat pindah kembali."
            )
        )
    if event.kind not in CANCELLABLE or event.resident is None:
        raise ApplicationError(_("Peristiwa jenis ini tidak dapat dibatalkan."))
    resident = Resident.objects.select_for_update().get(pk=event.resident.pk)
    if resident.status != CANCELLABLE[event.kind] or resident.village_id != event.village_id:
        raise ApplicationError(
            _("Status %(name)s sudah berubah sejak peristiwa ini; batalkan peristiwa yang lebih baru dahulu.")
            % {"name": resident.name}
        )
    later = (
        LifeEvent.objects.filter(resident=resident, cancelled_at__isnull=True, pk__gt=event.pk)
        .exclude(kind__in=[K.CORRECTION, K.REGISTERED])
        .exists()
    )
    if later:
        raise ApplicationError(_("Ada peristiwa yang lebih baru untuk penduduk ini; batalkan itu dahulu."))
    old_status = resident.status
    # A birth or arrival recorded by mistake: the record itself was wrong.
    new_status = codes.STATUS_INVALID if event.kind in (K.BIRTH, K.MOVE_IN) else codes.STATUS_ALIVE
    resident.status = new_status
    try:
        with transaction.atomic():
            resident.save(update_fields=["status", "updated_at"])
    except IntegrityError as exc:
        raise ApplicationError(
            _("NIK %(name)s kini dipakai penduduk hidup lain; periksa data ganda dahulu.")
            % {"name": resident.name}
        ) from exc

    undo = collect_handlers("life_events", "LIFE_EVENT_UNDO").get(key, []) if key else []
    undone_labels: set[str] = set()
    undone: list[dict[str, Any]] = []
    for handler in reversed(undo):
        label, name = _app_of(handler)
        undone_labels.add(label)
        try:
            changes = handler(event=event, actor=actor) or []
        except (ValidationError, ApplicationError) as exc:
            reason_text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise LifeEventHandlerError(
                _("Pembatalan ditolak modul %(module)s (%(reason)s).")
                % {"module": name, "reason": reason_text}
            ) from exc
        if changes:
            undone.append({"module": label, "label": name, "changes": [str(c) for c in changes]})
    # What was not undone automatically is listed for a person to review.
    added: list[int] = []
    for item in event.consequences or []:
        if item.get("module") in undone_labels:
            continue
        added.append(
            review_item_add(
                event=event,
                module=item.get("module", ""),
                title=_("Peristiwa dibatalkan: tinjau kembali perubahan %(module)s")
                % {"module": item.get("label", "")},
                reason="; ".join(item.get("changes", []))[:255],
            ).pk
        )
    ReviewItem.objects.filter(event=event, state=ReviewItem.State.OPEN).exclude(pk__in=added).update(
        state=ReviewItem.State.DISMISSED,
        resolution=_("Peristiwa dibatalkan."),
        resolved_by=actor,
        resolved_at=timezone.now(),
    )
    event.cancelled_at = timezone.now()
    event.cancelled_by = actor
    event.cancel_reason = reason[:255]
    details = dict(event.details or {})
    details["undone"] = undone
    event.details = details
    event.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason", "details"])
    audit_record(
        actor=actor,
        village=event.village,
        action="life_event.cancelled",
        object_type="resident",
        object_id=resident.public_id,
        changes={
            "event": event.public_id,
            "kind": event.kind,
            "status": [old_status, new_status],
            "reason": reason,
            "undone": [u["module"] for u in undone],
        },
    )
    return event


def event_reason(event: LifeEvent) -> str:
    """A short reason for other modules' records: "Mati 05-01-2026 (peristiwa kependudukan)"."""
    label = str(K(event.kind).label) if event.kind in K.values else str(event.kind)
    if event_key(event) == "transfer":
        label = _("Pindah ke Desa %(village)s") % {
            "village": (event.details or {}).get("to_village_name", "")
        }
    return _("%(kind)s %(day)s (peristiwa kependudukan)") % {
        "kind": label,
        "day": event.event_date.strftime("%d-%m-%Y"),
    }
