"""Whole pages cached for anonymous readers, all made fresh at once by a content version.

Any edit (an admin save, an import) bumps the version, so the next request for any page
renders anew; pages also expire after PAGE_CACHE_SECONDS, which bounds how late a
scheduled article can appear. A second, long-lived copy of each page is what readers
get while the database is unreachable.
"""

import hashlib
import time
from functools import wraps

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.http import HttpRequest, HttpResponse

VERSION_KEY = "pagecache:version"
CHANGED_AT_KEY = "pagecache:changed_at"
STALE_SECONDS = 24 * 60 * 60
FRAGMENT_SECONDS = 24 * 60 * 60


# The content version as this request first read it: one cache read per request, and
# every part of a page rendered under the same version.
_this_request = Local()


def _request_started(**kwargs) -> None:
    _this_request.serving, _this_request.version = True, None


def _request_finished(**kwargs) -> None:
    _this_request.serving, _this_request.version = False, None


request_started.connect(_request_started)
request_finished.connect(_request_finished)


def content_changed() -> None:
    """Make every cached page stale: call after anything readers see has changed."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)
    cache.set(CHANGED_AT_KEY, time.time(), None)
    _this_request.version = None


def changed_within(seconds: float) -> bool:
    """Whether the content changed in the last `seconds` (a read replica may lag behind)."""
    return time.time() - cache.get(CHANGED_AT_KEY, 0.0) < seconds


def version() -> int:
    """The content version: it changes whenever anything readers see has changed."""
    if not getattr(_this_request, "serving", False):
        return cache.get_or_set(VERSION_KEY, 1, None)
    if _this_request.version is None:
        _this_request.version = cache.get_or_set(VERSION_KEY, 1, None)
    return _this_request.version


def remember(parts: tuple, compute, seconds: int | None = None):
    """compute()'s value, kept until the content changes (or for `seconds`): for parts of
    pages that are dear to make and the same for every reader who asks alike."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    key = f"remember:{version()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds or FRAGMENT_SECONDS)
    return value


def _page_key(request: HttpRequest) -> str:
    variant = "|".join(
        [
            getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
            request.COOKIES.get(settings.READER_COOKIE, ""),
            request.get_full_path(),
        ]
    )
    return hashlib.sha256(variant.encode()).hexdigest()


def _cacheable(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES


def cache_anonymous_page(view):
    """Serve anonymous readers a cached copy of the page while nothing has changed."""

    @wraps(view)
    def cached_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = _page_key(request)
        versioned_key = f"pagecache:{version()}:{key}"
        stored = cache.get(versioned_key)
        if stored is not None:
            return _response(stored)
        response = view(request, *args, **kwargs)
        if _storable(request, response):
            stored = (response.status_code, response.content, response.get("Content-Type"))
            cache.set_many(
                {versioned_key: stored, f"pagecache:stale:{key}": stored},
                settings.PAGE_CACHE_SECONDS,
            )
            cache.touch(f"pagecache:stale:{key}", STALE_SECONDS)
        return response

    return cached_view


def stale_copy(request: HttpRequest) -> HttpResponse | None:
    """The last copy of this page served to anyone, whatever has changed since."""
    if not _cacheable(request):
        return None
    stored = cache.get(f"pagecache:stale:{_page_key(request)}")
    if stored is None:
        return None
    response = _response(stored)
    response["Cache-Control"] = "no-store"
    return response


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.META.get("CSRF_COOKIE_USED")
    )


def _response(stored: tuple) -> HttpResponse:
    status, content, content_type = stored
    return HttpResponse(content, status=status, content_type=content_type)
