from __future__ import annotations

from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


@register.simple_tag
def figure(row: Any, key: str) -> str:
    """A table cell: thousands separated, "–" where the month has no figure."""
    value = row.value(key)
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(intcomma(value))


@register.filter
def num(value: Any) -> str:
    """A number the Indonesian way, as the tables write it: "1.312", "1.041,5"; "–" for none."""
    if value is None or value == "":
        return "–"
    if isinstance(value, float) and not value.is_integer():
        whole, frac = f"{value:,.1f}".split(".")
        return f"{whole.replace(',', '.')},{frac}"
    return f"{int(value):,}".replace(",", ".")
