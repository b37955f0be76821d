import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import services
from .charts import bars
from .constants import Dimension
from .forms import PeriodForm

TABLES = {
    "theo-gio": "Lượt truy cập theo giờ trong ngày",
    "theo-ngay": "Lượt truy cập theo ngày",
    "theo-thang": "Lượt truy cập theo tháng",
    "theo-nam": "Lượt truy cập theo năm",
    "trinh-duyet": "Trình duyệt",
    "he-dieu-hanh": "Hệ điều hành",
    "trang-gioi-thieu": "Trang giới thiệu (nguồn truy cập)",
    "may-tim-kiem": "Máy chủ tìm kiếm",
    "bai-viet": "Bài viết được xem nhiều",
}
DIMENSIONS = {
    "trinh-duyet": Dimension.BROWSER,
    "he-dieu-hanh": Dimension.OS,
    "trang-gioi-thieu": Dimension.REFERRER,
    "may-tim-kiem": Dimension.BOT,
}


def _rows(table: str, year: int, month: int):
    if table == "theo-gio":
        return services.by_hour(year, month)
    if table == "theo-ngay":
        return services.by_day(year, month)
    if table == "theo-thang":
        return services.by_month(year)
    if table == "theo-nam":
        return services.by_year()
    return services.dimension(year, month, DIMENSIONS[table])


@require_GET
def statistics(request):
    form = PeriodForm(request.GET or None)
    year, month = form.period()
    context = {
        "form": form,
        "year": year,
        "month": month,
        "months_list": range(1, 13),
        "years": range(services.first_year(), max(year, services.first_year()) + 1),
        "figures": services.current_figures(),
        "hour_rows": services.by_hour(year, month),
        "day_rows": services.by_day(year, month),
        "month_rows": services.by_month(year),
        "year_rows": services.by_year(),
        "dimensions": [(slug, TABLES[slug], services.dimension(year, month, dim)) for slug, dim in DIMENSIONS.items()],
        "articles": services.top_articles(year, month),
    }
    context["hours"] = bars(context["hour_rows"], every=3)
    context["days"] = bars(context["day_rows"], every=5)
    context["months"] = bars(context["month_rows"])
    context["years_chart"] = bars(context["year_rows"])
    return render(request, "visits/statistics.html", context, status=200 if form.is_valid() or not request.GET else 400)


@require_GET
def statistics_csv(request, table: str):
    if table not in TABLES:
        raise Http404("Không có bảng số liệu này")
    form = PeriodForm(request.GET or None)
    if request.GET and not form.is_valid():
        return HttpResponse(
            "Tham số không hợp lệ: " + "; ".join(e for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    year, month = form.period()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    suffix = f"{year}" if table in ("theo-thang",) else ("tat-ca" if table == "theo-nam" else f"{year}-{month:02d}")
    response["Content-Disposition"] = f'attachment; filename="thong-ke-{table}-{suffix}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 Vietnamese correctly with a BOM
    writer = csv.writer(response)
    if table == "bai-viet":
        writer.writerow(["Bài viết", "Địa chỉ", "Lượt xem"])
        writer.writerows(services.top_articles(year, month, limit=100))
    elif table in DIMENSIONS:
        writer.writerow([TABLES[table], "Lượt truy cập"])
        writer.writerows((row.label, row.humans) for row in services.dimension(year, month, DIMENSIONS[table], 500))
    else:
        writer.writerow(["Thời gian", "Lượt truy cập (người)", "Lượt truy cập (máy tìm kiếm)", "Lượt xem trang"])
        writer.writerows((row.label, row.humans, row.bots, row.page_views) for row in _rows(table, year, month))
    return response
