"""Public pages of the registries: index, list with filters and accent-insensitive search, detail, programme totals.

Unfiltered lists and detail pages are marked ``page_cacheable`` (the anonymous page cache keeps them until the
content generation changes: every save or delete of a registry record bumps it, see ``signals``); searches and
filtered lists are rendered for each request.
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET
from wagtail.models import Page

from skhcn.core.paging import filter_query_string, page_with_notices

from . import services
from .forms import Messages, RegistryFilterForm
from .models import Publication
from .registry import REGISTRIES, SUPPORT

PAGE_SIZE = 20
CODE_MAX = 40


def _cacheable(response):
    response.page_cacheable = True
    return response


@require_GET
def index(request):
    registries = [(registry, registry.public().count()) for registry in REGISTRIES.values()]
    return _cacheable(render(request, "registries/index.html", {"registries": registries}))


def _list_context(request, registry):
    params = request.GET
    names = RegistryFilterForm.params(registry)
    data = {name: params.get(name, "") for name in names}
    form = RegistryFilterForm(registry, data)
    valid = form.is_valid()
    criteria = form.criteria()
    query = form.query
    records = services.apply_search(registry.public(), query, registry.search_extra).filter(**criteria)
    records = services.titles_first(records, query)
    page, notices = page_with_notices(Paginator(records, PAGE_SIZE), params.get("page", ""), Messages)
    return {
        "registry": registry,
        "form": form,
        "page_obj": page,
        "records": page.object_list,
        "notices": notices,
        "query_string": filter_query_string(data, form),
        "query": query,
        "filtered": bool(query or criteria),
        "valid": valid,
    }


@require_GET
def registry_list(request, key):
    """A registry's public list. Invalid filter values are dropped with a notice and answered with a 400."""
    registry = REGISTRIES[key]
    context = _list_context(request, registry)
    if registry.key == "publication" and context["query"]:
        _add_pdf_snippets(context["records"], context["query"])
    status = 200 if context["valid"] else 400
    response = render(request, "registries/list.html", context, status=status)
    if not request.GET and status == 200:
        _cacheable(response)
    return response


def _add_pdf_snippets(records, query: str) -> None:
    """For the publications found through the text of their PDF: an excerpt around the word."""
    ids = [record.pk for record in records]
    texts = {
        pk: (text, folded)
        for pk, text, folded in Publication.objects.filter(pk__in=ids).values_list("pk", "pdf_text", "pdf_search")
    }
    for record in records:
        text, folded = texts.get(record.pk) or ("", "")
        record.pdf_snippet = services.text_snippet(text, query, folded=folded) if text else ""


def _not_found(request, registry):
    message = f"Không tìm thấy {registry.noun} này, hoặc thông tin chưa được công khai."
    return render(request, "registries/not_found.html", {"registry": registry, "message": message}, status=404)


@require_GET
def registry_detail(request, key, code):
    registry = REGISTRIES[key]
    record = registry.public().filter(code=code).first() if len(code) <= CODE_MAX else None
    if record is None:
        return _not_found(request, registry)
    context = {"registry": registry, "record": record, "description": registry.describe(record)}
    if key in ("task", "ip"):
        context["articles"] = _live_articles(record)
    if key == "task":
        context["reports"] = list(record.reports.all())
    if key == "support":
        context["year_total"] = next(
            (
                total
                for total in services.programme_totals(registry.public().filter(programme=record.programme))
                if total.year == record.year
            ),
            None,
        )
    return _cacheable(render(request, f"registries/{key}_detail.html", context))


def _live_articles(record) -> list:
    page_ids = [link.page_id for link in record.article_links.all()]
    pages = {page.pk: page for page in Page.objects.live().public().filter(pk__in=page_ids).specific()}
    return [pages[page_id] for page_id in page_ids if page_id in pages]


@require_GET
def support_totals(request):
    """Beneficiaries and amounts per programme and year ("05 đơn vị, 370 triệu đồng"), with the same filters."""
    context = _list_context(request, SUPPORT)
    records = services.apply_search(SUPPORT.public(), context["query"]).filter(**context["form"].criteria())
    context["totals"] = services.programme_totals(records)
    context["overall"] = services.programme_overall(records)
    context["grand"] = services.Total(
        "",
        "Tất cả chương trình",
        None,
        sum(t.units for t in context["overall"]),
        sum(t.amount for t in context["overall"]),
        sum(t.records for t in context["overall"]),
    )
    context["has_demo"] = records.filter(is_demo=True).exists()
    status = 200 if context["valid"] else 400
    response = render(request, "registries/support_totals.html", context, status=status)
    if not request.GET and status == 200:
        _cacheable(response)
    return response
