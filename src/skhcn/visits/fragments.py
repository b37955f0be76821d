"""The article's view count inside cached pages (the portal renders the counter block of its sidebar)."""

from django.conf import settings

from skhcn.core.fragments import provider

from .services import article_views


@provider("views", same_for_everyone=True)
def view_count(request, arg: str) -> str:
    if not settings.VISITS_ENABLED or not arg.isdigit():
        return ""
    viewed = getattr(request, "viewed_articles", None)
    if viewed is not None:
        viewed.append(int(arg))  # the visit middleware records it with this page view
    return f' <span class="views">· Lượt xem: {int(article_views(int(arg)))}</span>'
