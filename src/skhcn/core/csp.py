"""The Content-Security-Policy header (django-csp), with the Wagtail admin's allowances on its pages only.

The policy itself is ``settings.CONTENT_SECURITY_POLICY``. Public pages get it as is: no inline script or style, so a
page the full-page cache serves again needs no fresh nonce. Under ``settings.CSP_ADMIN_PATH_PREFIX`` the sources of
``settings.CSP_ADMIN_ADDITIONS`` are added, because Wagtail's admin still writes inline scripts (date pickers,
inline panels) and inline styles.

django-csp builds the header text anew for every response and prepares a nonce for every request, which cost a third
of a page-cache hit (about 50 µs of 150). Public pages never have a nonce (they are served again from the page cache)
and, without per-view CSP decorators, get the same text every time: it is built once and reused until the settings
change. Admin pages go through django-csp unchanged.
"""

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.exceptions import CSPNonceError
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse

# Attributes django-csp's view decorators put on a response: such a response takes the general (slow) path.
PER_VIEW = frozenset(
    {
        "_csp_config",
        "_csp_update",
        "_csp_replace",
        "_csp_exempt",
        "_csp_config_ro",
        "_csp_update_ro",
        "_csp_replace_ro",
        "_csp_exempt_ro",
    }
)
_built: dict = {}  # "public": [(header, value)] to set on public pages; "excludes": whether paths are excluded


@receiver(setting_changed)
def _forget(setting, **kwargs):
    if setting.startswith(("CONTENT_SECURITY_POLICY", "CSP_")) or setting == "DEBUG":
        _built.clear()


def _excludes_paths() -> bool:
    """django-csp's EXCLUDE_URL_PREFIXES make the header depend on the path: no reuse then."""
    excludes = _built.get("excludes")
    if excludes is None:
        excludes = _built["excludes"] = any(
            (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES")
            for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
        )
    return excludes


def _no_nonce_on_public_pages():
    raise CSPNonceError("Public pages are served again from the page cache: they cannot use a CSP nonce.")


# One shared object for every public request: reading request.csp_nonce there raises instead of making a nonce.
NO_NONCE = CheckableLazyObject(_no_nonce_on_public_pages)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    async_capable = False  # the site runs on WSGI; the fast path below is synchronous

    def __call__(self, request):
        if request.path_info.startswith(settings.CSP_ADMIN_PATH_PREFIX) or _excludes_paths():
            return super().__call__(request)  # django-csp as is (nonces allowed in the admin)
        request.csp_nonce = NO_NONCE
        response = self.get_response(request)
        if not PER_VIEW.isdisjoint(vars(response)):
            return super().process_response(request, response)
        headers = _built.get("public")
        if headers is None:
            # What django-csp sets on a plain public response, built once.
            sample = super().process_response(request, HttpResponse())
            headers = _built["public"] = [
                (name, sample[name]) for name in (HEADER, HEADER_REPORT_ONLY) if name in sample
            ]
        if settings.DEBUG and response.status_code in (404, 500):
            return response  # django-csp leaves Django's debug pages alone
        for name, value in headers:
            if name not in response:
                response[name] = value
        return response

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(settings.CSP_ADMIN_PATH_PREFIX):
            additions = {name: list(sources) for name, sources in settings.CSP_ADMIN_ADDITIONS.items()}
            for name, sources in (parts.update or {}).items():
                additions[name] = [*additions.get(name, []), *sources]
            parts.update = additions
        return parts
