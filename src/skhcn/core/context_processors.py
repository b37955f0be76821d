from django.core.exceptions import DisallowedHost

from . import generation


def content_generation(request):
    """The key under which process-local fragment caches keep the page chrome, and the site's absolute base URL."""
    try:
        base_url = f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:  # rendering the 400 page for a request with a forged Host header
        base_url = ""
    return {"content_generation": generation.current(), "base_url": base_url}
