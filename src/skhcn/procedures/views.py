import re
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import services
from .forms import CatalogueFilterForm, Messages

PAGE_SIZE = 20
PAGE_RE = re.compile(r"[1-9][0-9]{0,5}")


@require_GET
def procedure_list(request):
    """The public catalogue. Invalid filter values are ignored with a notice and answered with a 400."""
    params = request.GET
    data = {name: params.get(name, "") for name in CatalogueFilterForm.base_fields}
    form = CatalogueFilterForm(data)
    status = 200 if form.is_valid() else 400
    notices = []
    criteria = form.criteria()
    paginator = Paginator(services.filter_catalogue(**criteria), PAGE_SIZE)
    raw_page = params.get("page", "")
    requested = 1
    if raw_page and PAGE_RE.fullmatch(raw_page):
        requested = int(raw_page)
    elif raw_page:
        notices.append(Messages.PAGE_INVALID)
    page = paginator.get_page(requested)
    if page.number != requested:
        notices.append(Messages.PAGE_PAST_END.format(requested=requested, number=page.number))
    query_string = urlencode({name: value for name, value in data.items() if value and name not in form.errors})
    context = {
        "form": form,
        "page_obj": page,
        "procedures": page.object_list,
        "summary": services.summary(),
        "notices": notices,
        "query_string": query_string,
        "filtered": any(criteria.values()),
    }
    return render(request, "procedures/procedure_list.html", context, status=status)


@require_GET
def procedure_detail(request, code):
    procedure = services.get_active(code)
    if procedure is None:
        message = "Không tìm thấy thủ tục hành chính này, hoặc thủ tục đã thôi áp dụng."
        return render(request, "procedures/not_found.html", {"message": message}, status=404)
    return render(request, "procedures/procedure_detail.html", {"procedure": procedure})
