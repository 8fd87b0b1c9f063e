"""Write helpers that every app's services share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile


def audit_value(value: Any) -> Any:
    """A field value as an audit event records it: dates as ISO text, decimals as text,
    a related row by its primary key, a file by its name."""
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


class FieldChanges(dict[str, list[Any]]):
    """Field name -> [old, new] for each field `model_update` changed, in the order asked."""

    @property
    def fields(self) -> list[str]:
        return list(self)

    def for_audit(self, encode: Callable[[Any], Any] = audit_value) -> dict[str, list[Any]]:
        """The changes as an audit event's `changes`: each old and new value encoded."""
        return {name: [encode(old), encode(new)] for name, (old, new) in self.items()}


def model_update(
    *,
    instance: models.Model,
    fields: Iterable[str],
    data: Mapping[str, Any],
    also: Mapping[str, Any] | None = None,
) -> FieldChanges:
    """Set each of `fields` present in `data` whose value differs, and save only those.

    After HackSoft's `model_update`, without its `full_clean()`: the services validate their
    input their own way before calling this. `also` is written with a change (who handled it,
    when) but neither compared nor reported; an `auto_now` field is saved along. Nothing is
    written when nothing changed, except that an unsaved instance is always inserted.
    """
    changes = FieldChanges()
    for name in fields:
        if name not in data:
            continue
        old, new = getattr(instance, name), data[name]
        if old != new:
            changes[name] = [old, new]
            setattr(instance, name, new)
    if not changes and not instance._state.adding:
        return changes
    for name, value in (also or {}).items():
        setattr(instance, name, value)
    if instance._state.adding:
        instance.save()
    else:
        stamps = [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]
        instance.save(update_fields=[*changes, *(also or {}), *stamps])
    return changes
