"""What every environment shares, read from the environment (12-factor). Importing it has no side effect: it
creates no folder and writes no file (``local`` and ``test`` do that; ``production`` never does).

Each setting is defined once, here or, where an environment needs another default, in ``local``, ``production`` or
``test``; the code reads ``settings.NAME`` and repeats no default. Production needs ``SECRET_KEY``,
``ALLOWED_HOSTS`` and ``BASE_URL``, usually ``DATABASE_URL`` and ``REDIS_URL``, optionally the ``AWS_*`` variables
for S3-compatible media storage (``deploy/production.env.example``).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from skhcn.environment import env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent  # src/skhcn
PROJECT_DIR = BASE_DIR.parent.parent

DEBUG = env_bool("DEBUG")

DATA_DIR = Path(os.environ.get("SKHCN_DATA_DIR", PROJECT_DIR / "var")).resolve()
# Empty here: `local` and `test` fall back to a key generated in DATA_DIR; `production` refuses to start without one.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
# `production` has no default: it refuses to start without the portal's own names.
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Only these proxies' X-Forwarded-For is believed (comma-separated IPs).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

INSTALLED_APPS = [
    "skhcn.core",
    "skhcn.accounts",
    "skhcn.portal",
    "skhcn.ratings",
    "skhcn.search",
    "skhcn.visits",
    "skhcn.deadlines",
    "skhcn.procedures",
    "skhcn.dossiers",
    "skhcn.delivery",
    "skhcn.payments",
    "skhcn.notifications",
    "skhcn.registries",
    "csp",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # First, so that it compresses the final body: page-cache hits with their live fragments filled in.
    "skhcn.core.compression.TextGZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Above the page cache, so pages served from memory carry the header too.
    "skhcn.core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Counts every HTML page view, including those the page cache serves.
    "skhcn.visits.middleware.VisitCounterMiddleware",
    # Serves anonymous page views from memory; below CSRF so the token cookie is still set on hits.
    "skhcn.core.pagecache.PageCacheMiddleware",
    "skhcn.portal.middleware.SiteContextMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Staff who typed the password but not the two-factor code reach no page but the code page
    # (see skhcn.accounts.middleware).
    "skhcn.accounts.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a login that has just been locked into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "skhcn.urls"
WSGI_APPLICATION = "skhcn.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "skhcn.core.context_processors.content_generation",
            ],
        },
    },
]
if not DEBUG:
    # Compiled templates are kept in memory: templates are parsed once per process.
    TEMPLATES[0]["APP_DIRS"] = False
    TEMPLATES[0]["OPTIONS"]["loaders"] = [
        (
            "django.template.loaders.cached.Loader",
            ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"],
        )
    ]

# --- Database: SQLite in WAL mode by default, PostgreSQL through DATABASE_URL ---
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "db.sqlite3",
            # Keep the connection: opening one runs seven PRAGMAs, which is a noticeable part of a page render.
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
                    " PRAGMA temp_store=MEMORY; PRAGMA mmap_size=268435456; PRAGMA cache_size=-32000;"
                ),
            },
        }
    }
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Caches: process-local memory for rendered fragments, Redis (when configured) for shared state ---
REDIS_URL = os.environ.get("REDIS_URL", "")
# Seconds to wait for Redis before treating it as down (connect and each command). Short: a Redis outage must cost a
# page a fraction of a second, not hang it.
REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", 0.5))
CACHES = {
    "default": (
        {
            # django-redis, told to treat a Redis outage as a cache miss (get → None, add/set → not stored) instead
            # of an error page. Callers that must not fail open (throttles) check the result (docs/van-hanh.md).
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "skhcn",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": REDIS_TIMEOUT,
                "SOCKET_TIMEOUT": REDIS_TIMEOUT,
            },
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "skhcn-default"}
    ),
    "local": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "skhcn-local",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
# Process-local full-page cache for anonymous visitors (see skhcn.core.pagecache).
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
PAGE_CACHE_MAX_BYTES = int(os.environ.get("PAGE_CACHE_MAX_BYTES", 48 * 1024 * 1024))
PAGE_CACHE_TTL = int(os.environ.get("PAGE_CACHE_TTL", 600))
# How often each process checks whether editors changed content (seconds).
CONTENT_GENERATION_CHECK_SECONDS = float(os.environ.get("CONTENT_GENERATION_CHECK_SECONDS", 1.0))

# Sessions live in the database only: a Redis outage must not log anyone out or let a stale cached copy of a session
# outlive a logout made while Redis was down.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False  # the visit counter logs a Redis outage once a minute (core.resilience)
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ---
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
# Project translations first: src/skhcn/locale/vi fills the gaps of Wagtail's own "vi" catalogue in the admin
# (docs/man-hinh-can-bo.md, `make messages` compiles it).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
USE_THOUSAND_SEPARATOR = False

# --- Static and media files ---
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    # S3-compatible object storage for uploads (MinIO, Viettel/VNPT cloud, AWS...).
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", False),
            "file_overwrite": False,
        },
    }
WHITENOISE_MAX_AGE = 3600
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
FILE_UPLOAD_PERMISSIONS = 0o644
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Security (production: docs/trien-khai.md; `production` turns HTTPS on by default and checks these) ---
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the rating script reads it to send X-CSRFToken
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)  # always on in production
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# A developer's machine has no HTTPS: no redirect and no HSTS unless asked for.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
# Preloading is a decision for the owner of the registrable domain (the province), not for this portal.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]  # W021: "HSTS preload is off"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Not DENY (check security.W019 silenced): staff pages show dossier files and Wagtail previews in frames of this site.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS.append("security.W019")
CSRF_FAILURE_VIEW = "skhcn.core.views.csrf_failure"
if env_bool("BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Content-Security-Policy on every response (django-csp; skhcn.core.csp). Scripts and styles only from this site:
# no inline code on the public side, so a cached page needs no per-response nonce. Extra hosts from the environment.
CSP_MEDIA_HOSTS = env_list("CSP_MEDIA_HOSTS")  # images and videos served from elsewhere (a CDN)
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):  # uploads on S3: their URLs name the custom domain, else the endpoint
    CSP_MEDIA_HOSTS.append(
        f"https://{os.environ['AWS_S3_CUSTOM_DOMAIN']}"
        if os.environ.get("AWS_S3_CUSTOM_DOMAIN")
        else "/".join(os.environ.get("AWS_S3_ENDPOINT_URL", "").split("/")[:3])
    )
    CSP_MEDIA_HOSTS = [host for host in CSP_MEDIA_HOSTS if host]
CSP_FRAME_HOSTS = env_list("CSP_FRAME_HOSTS")  # more video players to embed
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *CSP_MEDIA_HOSTS],
        "media-src": [SELF, *CSP_MEDIA_HOSTS],
        # The film library's players (registries.models.embed_src).
        "frame-src": [SELF, "https://www.youtube-nocookie.com", "https://player.vimeo.com", *CSP_FRAME_HOSTS],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
# The Wagtail admin (staff only) still writes inline scripts and styles (its date pickers, inline panels...).
CSP_ADMIN_PATH_PREFIX = "/admin/"
CSP_ADMIN_ADDITIONS = {"script-src": ["'unsafe-inline'"], "style-src": ["'unsafe-inline'"], "img-src": ["blob:"]}

# --- Wagtail ---
WAGTAIL_SITE_NAME = os.environ.get("SITE_NAME", "Sở Khoa học và Công nghệ")
# The portal's address in e-mails, texts and the QR codes on receipts (production requires https://).
# Every absolute link (canonical, sitemap, feeds, e-mails, PDFs, QR codes). Unset: the address `make run` serves on
# (HOST/PORT of skhcn.server; a wildcard host is linked as 127.0.0.1). Production requires it.
_WILDCARD_HOSTS = {"0.0.0.0", "::", ""}  # noqa: S104 - compared with HOST, never bound here
_LINK_HOST = os.environ.get("HOST", "127.0.0.1")
_LINK_HOST = "127.0.0.1" if _LINK_HOST in _WILDCARD_HOSTS else _LINK_HOST
WAGTAILADMIN_BASE_URL = os.environ.get("BASE_URL") or f"http://{_LINK_HOST}:{os.environ.get('PORT', '8000')}"
WAGTAIL_I18N_ENABLED = False
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# Vietnamese only: the account page offers no other admin language, so every staff member sees the admin in Vietnamese.
WAGTAILADMIN_PERMITTED_LANGUAGES = [("vi", "Tiếng Việt")]
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"webp": "webp", "avif": "avif"}
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# No avatars from gravatar.com: staff e-mail hashes stay here, and the CSP allows no third-party images.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_LOGIN_URL = "wagtailadmin_login"
# Citizens and businesses log in on the public site; staff use the Wagtail admin login.
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dossiers:mine"
# Staff must confirm each admin session with a TOTP code (docs/dang-nhap-bao-mat.md).
STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED", True)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", WAGTAIL_SITE_NAME)

# --- Login lockout: django-axes with its database handler, so it holds while Redis is down ---
# (docs/dang-nhap-bao-mat.md). axes' backend refuses a locked login before the password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", 15)))
# "username": one count per login name, whatever the address (an office behind one NAT address is not locked out
# together). "username,ip_address" locks names and addresses separately; "username+ip_address" the pair.
AXES_LOCKOUT_PARAMETERS = [
    item.split("+") if "+" in item else item for item in env_list("AXES_LOCKOUT_PARAMETERS", "username")
]
AXES_USERNAME_CALLABLE = "skhcn.accounts.lockout.login_name"
AXES_CLIENT_IP_CALLABLE = "skhcn.core.net.client_ip"  # X-Forwarded-For only from TRUSTED_PROXIES
AXES_LOCKOUT_CALLABLE = "skhcn.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Attempts while locked neither count nor extend the lock: it ends AXES_COOLOFF_TIME after the last counted failure.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Successful logins are already in Wagtail's audit log (staff); axes' own access log would grow without end.
AXES_DISABLE_ACCESS_LOG = not env_bool("AXES_ACCESS_LOG", False)
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "csrfmiddlewaretoken"]
AXES_VERBOSE = False
# axes.W006 warns when addresses are not part of the lockout: per login name is the policy above.
SILENCED_SYSTEM_CHECKS.append("axes.W006")

# --- Throttles (skhcn.core.throttle, on the `limits` library) ---
# Shared between processes through Redis when set; "memory://" keeps counts per process.
THROTTLE_STORAGE_URL = os.environ.get("THROTTLE_STORAGE_URL", REDIS_URL or "memory://")
# A Redis that does not answer within this many seconds counts as down; it is tried again after THROTTLE_RETRY_SECONDS.
THROTTLE_REDIS_TIMEOUT = float(os.environ.get("THROTTLE_REDIS_TIMEOUT", 0.5))
THROTTLE_RETRY_SECONDS = float(os.environ.get("THROTTLE_RETRY_SECONDS", 10))
# Public dossier tracking: lookups per client address in any window of this many seconds.
DOSSIER_TRACK_MAX_LOOKUPS = int(os.environ.get("DOSSIER_TRACK_MAX_LOOKUPS", 20))
DOSSIER_TRACK_WINDOW_SECONDS = int(os.environ.get("DOSSIER_TRACK_WINDOW_SECONDS", 600))

# --- Portal ---
SEARCH_MAX_QUERY_LENGTH = 200
RATING_MAX_VOTES_PER_ADDRESS_PER_DAY = int(os.environ.get("RATING_MAX_VOTES_PER_ADDRESS_PER_DAY", 30))

# --- Visit statistics (docs/thong-ke-truy-cap.md) ---
VISITS_ENABLED = env_bool("VISITS_ENABLED", True)
VISITS_FLUSH_SECONDS = float(os.environ.get("VISITS_FLUSH_SECONDS", 1.0))
VISITS_REDIS_PREFIX = os.environ.get("VISITS_REDIS_PREFIX", "skhcn:visits:")
# Past this many different browsers a minute from one address (per process), the rest count as one visitor.
VISITS_MAX_BROWSERS_PER_ADDRESS_PER_MINUTE = int(os.environ.get("VISITS_MAX_BROWSERS_PER_ADDRESS_PER_MINUTE", 60))
# Page views one process keeps while the counter store (Redis or the database) is away; past it the oldest are dropped.
# At 20 page views a second shared by two processes, 100,000 last about 2.8 hours.
VISITS_BUFFER_MAX_VIEWS = int(os.environ.get("VISITS_BUFFER_MAX_VIEWS", 100_000))

# --- Accounts and e-mail ---
# Without EMAIL_HOST, mail is written to files under the data folder (one file per message) so a local install
# works offline; docs/tai-khoan.md tells where to read verification links.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Sở Khoa học và Công nghệ <no-reply@localhost>")
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 20))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
# Identity providers offered on the login page, in order (see skhcn.accounts.identity).
IDENTITY_PROVIDERS = [p for p in os.environ.get("IDENTITY_PROVIDERS", "local").split(",") if p]

# --- Online public services (docs/dich-vu-cong.md) ---
AGENCY_CODE = os.environ.get("AGENCY_CODE", "000.26.H11")
AGENCY_NAME = os.environ.get("AGENCY_NAME", "Sở Khoa học và Công nghệ")
# Place in the date line of printed forms ("Cao Bằng, ngày ... tháng ... năm ...").
AGENCY_PLACE = os.environ.get("AGENCY_PLACE", "Cao Bằng")
# Printed forms (docs/bieu-mau.md): the superior agency above the agency's name (Decree 30/2020 header), the agency's
# abbreviation in paper numbers, the unit that receives dossiers and returns results (the department's one-stop
# desk; since Decree 118/2025 it may be the province's public-administration service centre: then set the name and
# leave the parent empty), and the desk's phone for the guidance on form 02 when the officer has none.
AGENCY_SUPERIOR = os.environ.get("AGENCY_SUPERIOR", "UBND tỉnh Cao Bằng")
AGENCY_ABBREVIATION = os.environ.get("AGENCY_ABBREVIATION", "SKHCN")
RECEIVING_UNIT_NAME = os.environ.get("RECEIVING_UNIT_NAME", "Bộ phận Một cửa")
RECEIVING_UNIT_PARENT = os.environ.get("RECEIVING_UNIT_PARENT", AGENCY_NAME)
RECEIVING_UNIT_PHONE = os.environ.get("RECEIVING_UNIT_PHONE", "")
# Paper numbers: {serial} (per kind and year), {suffix} (per form: TNHS, PYCBS, PTCTN, PXL), {agency}, {year}.
DOSSIER_PAPER_NUMBER_FORMAT = os.environ.get("DOSSIER_PAPER_NUMBER_FORMAT", "{serial}/{suffix}-{agency}")
# Postal items (docs/buu-chinh.md): sender address on labels; carrier plugins offered (skhcn.delivery.carriers).
AGENCY_ADDRESS = os.environ.get("AGENCY_ADDRESS", "")
DELIVERY_CARRIERS = env_list("DELIVERY_CARRIERS", "manual")  # `local` adds the sandbox carrier
# Dossier files are private: a separate storage, never under MEDIA_URL.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", DATA_DIR / "private"))
STORAGES["private"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
}
if os.environ.get("AWS_PRIVATE_BUCKET_NAME"):
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_PRIVATE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
UPLOAD_MAX_FILE_BYTES = int(os.environ.get("UPLOAD_MAX_FILE_BYTES", 20 * 1024 * 1024))
UPLOAD_MAX_DOSSIER_BYTES = int(os.environ.get("UPLOAD_MAX_DOSSIER_BYTES", 100 * 1024 * 1024))
UPLOAD_ALLOWED_TYPES = [t for t in os.environ.get("UPLOAD_ALLOWED_TYPES", "pdf,jpeg,png,docx,xlsx,odt").split(",") if t]
# PDFs with active content (JavaScript, automatic actions, Launch, embedded files ...): "refuse" them, or "strip" it
# and store the cleaned copy with a note for staff (docs/tep-dinh-kem.md). Any other value refuses.
UPLOAD_PDF_ACTIVE_CONTENT = os.environ.get("UPLOAD_PDF_ACTIVE_CONTENT", "refuse").strip().lower()
# Office files (.docx, .xlsx, .odt) are ZIP archives: refused past this many bytes unpacked, this ratio of unpacked
# to packed size, or this many entries (a "zip bomb").
UPLOAD_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("UPLOAD_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024))
UPLOAD_MAX_COMPRESSION_RATIO = int(os.environ.get("UPLOAD_MAX_COMPRESSION_RATIO", 100))
UPLOAD_MAX_ZIP_ENTRIES = int(os.environ.get("UPLOAD_MAX_ZIP_ENTRIES", 5000))
# Signed-in staff posting under these paths are not held to the upload limits (Wagtail has its own).
UPLOAD_LIMIT_EXEMPT_PATHS = ("/admin/", "/django-admin/")
# Per account: open (unsubmitted) drafts, and bytes of the files in all of them together.
DOSSIER_MAX_OPEN_DRAFTS = int(os.environ.get("DOSSIER_MAX_OPEN_DRAFTS", 20))
DOSSIER_MAX_DRAFT_BYTES = int(os.environ.get("DOSSIER_MAX_DRAFT_BYTES", 200 * 1024 * 1024))
# ClamAV: scan every upload through clamd when one of these is set; a failing scanner refuses the file.
CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")
CLAMD_HOST = os.environ.get("CLAMD_HOST", "")
CLAMD_PORT = int(os.environ.get("CLAMD_PORT", 3310))
CLAMD_TIMEOUT = float(os.environ.get("CLAMD_TIMEOUT", 30))  # seconds for one scan
# Uploads go to temporary files on disk, never wholly into memory; files past the limits above are dropped while
# arriving (admin users on /admin/ excepted: Wagtail has its own limits). See skhcn.core.uploads.
FILE_UPLOAD_HANDLERS = ["skhcn.core.uploads.SizeLimitedUploadHandler"]
FILE_UPLOAD_TEMP_DIR = os.environ.get("FILE_UPLOAD_TEMP_DIR") or None

# --- Backup and restore (docs/sao-luu.md) ---
# Where `manage.py backup` / `make backup` writes its archives.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", DATA_DIR / "backups"))
# Keep only this many newest archives in BACKUP_DIR after each backup (0: keep them all).
BACKUP_KEEP = int(os.environ.get("BACKUP_KEEP", 0))
# Folder of pg_dump / pg_restore / psql (empty: found on PATH); their major version must be >= the server's.
BACKUP_PG_BIN_DIR = os.environ.get("BACKUP_PG_BIN_DIR", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Staff workflow (docs/quy-trinh-ho-so.md) ---
# Each process reloads the working calendar (days off, make-up working days) at most this many seconds after a change.
DEADLINES_CALENDAR_TTL_SECONDS = float(os.environ.get("DEADLINES_CALENDAR_TTL_SECONDS", 60))
# "Sắp đến hạn": at most this many working days left before the due day.
DEADLINE_DUE_SOON_WORKING_DAYS = int(os.environ.get("DEADLINE_DUE_SOON_WORKING_DAYS", 1))
# Online dossiers awaiting intake: the one-stop officer checks them within this many working hours (office hours,
# working days) of their submission or resubmission. A configuration, to be checked against Nghị định 45/2020/NĐ-CP
# (docs/quy-trinh-ho-so.md); 1–1000 (system check dossiers.E001).
DOSSIER_INTAKE_WORKING_HOURS = int(os.environ.get("DOSSIER_INTAKE_WORKING_HOURS", 8))
# "Sắp đến hạn tiếp nhận" in the one-stop queue and the reminder: at most this many office hours left.
DOSSIER_INTAKE_DUE_SOON_HOURS = int(os.environ.get("DOSSIER_INTAKE_DUE_SOON_HOURS", 2))
# Daily reminders to staff from this hour (Asia/Ho_Chi_Minh), once a day.
DOSSIER_REMINDER_HOUR = int(os.environ.get("DOSSIER_REMINDER_HOUR", 7))
# Result numbers "<serial>/<year>/<suffix>".
DOSSIER_RESULT_NUMBER_SUFFIX = os.environ.get("DOSSIER_RESULT_NUMBER_SUFFIX", "KQ-SKHCN")
DOSSIER_RESULT_FILE_TYPES = os.environ.get("DOSSIER_RESULT_FILE_TYPES", "pdf")
DOSSIER_APOLOGY_MAX_EXTENSION_DAYS = int(os.environ.get("DOSSIER_APOLOGY_MAX_EXTENSION_DAYS", 90))
DOSSIER_MAX_BACKDATE_DAYS = int(os.environ.get("DOSSIER_MAX_BACKDATE_DAYS", 60))

# --- Online payment (docs/thanh-toan.md) ---
# The payment sandbox never runs with SKHCN_ENV=production; `local` allows it and offers it by default.
PAYMENT_SANDBOX_ALLOWED = env_bool("PAYMENT_SANDBOX_ALLOWED", DEBUG)
PAYMENT_GATEWAYS = env_list("PAYMENT_GATEWAYS", "sandbox" if PAYMENT_SANDBOX_ALLOWED else "")
VNPAY_TMN_CODE = os.environ.get("VNPAY_TMN_CODE", "")
VNPAY_HASH_SECRET = os.environ.get("VNPAY_HASH_SECRET", "")
# Signs the sandbox's simulated gateway replies; empty: a secret generated in the data folder on first use.
PAYMENT_SANDBOX_SECRET = os.environ.get("PAYMENT_SANDBOX_SECRET", "")
VNPAY_PAY_URL = os.environ.get("VNPAY_PAY_URL", "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html")
# The payer's form submission is redirected to VNPay's payment page. Only an operator's PAYMENT_GATEWAYS names "vnpay"
# (the environments' defaults differ only by "sandbox"), so this holds for every environment.
if "vnpay" in PAYMENT_GATEWAYS:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append("/".join(VNPAY_PAY_URL.split("/")[:3]))
VNPAY_API_URL = os.environ.get("VNPAY_API_URL", "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction")
VNPAY_ORDER_TYPE = os.environ.get("VNPAY_ORDER_TYPE", "other")
VNPAY_API_TIMEOUT = float(os.environ.get("VNPAY_API_TIMEOUT", 20))  # seconds, querydr / refund calls
VNPAY_API_IP = os.environ.get("VNPAY_API_IP", "127.0.0.1")  # vnp_IpAddr of this server in API calls

# --- Notifications (docs/thong-bao.md) ---
# The SMS plugin (skhcn.notifications.sms); empty = no SMS. The sandbox records texts without sending them (the
# default with DEBUG and in `local`); a system check refuses it with SKHCN_ENV=production.
SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "sandbox" if DEBUG else "").strip()
# Dossiers filed on paper have no account to choose channels in: tell them by SMS when a phone number is known.
SMS_WITHOUT_ACCOUNT = env_bool("SMS_WITHOUT_ACCOUNT", True)
# A message left "sending" this long (its worker died after claiming it) is sent again: delivery is at least once.
NOTIFICATION_STUCK_SENDING_SECONDS = float(os.environ.get("NOTIFICATION_STUCK_SENDING_SECONDS", 15 * 60))
# A message queued this long and still not taken by a worker (the queue entry was lost) is queued again.
NOTIFICATION_REQUEUE_AFTER_SECONDS = float(os.environ.get("NOTIFICATION_REQUEUE_AFTER_SECONDS", 10 * 60))
