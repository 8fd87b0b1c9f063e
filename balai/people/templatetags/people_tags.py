"""Template filters of the registry UI: masking, ages, readable records and history."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from html import escape
from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.forms import BoundField
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from balai.audit.models import AuditEvent
from balai.core.masking import mask_number
from balai.people import codes, forms
from balai.people.models import LifeEvent, Resident

register = template.Library()


@register.filter
def mask(value: str | None) -> str:
    return mask_number(value)


@register.filter
def age_on(birth_date: dt.date | None, today: dt.date) -> int | str:
    if birth_date is None:
        return ""
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


@register.filter
def status_class(status: int) -> str:
    return "ok" if status == codes.STATUS_ALIVE else "off"


ACTION_LABELS: dict[str, Any] = {
    "resident.created": _lazy("Data dibuat"),
    "resident.updated": _lazy("Data diubah"),
    "resident.status_changed": _lazy("Status berubah"),
    "resident.moved_out": _lazy("Pindah keluar"),
    "resident.transferred_out": _lazy("Pindah ke desa lain"),
    "resident.transferred_in": _lazy("Datang dari desa lain"),
    "resident.family_changed": _lazy("Keluarga berubah"),
    "resident.merged": _lazy("Data ganda digabung"),
    "duplicate.dismissed": _lazy("Ditandai bukan data ganda"),
}

# Keys of audit `changes` that are not Resident fields.
EXTRA_LABELS: dict[str, Any] = {
    "event": _lazy("Peristiwa"),
    "event_date": _lazy("Tanggal peristiwa"),
    "nik_warnings": _lazy("Peringatan NIK diterima"),
    "family": _lazy("Keluarga"),
    "family_relation": _lazy("Hubungan dalam keluarga"),
    "rt": _lazy("RT"),
    "destination": _lazy("Tujuan"),
    "to_village_name": _lazy("Desa tujuan"),
    "from_village": _lazy("Dari desa (kode)"),
    "move_type": _lazy("Jenis kepindahan"),
    "removed": _lazy("Data yang dihapus"),
    "filled": _lazy("Kolom yang dilengkapi"),
    "other": _lazy("Data lain"),
    "purpose": _lazy("Keperluan"),
}
_HIDDEN = {"to_village", "removed_status"}
# Internal keys (primary keys) mean nothing to an operator: say only that they changed.
_OPAQUE = {"family", "rt"}


@register.filter
def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def _resident_field(key: str) -> models.Field[Any, Any] | None:
    try:
        field = Resident._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _field_label(key: str) -> str:
    if key in EXTRA_LABELS:
        return str(EXTRA_LABELS[key])
    field = _resident_field(key)
    return capfirst(str(field.verbose_name)) if field is not None else key


def _display(key: str, value: Any) -> str:
    if value in (None, "", []):
        return "—"
    if key == "event":
        return str(dict(LifeEvent.Kind.choices).get(value, value))
    if key == "move_type":
        return forms.MOVE_TYPE.get(value, str(value))
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{_field_label(k)}: {_display(k, v)}" for k, v in value.items())
    field = _resident_field(key)
    if field is None:
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.get_internal_type() == "DateField":
        try:
            return dt.date.fromisoformat(str(value)).strftime("%d-%m-%Y")
        except ValueError:
            return str(value)
    return str(value)


@register.filter
def audit_rows(event: AuditEvent) -> list[dict[str, str]]:
    """An audit event's changes as rows: label, and old → new for edits."""
    rows = []
    for key, value in (event.changes or {}).items():
        if key in _HIDDEN or (key == "nik_warnings" and not value):
            continue
        label = _field_label(key)
        is_edit = isinstance(value, list) and len(value) == 2 and key not in ("nik_warnings",)
        if key in _OPAQUE:
            rows.append({"label": label, "value": _("diubah")})
        elif is_edit:
            rows.append({"label": label, "old": _display(key, value[0]), "new": _display(key, value[1])})
        elif value not in (None, "", [], {}):
            rows.append({"label": label, "value": _display(key, value)})
    return rows


