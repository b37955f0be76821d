"""A real server (SKHCN_ENV=production; deploy/production.env.example, docs/trien-khai.md).

Importing it has no side effect: its folders are made at installation and its secret key comes from the environment,
shared by every application server. HTTPS is on by default; what is missing or unsafe stops every process here with
a Vietnamese message naming the variable to set (``skhcn.environment``).
"""

import os

from skhcn.environment import PRODUCTION, env_bool, env_list, production_problems, refuse_production_problems
from skhcn.settings.base import *  # noqa: F403

SKHCN_ENV = PRODUCTION

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")  # no default: the portal's own names, refused below when empty

# HTTPS only: secure cookies whatever SECURE_COOKIES says, HSTS for a year and a redirect from http:// by default
# (a proxy may do the redirect).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 3600))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)

# No sandbox offered by default, even with PAYMENT_SANDBOX_ALLOWED: a system check refuses any sandbox plugin here.
PAYMENT_GATEWAYS = env_list("PAYMENT_GATEWAYS")

refuse_production_problems(
    production_problems(debug=DEBUG, secret_key=SECRET_KEY, allowed_hosts=ALLOWED_HOSTS, base_url=WAGTAILADMIN_BASE_URL)
)
