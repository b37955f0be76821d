from django import template
from wagtail.models import Site

from .. import queries

register = template.Library()


@register.filter
def page_url(page):
    return queries.page_url(page) if page else ""


@register.simple_tag(takes_context=True)
def site_home(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    return site.root_page if site else None


@register.simple_tag
def main_menu(home):
    return queries.menu(home) if home else []


@register.simple_tag
def sidebar_blocks():
    return queries.sidebar_blocks()
