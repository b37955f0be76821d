from django import template

from .. import parsing
from ..constants import DEMO_NOTICE
from ..sidebar import sidebar_context

register = template.Library()


@register.filter
def money(value):
    """1500000 -> "1.500.000"."""
    return parsing.format_money(value) if value is not None else ""


@register.filter
def money_words(value):
    """370000000 -> "370 triệu đồng"."""
    return parsing.money_words(value) if value is not None else ""


@register.filter
def duration(value):
    return parsing.format_duration(value)


@register.filter
def iso_duration(value):
    return parsing.iso_duration(value)


@register.simple_tag
def demo_notice():
    return DEMO_NOTICE


@register.inclusion_tag("registries/sidebar/block.html")
def registry_sidebar(block):
    """A portal sidebar block listing a registry's newest public records (kind ``reg_<registry>``)."""
    return sidebar_context(block)
