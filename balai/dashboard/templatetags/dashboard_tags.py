from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _num(value: int) -> str:
    # What intcomma writes in Indonesian (the only language, settings.LANGUAGES), without its
    # locale look-ups: the regency overview has ~20 cells for each of up to 1,200 villages.
    return f"{value:,}".replace(",", ".")


@register.simple_tag
def count_cells(counts: Any) -> SafeString:
    """One row's count cells (residents, families, men, women, each age group, unknown age);
    the same HTML as a template loop with intcomma, at a tenth of its CPU."""
    numbers = [counts.residents, counts.families, counts.male_total, counts.female_total]
    numbers += [*counts.groups, counts.unknown_age]
    return mark_safe(  # nosec B308 B703: integers only
        "".join(f'<td class="num">{_num(int(n))}</td>' for n in numbers)
    )
