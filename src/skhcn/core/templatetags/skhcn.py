from datetime import date, datetime

from django import template

from .. import fragments
from ..text import dateline as _dateline

register = template.Library()


@register.filter
def dateline(value):
    """12/04/2021 15:58 UTC+7 -> "Thứ hai - 12/04/2021 15:58"."""
    return _dateline(value) if value else ""


@register.filter(expects_localtime=True)
def iso_datetime(value):
    """The machine-readable value of <time datetime>: "2021-04-12T15:58:07+07:00" in the site's time zone.

    ``|date:"c"`` adds microseconds when there are any, which the W3C checker refuses; a date gives "2021-04-12" and
    anything else (None, text) nothing.
    """
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return ""


@register.simple_tag
def live(kind, arg=""):
    """A marker the page cache replaces with current HTML on every response."""
    return fragments.marker(kind, arg)
