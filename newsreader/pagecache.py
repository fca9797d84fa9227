"""Whole pages cached for anonymous readers, all made fresh at once by a content version.

The version changes once a transaction that changed what readers see commits
(articles.changes notices every such write), and at no other time: logins, logouts and
forms that saved nothing leave cached pages alone. Pages also expire after
PAGE_CACHE_SECONDS, which bounds how late a scheduled article can appear. The same entry,
kept for a day, is what readers get while the database is unreachable.

A page is kept under what it depends on, and nothing else, so that no address or header
a visitor makes up can fill the cache or change what the next reader gets:
- the site's address (site_url(): SITE_URL, or without it the request's scheme and host);
- the interface language and the path;
- the query parameters the page understands (PageInput): the view sees only those, each
  by its last value (a repeated one by its distinct values), in the page's order;
- the cookies it reads, by the values they may take (its responses then say Vary: Cookie).
A page that found a value it could not use (a filter naming nothing, a page number past
the end) says Cache-Control: no-store, and is not kept; nor is a private page.

Every entry expires: a page is served for PAGE_CACHE_SECONDS at most and kept for outages
until STALE_SECONDS, a kept fragment after FRAGMENT_SECONDS at most. Only the content version
itself is kept for good.

A page served from the cache carries an Age header, the whole seconds since it was
rendered; a freshly rendered page carries none.

A page rendered again from its kept parts reads them all in one round trip: the cache
keeps, beside each page, the parts (remember()) its renders asked for, and the
middleware reads them together, right after the content version and the page itself.
What a request keeps (the page, its new parts, their list) is written once the reader has
the response, in one round trip for each expiry.

PageCacheMiddleware serves and keeps the pages of the views marked with
cache_anonymous_page, ahead of the rest of the middleware: a page is kept as that
middleware made it (its security headers and ETag included), and a kept page is served
without running any of it again.
"""

import hashlib
import time
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path

from asgiref.local import Local
from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers, set_response_etag
from django.utils.encoding import iri_to_uri

VERSION_KEY = "pagecache:version"
CHANGED_AT_KEY = "pagecache:changed_at"
STALE_SECONDS = 24 * 60 * 60
FRAGMENT_SECONDS = 24 * 60 * 60
MOST_PARTS_READ_AHEAD = 16


