from django import template

register = template.Library()


@register.filter
def rp(value: object) -> str:
    """Rupiah with dots between thousands; a negative amount in brackets, as statements show it."""
    try:
        n = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return ""
    text = f"{abs(n):,}".replace(",", ".")
    return f"({text})" if n < 0 else text
