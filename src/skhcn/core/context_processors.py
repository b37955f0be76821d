from . import generation


def content_generation(request):
    """The key under which process-local fragment caches keep the page chrome."""
    return {"content_generation": generation.current()}
