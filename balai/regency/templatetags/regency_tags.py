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
