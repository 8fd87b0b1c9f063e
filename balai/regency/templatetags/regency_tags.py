from __future__ import annotations

from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def figure(row: Any, key: str) -> str:
    """A table cell: thousands separated, "–" where the month has no figure."""
    value = row.value(key)
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    if isinstance(value, int):
        # What intcomma writes in Indonesian (the only language, settings.LANGUAGES), without
        # its locale look-ups: thousands of cells per regency page.
        return f"{value:,}".replace(",", ".")
    return str(intcomma(value))


@register.simple_tag
def figure_cells(row: Any, figures: list[Any]) -> SafeString:
    """Every figure's cell of one row: the regency table has ~250 rows of ~30 figures, and a
    template loop per cell cost most of the page's CPU."""
    return mark_safe(  # nosec B308 B703: each cell's text is escaped here
        "".join(f'<td class="num">{escape(figure(row, f.key))}</td>' for f in figures)
    )


@register.filter
def num(value: Any) -> str:
    """A number the Indonesian way, as the tables write it: "1.312", "1.041,5"; "–" for none."""
    if value is None or value == "":
        return "–"
    if isinstance(value, float) and not value.is_integer():
        whole, frac = f"{value:,.1f}".split(".")
        return f"{whole.replace(',', '.')},{frac}"
    return f"{int(value):,}".replace(",", ".")