_DETAIL_TABLES: dict[str, tuple[Any, dict[int, str] | None]] = {
    "destination": (_lazy("Tujuan"), None),
    "to_village_name": (_lazy("Desa tujuan"), None),
    "from_village_name": (_lazy("Dari desa"), None),
    "origin": (_lazy("Asal"), None),
    "move_type": (_lazy("Jenis kepindahan"), forms.MOVE_TYPE),
    "place": (_lazy("Tempat"), None),
    "cause": (_lazy("Sebab"), forms.DEATH_CAUSE),
    "attester": (_lazy("Yang menerangkan"), forms.DEATH_ATTESTER),
    "place_type": (_lazy("Tempat dilahirkan"), forms.BIRTH_PLACE_TYPE),
    "birth_kind": (_lazy("Jenis kelahiran"), forms.BIRTH_KIND),
    "attendant": (_lazy("Penolong"), forms.BIRTH_ATTENDANT),
    "weight_g": (_lazy("Berat (g)"), None),
    "length_cm": (_lazy("Panjang (cm)"), None),
}


@register.filter
def event_details(event: LifeEvent) -> str:
    """The readable part of a life event's details, e.g. "Tujuan: Kota Semarang"."""
    parts = []
    for key, (label, table) in _DETAIL_TABLES.items():
        value = (event.details or {}).get(key)
        if value in (None, ""):
            continue
        parts.append(f"{label}: {table.get(value, value) if table else value}")
    return "; ".join(parts)


@register.filter
def biodata(resident: Resident) -> list[tuple[Any, list[tuple[str, str]]]]:
    """The full record for the detail page, grouped like the form; family and RT shown apart."""
    groups = []
    for title, names in forms.ResidentForm.FIELDSETS:
        rows = [
            (_field_label(name), _display(name, getattr(resident, name)))
            for name in names
            if name not in ("kk_number", "rt")
        ]
        groups.append((title, rows))
    return groups


# The resident list renders 50 links and up to ~100 <option>s per page; doing these in Python
# instead of `{% url %}` and widget templates keeps the page within its time budget.


@lru_cache(maxsize=8)
def _resident_url_pattern(script_prefix: str) -> str:
    return reverse("people:resident_detail", args=["~id~"])


@register.filter
def resident_url(public_id: str) -> str:
    return _resident_url_pattern(get_script_prefix()).replace("~id~", public_id)


@register.filter
def options(field: BoundField) -> str:
    """The <option>s of a bound choice field, the submitted value selected."""
    current = "" if field.value() is None else str(field.value())
    html, at = _options_html(field.field)
    if at is None:  # values repeat: each option compared
        return _options(getattr(field.field, "choices", ()), current)
    pos = at.get(current)
    if pos is None:
        return html
    return mark_safe(f"{html[:pos]} selected{html[pos:]}")  # noqa: S308 - escaped by _options


def _option(value: Any, label: Any) -> tuple[str, str]:
    """An option's opening up to its value's closing quote, and its label; both escaped as
    format_html escapes (format_html per option was a quarter of the page's template time)."""
    text = str(value)
    shown = str(label) if isinstance(label, SafeData) else escape(str(label))
    return f'<option value="{text if isinstance(value, SafeData) else escape(text)}"', shown


def _options(choices: Any, current: str) -> SafeString:
    out = []
    for value, label in choices:
        opening, shown = _option(value, label)
        out.append(f"{opening}{' selected' if str(value) == current else ''}>{shown}</option>")
    return mark_safe("".join(out))  # noqa: S308 - every value and label escaped by _option


def _options_html(field: Any) -> tuple[SafeString, dict[str, int] | None]:
    """The field's options with none selected, and where " selected" goes for each value
    (None when a value repeats). Kept on the field for its choices and the language: the
    resident list's filter fields are shared by every page of a village (forms._SharedFields),
    so its ~50 options are escaped and joined once, not on every page."""
    choices, language = field.choices, get_language()
    kept = getattr(field, "_balai_options", None)
    if kept is not None and kept[0] is choices and kept[1] == language:
        return kept[2], kept[3]
    at: dict[str, int] | None = {}
    pieces: list[str] = []
    length = 0
    for value, label in choices:
        opening, shown = _option(value, label)
        if at is not None and str(value) in at:
            at = None
        elif at is not None:
            at[str(value)] = length + len(opening)
        pieces.append(f"{opening}>{shown}</option>")
        length += len(pieces[-1])
    html = mark_safe("".join(pieces))  # noqa: S308 - every value and label escaped by _option
    field._balai_options = (choices, language, html, at)
    return html, at
