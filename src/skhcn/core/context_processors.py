from . import generation


def content_generation(request):
    """The key under which process-local fragment caches keep the page chrome, and the site's absolute base URL."""
    return {"content_generation": generation.current(), "base_url": f"{request.scheme}://{request.get_host()}"}
