"""Settings for newsreader, read from the environment.

DATABASE_URL  PostgreSQL URL; when unset an embedded PostgreSQL is started under var/.
SECRET_KEY    required unless DEBUG is on.
DEBUG         1/0 (default 0).
ALLOWED_HOSTS comma-separated (default: localhost names when DEBUG is on).
DATABASE_REPLICA_URLS
              PostgreSQL URLs of read replicas, comma- or space-separated (default: none);
              readers' GET and HEAD requests read from them (newsreader.routers).
REPLICA_PIN_SECONDS
              how long a client that wrote reads from the primary alone (default 10).
SITE_URL      the site's address, e.g. https://news.example.org: what canonical links,
              feeds and sitemaps name (default when DEBUG is on: the request's own).
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.http.request import split_domain_port

from newsreader.env import (
    env_bool,
    env_int,
    env_list,
    env_networks,
    env_ports,
    env_words,
    postgres_database,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"


def _site_url(raw: str) -> str:
    """The site's address, scheme and host only (https://news.example.org), or ""."""
    url = raw.strip().rstrip("/")
    parts = urlsplit(url)
    try:
        address_only = (
            parts.scheme in ("http", "https")
            and bool(parts.hostname)
            and parts.port != 0  # reading the port refuses one that is not a number
            and not any((parts.username, parts.path, parts.query, parts.fragment))
        )
    except ValueError:
        address_only = False
    if url and not address_only:
        raise ImproperlyConfigured(
            f"SITE_URL must be the site's address, like https://news.example.org; got {raw!r}"
        )
    return url


# The address pages name in canonical links, structured data, feeds and sitemaps, whatever
# Host header a request carries. `check --deploy` requires it (newsreader.pagecache).
SITE_URL = _site_url(os.environ.get("SITE_URL", ""))
_site_hosts = [split_domain_port(urlsplit(SITE_URL).netloc)[0]] if SITE_URL else []

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else _site_hosts
)

INSTALLED_APPS = [
    "newsreader.admin_site.NewsreaderAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "csp",
    "simple_history",
    "axes",
    "articles",
    "ingest",
    "benchmarks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "newsreader.middleware.CleanQueryStringMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    # a kept page is served from here, as the middleware below made it
    "newsreader.pagecache.PageCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "newsreader.middleware.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "newsreader.middleware.EditorLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsreader.middleware.DatabaseOutageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Failed admin logins (newsreader.logins, django-axes): after AXES_FAILURE_LIMIT failures
# for one account from one client address, that account is refused from that address for
# AXES_COOLOFF_MINUTES (from any other it is not). After LOGIN_SLOWDOWN_AFTER failures for
# an account, or from an address, an attempt that comes less than LOGIN_SLOWDOWN_MS per
# further failure (at most LOGIN_SLOWDOWN_MAX_SECONDS) after the last is refused at once,
# unchecked, with the seconds to wait; an account is never slowed from an address it has
# logged in from. Attempts are stored in the database (reset with `manage.py axes_reset`).
AUTHENTICATION_BACKENDS = [
    "newsreader.logins.LoginAttemptsBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# An attempt refused (locked out, or too soon) is not counted: it cannot prolong a lock.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "newsreader.logins.locked_out"
LOGIN_SLOWDOWN_AFTER = env_int("LOGIN_SLOWDOWN_AFTER", 2)
LOGIN_SLOWDOWN_MS = env_int("LOGIN_SLOWDOWN_MS", 500)
LOGIN_SLOWDOWN_MAX_SECONDS = env_int("LOGIN_SLOWDOWN_MAX_SECONDS", 60)
# Behind N reverse proxies, the client's address is the Nth from the right in
# X-Forwarded-For (otherwise every client would look like the proxy, and share its lock).
LOGIN_PROXY_COUNT = env_int("LOGIN_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "newsreader.logins.client_address"

ROOT_URLCONF = "newsreader.urls"
WSGI_APPLICATION = "newsreader.wsgi.application"

TEMPLATES = [
    {  # the reader's pages
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "newsreader.templating.environment",
            "context_processors": [
                "django.template.context_processors.i18n",
                "articles.context_processors.navigation",
            ],
        },
    },
    {  # the admin's
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    from newsreader.embedded_db import embedded_database_url

    return embedded_database_url(VAR_DIR / "postgres")


# A new connection's server process reads the catalogues afresh: its first search costs
# about 17 ms more. Kept for an hour, a worker meets that once an hour, not every minute.
_connections = {
    "conn_max_age": env_int("CONN_MAX_AGE", 0 if DEBUG else 3600),
    "conn_health_checks": True,
}
DATABASES = {"default": postgres_database("DATABASE_URL", _database_url(), **_connections)}
# Read replicas (newsreader.routers): replica_1, replica_2, … Tests read the primary's
# test database through them.
for _number, _url in enumerate(env_words("DATABASE_REPLICA_URLS"), start=1):
    DATABASES[f"replica_{_number}"] = {
        **postgres_database("DATABASE_REPLICA_URLS", _url, **_connections),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["newsreader.routers.PrimaryReplicaRouter"] if len(DATABASES) > 1 else []
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

ARTICLES_PER_PAGE = env_int("ARTICLES_PER_PAGE", 20)

REDIS_URL = os.environ.get("REDIS_URL", "").strip()
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        # each process's own memory: a page is one entry, and its own copy for outages
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("LOCAL_CACHE_ENTRIES", 10_000)},
        }
    )
}
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60)