def _release() -> str:
    """A digest of the site's code and templates. Kept fragments are Python objects, which
    another release may not read (a class moved, or changed its fields), so each release
    keeps its own."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    for folder in ("articles", "newsreader", "templates"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in (".py", ".html") and "migrations" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


RELEASE = _release()

# The content version as this request first read it: one cache read per request, and
# every part of a page rendered under the same version.
_this_request = Local()


def _request_started(**kwargs) -> None:
    _this_request.serving, _this_request.version = True, None
    _this_request.read_ahead, _this_request.asked, _this_request.to_keep = {}, [], {}


def _request_finished(**kwargs) -> None:
    """Keep what the request made, now that its reader has the response (a WSGI server
    sends this signal once the response is sent)."""
    to_keep = getattr(_this_request, "to_keep", {})
    _this_request.serving, _this_request.version = False, None
    _this_request.read_ahead, _this_request.asked, _this_request.to_keep = {}, [], {}
    for seconds, entries in to_keep.items():
        cache.set_many(entries, seconds)


def _keep(key: str, value, seconds: int | None) -> None:
    """cache.set(), or, while serving a request, once it has been answered."""
    if getattr(_this_request, "serving", False):
        _this_request.to_keep.setdefault(seconds, {})[key] = value
    else:
        cache.set(key, value, seconds)


def _kept(key: str):
    """What the cache holds under key, or what this request is about to keep there."""
    read_ahead = getattr(_this_request, "read_ahead", {})
    if key in read_ahead:
        return read_ahead[key]
    for entries in getattr(_this_request, "to_keep", {}).values():
        if key in entries:
            return entries[key]
    return cache.get(key)


request_started.connect(_request_started)
request_finished.connect(_request_finished)


def content_changed() -> None:
    """Make every cached page stale: call once a change to what readers see has been
    committed (articles.changes.content_changed_on_commit), never before."""
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


def remember(parts: tuple, compute, seconds: int = FRAGMENT_SECONDS, keep=None):
    """compute()'s value, kept until the content changes (or for `seconds`; with 0, not
    kept at all; nor when keep(value) says not to): for parts of pages that are dear to
    make and the same for every reader who asks alike."""
    if not seconds:
        return compute()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    key = _part_key(digest, version())
    if getattr(_this_request, "serving", False):
        _this_request.asked.append(digest)
    value = _kept(key)
    if value is None:
        value = compute()
        if keep is None or keep(value):
            _keep(key, value, seconds)
    return value


def _part_key(digest: str, content_version: int) -> str:
    return f"remember:{RELEASE}:{content_version}:{digest}"


def site_url(request: HttpRequest) -> str:
    """The site's address as pages name it ("https://news.example.org"): SITE_URL, else (in
    development and tests) the scheme and host the request came to, which the page cache
    then keys pages on."""
    return settings.SITE_URL or f"{request.scheme}://{request.get_host()}"


def absolute_url(request: HttpRequest, path: str | None = None) -> str:
    """The absolute URL of a path on this site (by default, of the page asked for)."""
    return site_url(request) + iri_to_uri(request.get_full_path() if path is None else path)


@checks.register(checks.Tags.security, deploy=True)
def site_url_is_set(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if settings.SITE_URL:
        return []
    return [
        checks.Error(
            "SITE_URL is not set: canonical links, feeds and sitemaps would name whatever "
            "host a request gave.",
            hint="Set SITE_URL to the site's address, e.g. https://news.example.org.",
            id="newsreader.E001",
        )
    ]


@dataclass(frozen=True)
class PageInput:
    """What a page reads from its request besides its path: the query parameters it
    understands, in the order its links name them, and the cookies. A parameter counts
    by its last value (as QueryDict.get reads it), a `repeated` one by its distinct values
    in the order given (sorted, when their order means nothing to the page: `unordered`);
    `choices` gives the only values a parameter takes where there are few, and every
    cookie's."""

    parameters: tuple[str, ...] = ()
    repeated: tuple[str, ...] = ()
    unordered: bool = False
    cookies: tuple[str, ...] = ()
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def understood(self, given: QueryDict) -> QueryDict:
        """The parameters the page understands, in its order, without empty values."""
        kept = QueryDict(mutable=True)
        for name in self.parameters:
            values = given.getlist(name)
            if name in self.repeated:
                values = sorted(set(values)) if self.unordered else list(dict.fromkeys(values))
            else:
                values = values[-1:]
            allowed = self.choices.get(name)
            if values := [v for v in values if v and (allowed is None or v in allowed)]:
                kept.setlist(name, values)
        kept._mutable = False
        return kept

    def cookie_values(self, given: dict[str, str]) -> tuple[str, ...]:
        """The page's cookies, each as given if it is one of its choices, else as unset."""
        return tuple(
            given.get(name, "") if given.get(name) in self.choices[name] else ""
            for name in self.cookies
        )


# A page is kept under page:<digest> for STALE_SECONDS, as (the content version it was
# rendered under, when, status, content, headers): served while that version is the
# current one, for PAGE_CACHE_SECONDS, and to every reader during an outage.
def _page_key(request: HttpRequest, reads: PageInput, language: str) -> str:
    variant = (
        site_url(request),
        language,
        request.get_full_path(),
        reads.cookie_values(request.COOKIES),
    )
    return "page:" + hashlib.sha256(repr(variant).encode()).hexdigest()


def _language(request: HttpRequest) -> str:
    """A reader's page is in the language of its address (LocaleMiddleware, with the
    default language unprefixed), whatever the browser asks for."""
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def _version_and_page(key: str) -> tuple[int, tuple | None, tuple[str, ...]]:
    """The content version, the page kept under key and the parts its renders asked
    for: one round trip to the cache."""
    parts_key = _parts_key(key)
    found = cache.get_many([VERSION_KEY, key, parts_key])
    if getattr(_this_request, "serving", False) and _this_request.version is None:
        _this_request.version = found.get(VERSION_KEY)  # version() reads it when missing
    return version(), found.get(key), found.get(parts_key, ())


def _parts_key(page_key: str) -> str:
    return f"parts:{RELEASE}:{page_key}"


