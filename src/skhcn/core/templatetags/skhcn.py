from django import template

from .. import fragments
from ..text import dateline as _dateline

register = template.Library()


@register.filter
def dateline(value):
    """12/04/2021 15:58 UTC+7 -> "Thứ hai - 12/04/2021 15:58"."""
    return _dateline(value) if value else ""


@register.simple_tag
def live(kind, arg=""):
    """A marker the page cache replaces with current HTML on every response."""
    return fragments.marker(kind, arg)