# Security. An https SITE_URL turns SECURE_SSL_REDIRECT on (DEBUG off). Behind a
# TLS-terminating proxy, set SECURE_PROXY_SSL_HEADER to the header it sets (e.g.
# HTTP_X_FORWARDED_PROTO), or every request looks like http and is redirected for ever.
SECURE_SSL_REDIRECT = env_bool(
    "SECURE_SSL_REDIRECT", default=not DEBUG and SITE_URL.startswith("https:")
)
_proxy_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip()
SECURE_PROXY_SSL_HEADER = (_proxy_header, "https") if _proxy_header else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Asking browsers to preload HSTS for the domain is a commitment a deployer opts into.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 2 * 1024 * 1024)
# The admin's upload (ingest.views): a larger request is refused before it is read, and of
# each file no more than IMPORT_MAX_BYTES is kept.
IMPORT_UPLOAD_MAX_BYTES = env_int("IMPORT_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# Fetching feeds (ingest.feedxml): the longest a whole download may take, and the
# most it may bring (a larger or endless response is cut off and counts as a failure).
FEED_TIMEOUT_SECONDS = env_int("FEED_TIMEOUT_SECONDS", 20)
FEED_MAX_BYTES = env_int("FEED_MAX_BYTES", 5 * 1024 * 1024)
# Where feeds may be fetched from (newsreader.addresses): public addresses only, on these
# ports, unless an intranet deployment names its private networks, e.g. 10.1.0.0/16,fd00::/8.
FEED_ALLOWED_NETWORKS = env_networks("FEED_ALLOWED_NETWORKS")
FEED_ALLOWED_PORTS = env_ports("FEED_ALLOWED_PORTS", (80, 443))
# Machine suggestions on the translation desk (articles.desk.machine): "none", or
# "libretranslate" for a self-hosted LibreTranslate server at TRANSLATION_URL (with
# TRANSLATION_API_KEY if it asks for one). Its address is checked before each request:
# public, or in TRANSLATION_ALLOWED_NETWORKS (a self-hosted server is usually on a private
# network: name it, e.g. 10.1.2.3/32).
TRANSLATION_BACKEND = os.environ.get("TRANSLATION_BACKEND", "none").strip().lower() or "none"
if TRANSLATION_BACKEND not in ("none", "libretranslate"):
    raise ImproperlyConfigured(
        f"TRANSLATION_BACKEND must be none or libretranslate; got {TRANSLATION_BACKEND!r}"
    )
TRANSLATION_URL = os.environ.get("TRANSLATION_URL", "").strip()
if TRANSLATION_BACKEND == "libretranslate" and urlsplit(TRANSLATION_URL).scheme not in (
    "http",
    "https",
):
    raise ImproperlyConfigured(
        "TRANSLATION_URL must be the http(s) address of the LibreTranslate server, e.g. "
        "http://10.1.2.3:5000"
    )
TRANSLATION_API_KEY = os.environ.get("TRANSLATION_API_KEY", "")
TRANSLATION_TIMEOUT_SECONDS = env_int("TRANSLATION_TIMEOUT_SECONDS", 8)
TRANSLATION_ALLOWED_NETWORKS = env_networks("TRANSLATION_ALLOWED_NETWORKS")
READER_COOKIE = "reading_mode"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