def _read_parts_ahead(parts: tuple[str, ...], current: int) -> None:
    """Read the kept parts a page's renders asked for in one round trip, for remember()
    to find; a part missing from the cache is then known to be missing."""
    if not parts or not getattr(_this_request, "serving", False):
        return
    keys = [_part_key(digest, current) for digest in parts]
    found = cache.get_many(keys)
    _this_request.read_ahead = {key: found.get(key) for key in keys}


def _keep_parts_asked(page_key: str, known: tuple[str, ...]) -> None:
    """Remember which parts this page's render asked for, adding to those known: a part
    kept inside another is asked for only when the outer one is rendered again."""
    asked = getattr(_this_request, "asked", [])
    if asked and not set(asked) <= set(known):
        parts = tuple(dict.fromkeys((*known, *asked)))[-MOST_PARTS_READ_AHEAD:]
        _keep(_parts_key(page_key), parts, STALE_SECONDS)


def _fresh(stored: tuple, current: int) -> bool:
    rendered_under, rendered_at = stored[:2]
    return rendered_under == current and time.time() - rendered_at < settings.PAGE_CACHE_SECONDS


def _cacheable(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES


def cache_anonymous_page(view=None, *, reads: PageInput = PageInput()):
    """Mark a view's page as one that PageCacheMiddleware serves to anonymous readers
    from the cache while nothing has changed.

    The view sees only the query parameters `reads` names (request.GET and the query
    string alike), so that an address with anything else in it is the same page."""
    if view is None:
        return lambda view: cache_anonymous_page(view, reads=reads)

    @wraps(view)
    def cached_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        _read_only_understood(request, reads)
        response = view(request, *args, **kwargs)
        if reads.cookies:
            patch_vary_headers(response, ["Cookie"])
        return response

    cached_view.page_input = reads
    return cached_view


def _read_only_understood(request: HttpRequest, reads: PageInput) -> None:
    request.GET = reads.understood(request.GET)
    request.META["QUERY_STRING"] = request.GET.urlencode()


class PageCacheMiddleware:
    """Serve the pages of views marked with cache_anonymous_page from the cache, before
    the rest of the middleware runs, and keep them as that middleware has made them
    (with their security headers and ETag): a kept page costs one round trip to the
    cache and little else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = _language(request)
        reads = _page_input(request.path_info, language)
        if reads is None or not _cacheable(request):
            return self.get_response(request)
        _read_only_understood(request, reads)
        key = request.page_cache_key = _page_key(request, reads, language)
        current, stored, parts = _version_and_page(key)
        if stored is not None and _fresh(stored, current):
            return _response(stored)
        _read_parts_ahead(parts, current)
        response = self.get_response(request)
        if not _storable(request, response):
            return response
        _keep_parts_asked(key, parts)
        if settings.PAGE_CACHE_SECONDS:
            set_response_etag(response)
            stored = (
                current,
                time.time(),
                response.status_code,
                response.content,
                list(response.headers.items()),
            )
            _keep(key, stored, STALE_SECONDS)
        return response


def _page_input(path: str, language: str) -> PageInput | None:
    """What the view at this path reads, if its page is cached; None if it is not, or
    if no view is there. A path resolves in its own language (its prefix, /en/, is
    that language's)."""
    try:
        with translation.override(language):
            view = resolve(path).func
    except Resolver404:
        return None
    return getattr(view, "page_input", None)


def stale_copy(request: HttpRequest) -> HttpResponse | None:
    """The last copy of this page served to anyone, whatever has changed since."""
    key = getattr(request, "page_cache_key", None)  # set by cache_anonymous_page
    if key is None or not _cacheable(request):
        return None
    stored = cache.get(key)
    if stored is None:
        return None
    response = _response(stored)
    response["Cache-Control"] = "no-store"
    return response


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.META.get("CSRF_COOKIE_USED")
    )


def _response(stored: tuple) -> HttpResponse:
    """A page as kept (see _page_key)."""
    _version, rendered_at, status, content, headers = stored
    response = HttpResponse(content, status=status, headers=dict(headers))
    response["Age"] = str(max(0, int(time.time() - rendered_at)))
    return response
