from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from skhcn.core.paging import filter_query_string, page_with_notices

from . import services
from .forms import CatalogueFilterForm, Messages

PAGE_SIZE = 20


@require_GET
def procedure_list(request):
    """The public catalogue. Invalid filter values are ignored with a notice and answered with a 400."""
    params = request.GET
    data = {name: params.get(name, "") for name in CatalogueFilterForm.base_fields}
    form = CatalogueFilterForm(data)
    status = 200 if form.is_valid() else 400
    criteria = form.criteria()
    paginator = Paginator(services.filter_catalogue(**criteria), PAGE_SIZE)
    page, notices = page_with_notices(paginator, params.get("page", ""), Messages)
    context = {
        "form": form,
        "page_obj": page,
        "procedures": page.object_list,
        "summary": services.summary(),
        "notices": notices,
        "query_string": filter_query_string(data, form),
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
