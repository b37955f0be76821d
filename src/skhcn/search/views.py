import re
from urllib.parse import urlencode

from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import elsewhere, engine
from .forms import Messages, SearchForm
from .text import parse_query

PAGE_RE = re.compile(r"[1-9][0-9]{0,5}")


def _page_number(raw: str) -> tuple[int, str]:
    if not raw:
        return 1, ""
    if PAGE_RE.fullmatch(raw):
        return int(raw), ""
    return 1, Messages.PAGE_INVALID


@require_GET
def search(request):
    """Public article search. Never marked page_cacheable: results depend on the query string."""
    params = request.GET
    submitted = any(name in params for name in SearchForm.base_fields)
    # One value per field (the last one when a parameter is repeated); "q[]=" and the like are simply ignored.
    data = {name: params.get(name, "") for name in SearchForm.base_fields}
    form = SearchForm(data if submitted else None)
    context = {"form": form, "results": None, "notices": [], "hint": "", "query_string": ""}
    status = 200
    if not submitted:
        context["hint"] = Messages.HINT
    elif not form.is_valid():
        status = 400
    elif not form.has_criteria():
        context["hint"] = Messages.HINT
    elif (
        form.cleaned_data["q"]
        and not parse_query(form.cleaned_data["q"])
        and not (form.cleaned_data["chuyen_muc"] or form.cleaned_data["tu_ngay"] or form.cleaned_data["den_ngay"])
    ):
        context["hint"] = Messages.NO_WORDS
    else:
        number, notice = _page_number(params.get("page", ""))
        if notice:
            context["notices"].append(notice)
        results = engine.search(
            form.cleaned_data["q"],
            category_path=form.category_path,
            date_from=form.cleaned_data["tu_ngay"],
            date_to=form.cleaned_data["den_ngay"],
            page=number,
        )
        if results.number != results.requested_number:
            context["notices"].append(
                Messages.PAGE_PAST_END.format(requested=results.requested_number, number=results.number)
            )
        context["results"] = results
        only_words = not (form.category_path or form.cleaned_data["tu_ngay"] or form.cleaned_data["den_ngay"])
        if form.cleaned_data["q"] and only_words and results.number == 1:
            context["elsewhere"] = elsewhere.other_matches(form.cleaned_data["q"])
        context["query_string"] = urlencode({name: data[name] for name in SearchForm.base_fields if data[name]})
    response = render(request, "search/search.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response
