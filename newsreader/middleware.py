"""Middleware that keeps hostile input and database outages from becoming server errors,
and that lets readers read from the read replicas."""

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.loader import render_to_string
from django.utils import translation

from newsreader import pagecache
from newsreader.routers import database_use_for_request, replica_aliases

REPLACE_NUL = str.maketrans({"\x00": "\ufffd"})
RETRY_AFTER_SECONDS = 30
ADMIN_PREFIX = "/admin/"
PIN_COOKIE = "pin_primary"
REPLICA_SAFE_METHODS = ("GET", "HEAD")


class CleanQueryStringMiddleware:
    """Replace NUL characters in query strings with U+FFFD: PostgreSQL cannot store or
    compare NUL, and the reader still sees that the value was not what we expected."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.META.get("QUERY_STRING", "")
        if "%00" in raw or "\x00" in raw:
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(
                    key.translate(REPLACE_NUL),
                    [value.translate(REPLACE_NUL) for value in values],
                )
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)


class DatabaseOutageMiddleware:
    """When PostgreSQL cannot be reached, answer 503 with a friendly page (or the cached
    copy of the page, when there is one) instead of a server error. Connections recover
    by themselves once the database is back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        cached = pagecache.stale_copy(request)
        if cached is not None:
            return cached
        return database_unavailable(request)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class EditorLanguageMiddleware:
    """The admin speaks the language its editor chose with its switch (Django's language
    cookie), else the one their browser asks for. Readers' pages keep the language of
    their address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(ADMIN_PREFIX):
            request.LANGUAGE_CODE = translation.get_language_from_request(request)
            translation.activate(request.LANGUAGE_CODE)
        return self.get_response(request)


class ReplicaReadsMiddleware:
    """A reader's GET or HEAD reads from the read replicas (newsreader.routers), unless
    its client wrote moments ago: a request that writes pins its client to the primary
    for REPLICA_PIN_SECONDS, with a cookie, so that nobody misses their own change while
    the replicas catch up. For as long after any change to the content, every reader reads
    the primary, so that no page cached under the new content is rendered from a replica
    that has not caught up. Without replicas, it stands aside."""

    def __init__(self, get_response):
        if not replica_aliases():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        replicas_allowed = (
            request.method in REPLICA_SAFE_METHODS
            and PIN_COOKIE not in request.COOKIES
            and not pagecache.changed_within(settings.REPLICA_PIN_SECONDS)
        )
        with database_use_for_request(replicas_allowed) as use:
            response = self.get_response(request)
        if use.wrote:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
