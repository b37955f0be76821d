from html import escape

from django import template
from django.utils.safestring import mark_safe
from wagtail.models import Site

from skhcn.core.pages import page_url as url_of

from .. import models, queries

register = template.Library()


@register.filter
def page_url(page):
    return url_of(page) if page else ""


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
    return models.sidebar_blocks()


@register.simple_tag
def link_list(links):
    """<ul> of article links with their dates, built in Python: the hot article page has three of them."""
    items = "".join(
        f'<li><a href="{escape(url_of(link))}">{escape(link.title)}</a> <span class="meta">({link.day})</span></li>'
        for link in links
    )
    return mark_safe(f"<ul>{items}</ul>")  # noqa: S308 - every value above is escaped
