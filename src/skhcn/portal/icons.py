"""/favicon.ico: browsers and crawlers ask for it at the root whatever the page links, so it redirects to the icon
among the static files (portal/favicon.ico; the pages link portal/favicon.svg)."""

from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET


@require_GET
@cache_control(max_age=86400, public=True)
def favicon_ico(request):
    return HttpResponsePermanentRedirect(static("portal/favicon.ico"))
