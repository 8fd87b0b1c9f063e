"""Display helpers of the aid targeting pages."""

from __future__ import annotations

from typing import Any

from django import template

from balai.core.masking import mask_number

register = template.Library()


@register.filter
def rupiah(value: int | None) -> str:
    if value is None:
        return "—"
    return "Rp" + f"{int(value):,}".replace(",", ".")


@register.filter
def unit_name(obj: Any) -> str:
    """Who a candidate or recipient is: the person, or the family's head."""
    if getattr(obj, "resident_id", None) and obj.resident is not None:
        return str(obj.resident.name)
    family = getattr(obj, "family", None)
    if family is not None:
        return family.head.name if family.head_id and family.head else "—"
    return str(getattr(obj, "group_name", "") or "—")


@register.filter
def unit_kk(obj: Any) -> str:
    family = getattr(obj, "family", None)
    return mask_number(family.kk_number) if family is not None else ""


@register.filter
def unit_place(obj: Any) -> str:
    family = getattr(obj, "family", None)
    rt = getattr(family, "rt", None) if family is not None else None
    return f"RW {rt.rw} / RT {rt.rt}" if rt is not None else ""


@register.filter
def status_class(status: str) -> str:
    return {
        "active": "ok",
        "decreed": "ok",
        "approved": "ok",
        "verified": "ok",
        "valid": "ok",
        "proposed": "warn",
        "listed": "warn",
        "suspended": "warn",
    }.get(status, "off")
