"""Helpers for the applicant's pages, shared with other apps' applicant pages (payments)."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.urls import reverse


def private_page(response):
    """Per-user pages: never stored by browsers, proxies or the page cache, never indexed."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def applicant_view(next_url_name: str | None = None):
    """Login required; an expired session on a POST-only action sends the user back to the dossier page after login."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                if next_url_name:
                    target = reverse(next_url_name, kwargs={"pk": kwargs["pk"]})
                else:
                    target = request.get_full_path()
                return redirect_to_login(target)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
