"""Live fragments of the portal's own blocks inside cached pages: the visit counter of the sidebar."""

from django.conf import settings
from django.template.loader import render_to_string

from skhcn.core import generation
from skhcn.core.fragments import provider
from skhcn.core.localcache import TTLCache
from skhcn.visits.services import current_figures

from .models import SidebarBlock

_rendered = TTLCache(max_entries=200)


def _block_title(block_id: str) -> str:
    key = (generation.current(), block_id)
    title = _rendered.get(key)
    if title is None:
        title = SidebarBlock.objects.filter(id=block_id).values_list("title", flat=True).first() or "Thống kê truy cập"
        _rendered.set(key, title, 600)
    return title


@provider("visit_counter", same_for_everyone=True)
def counter_block(request, arg: str) -> str:
    if not settings.VISITS_ENABLED or not arg.isdigit():
        return ""
    figures = current_figures()
    key = ("html", generation.current(), arg)
    cached = _rendered.get(key)
    if cached is None or cached[0] is not figures:  # rendered again only when the figures were recomputed
        html = render_to_string(
            "visits/counter_block.html", {"title": _block_title(arg), "figures": figures, "block_id": arg}
        )
        cached = (figures, html)
        _rendered.set(key, cached, 600)
    return cached[1]
