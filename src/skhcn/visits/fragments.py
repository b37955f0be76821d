from django.conf import settings
from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils.html import escape

from skhcn.core import generation
from skhcn.core.fragments import provider

from .services import article_views, current_figures


def _block_title(block_id: str) -> str:
    from skhcn.portal.models import SidebarBlock

    key = f"counter-title:{generation.current()}:{block_id}"
    cache = caches["local"]
    title = cache.get(key)
    if title is None:
        title = SidebarBlock.objects.filter(id=block_id).values_list("title", flat=True).first() or "Thống kê truy cập"
        cache.set(key, title, 600)
    return title


@provider("visit_counter")
def counter_block(request, arg: str) -> str:
    if not settings.VISITS_ENABLED or not arg.isdigit():
        return ""
    figures = current_figures()
    key = f"counter-html:{generation.current()}:{arg}"
    cache = caches["local"]
    cached = cache.get(key)
    if cached is None or cached[0] != figures:  # rendered again only when a figure changed
        html = render_to_string(
            "visits/counter_block.html", {"title": _block_title(arg), "figures": figures, "block_id": arg}
        )
        cached = (figures, html)
        cache.set(key, cached, 600)
    return cached[1]


@provider("views")
def view_count(request, arg: str) -> str:
    if not settings.VISITS_ENABLED or not arg.isdigit():
        return ""
    viewed = getattr(request, "viewed_articles", None)
    if viewed is not None:
        viewed.append(int(arg))  # the visit middleware records it with this page view
    return f' <span class="views">· Lượt xem: {escape(article_views(int(arg)))}</span>'
