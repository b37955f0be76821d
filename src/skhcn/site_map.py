"""The site map, for search engines (``/sitemap.xml``) and for people (``/so-do-trang/``).

Both list the portal's pages, the procedure catalogue and the S&T registries; the XML addresses start with
``BASE_URL`` (``skhcn.core.sitemaps``). This module sits in the top layer with ``skhcn.urls``: it reads every app.
"""

from itertools import groupby

from django.shortcuts import render
from django.views.decorators.http import require_GET
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.models import Site

from skhcn.core.sitemaps import PageSitemap
from skhcn.portal.models import CategoryPage
from skhcn.procedures.models import Procedure
from skhcn.procedures.sitemaps import ProcedureSitemap
from skhcn.registries.registry import REGISTRIES
from skhcn.registries.sitemaps import RecordSitemap

SECTIONS = {"pages": PageSitemap, "procedures": ProcedureSitemap, "records": RecordSitemap}


def sitemap_xml(request):
    """Django's sitemap of the three sections (``?p=`` pages through them; a bad or missing page answers 404)."""
    return wagtail_sitemap(request, sitemaps=SECTIONS)


def category_tree(home) -> list[dict]:
    """Live, public categories below ``home`` as nested ``{"page", "children"}`` nodes, in the editors' order."""
    pages = CategoryPage.objects.live().public().descendant_of(home).only("title", "url_path", "path", "depth")
    roots, by_path = [], {}
    for page in pages.order_by("path"):
        node = {"page": page, "children": []}
        by_path[page.path] = node
        parent = by_path.get(page.path[: -page.steplen])
        (parent["children"] if parent else roots).append(node)
    return roots


@require_GET
def site_map(request):
    """ "Sơ đồ trang": every section of the portal as headings and lists, server-rendered."""
    site = Site.find_for_request(request)
    home = site.root_page if site else None
    procedures = Procedure.objects.filter(is_active=True).select_related("field").only("code", "name", "field__name")
    by_field = [(field, list(items)) for field, items in groupby(procedures, key=lambda procedure: procedure.field)]
    context = {
        "categories": category_tree(home) if home else [],
        "procedure_fields": by_field,
        "registries": list(REGISTRIES.values()),
    }
    return render(request, "site_map.html", context)
