from django import template

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """150000 -> "150.000 đồng" (Vietnamese thousands separator)."""
    try:
        value = int(amount)
    except (TypeError, ValueError):
        return ""
    return f"{value:,} đồng".replace(",", ".")
