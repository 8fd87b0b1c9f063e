"""`rp`: whole Rupiah with dots between thousands (1.234.567), as `intcomma` shows it in
Bahasa Indonesia, without its per-call locale lookups (the books render thousands of figures)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def rp(value: object) -> str:
    if value is None or value == "":
        return ""
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return str(value)
    return f"{number:,}".replace(",", ".")
