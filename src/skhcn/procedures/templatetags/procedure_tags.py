from django import template

from skhcn.core.text import format_vnd

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """150000 -> "150.000 đồng" (Vietnamese thousands separator)."""
    try:
        value = int(amount)
    except (TypeError, ValueError):
        return ""
    return format_vnd(value)


@register.filter
def has_digit(text) -> bool:
    return any(char.isdigit() for char in str(text or ""))
