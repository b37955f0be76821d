"""The Content-Security-Policy header (django-csp), with the Wagtail admin's allowances on its pages only.

The policy itself is ``settings.CONTENT_SECURITY_POLICY``. Public pages get it as is: no inline script or style, so a
page the full-page cache serves again needs no fresh nonce. Under ``settings.CSP_ADMIN_PATH_PREFIX`` the sources of
``settings.CSP_ADMIN_ADDITIONS`` are added, because Wagtail's admin still writes inline scripts (date pickers,
inline panels) and inline styles.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(settings.CSP_ADMIN_PATH_PREFIX):
            additions = {name: list(sources) for name, sources in settings.CSP_ADMIN_ADDITIONS.items()}
            for name, sources in (parts.update or {}).items():
                additions[name] = [*additions.get(name, []), *sources]
            parts.update = additions
        return parts
