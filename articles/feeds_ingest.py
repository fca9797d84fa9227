"""Articles from RSS (0.9x, 1.0, 2.0) and Atom feeds: polled over HTTP, or read from a saved
file. (articles.feeds is the other way round: the feeds this site serves.)

- fetch() downloads a feed politely and defensively: a User-Agent, conditional requests
  (ETag, Last-Modified), a time limit for the whole download, a size limit (a larger or
  endless response is cut off), redirects followed only on the same host.
- parse_feed() and parse_entry() are pure: feedparser reads the XML, whatever its encoding
  or its faults; each item's HTML becomes plain paragraphs (nh3 cleans it, scripts and
  styles with their content go, then only the text is kept).
- fetch_sources() fetches sources (downloads in parallel, saves one by one), saves the new
  items through articles.ingest, and keeps each source's status: its last success, its last
  error, what the last fetch brought, and when it is due again (later and later while it
  keeps failing). A failing source never stops the others.
"""

import calendar
import hashlib
import http.client
import io
import logging
import re
import time
import urllib.error
import urllib.request
import xml.sax
import zlib
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import nh3
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from articles.entities import Gazetteer
from articles.importing import ImportOutcome, unique_slug
from articles.ingest import IncomingArticle, clean_link, save_incoming, text_fingerprint
from articles.models import Article, Source
from articles.parsing import ParsedText, ParseError, derive_title
from articles.text import normalize_text

logger = logging.getLogger(__name__)

SUFFIXES = (".xml", ".rss", ".atom")
USER_AGENT = "newsreader/0.1 (a bilingual news reader's feed fetcher; Python urllib)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)
MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024
MAX_ITEMS = 500  # of one feed, per fetch
MAX_BACKOFF = timedelta(hours=24)
PARALLEL_DOWNLOADS = 8
TITLE_LIMIT = Article._meta.get_field("title_vi").max_length
AUTHOR_LIMIT = Article._meta.get_field("author").max_length
TAG_LIMIT = 100
MAX_TAGS = 20
# Where a paragraph ends: everything else in an item's HTML is inline, its text kept.
BLOCK_TAGS = frozenset(
    {
        *("p", "div", "br", "hr", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th", "caption"),
        *("figure", "figcaption", "section", "article", "aside", "header", "footer"),
    }
)
# Removed with everything inside them.
DROPPED_TAGS = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "svg", "math", "select"}
)


# An entity declared from other entities (a "billion laughs") or from a file or URL (an
# external entity): a feed needs neither, and feedparser would leave their names in the text.
_EXPANDING_ENTITY = re.compile(
    rb"""<!ENTITY \s+ (?:%\s+)? [^\s>]+ \s+ (?:SYSTEM|PUBLIC|"[^"]*[&%](?!\#)|'[^']*[&%](?!\#))""",
    re.IGNORECASE | re.VERBOSE,
)
_FIRST_ELEMENT = re.compile(rb"<[^?!]")


class FeedError(Exception):
    """A feed that could not be fetched or read; the message is one line for the editor."""


# --- Fetching ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    status: int  # 200, or 304 when the feed has not changed since the last fetch
    body: bytes = b""
    content_type: str = ""
    url: str = ""  # after redirects
    etag: str = ""
    last_modified: str = ""


def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    timeout: float | None = None,
    max_bytes: int | None = None,
) -> Download:
    """Download a feed, or raise FeedError saying why not."""
    timeout = timeout or settings.FEED_TIMEOUT_SECONDS
    max_bytes = max_bytes or settings.FEED_MAX_BYTES
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FeedError("the feed URL must be an http or https URL")
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    opener = _opener(parts)
    deadline = time.monotonic() + timeout
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
            body = _read_limited(response, max_bytes, deadline, timeout)
            return Download(
                status=response.status,
                body=body,
                content_type=response.headers.get("Content-Type", ""),
                url=response.geturl(),
                etag=response.headers.get("ETag", ""),
                last_modified=response.headers.get("Last-Modified", ""),
            )
    except urllib.error.HTTPError as error:
        error.close()
        if error.code == 304:
            return Download(
                status=304,
                etag=error.headers.get("ETag", "") or etag,
                last_modified=error.headers.get("Last-Modified", "") or last_modified,
            )
        raise FeedError(f"HTTP {error.code} {error.reason}".strip()) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise FeedError(f"timed out after {timeout:g} s") from None
        raise FeedError(f"could not connect: {error.reason}") from None
    except TimeoutError:
        raise FeedError(f"timed out after {timeout:g} s") from None
    except (OSError, ValueError, http.client.HTTPException) as error:
        raise FeedError(f"could not be fetched: {error}") from None


def _opener(parts) -> urllib.request.OpenerDirector:
    """http and https only (no file:, ftp: or data:), redirects only on the same host."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
        _SameHostRedirects(parts.hostname, parts.port or _default_port(parts.scheme)),
    ):
        opener.add_handler(handler)
    return opener


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to the same host and port (or from http to https on the same
    host): a feed must not send the fetcher to another server, such as an internal one."""

    max_redirections = MAX_REDIRECTS

    def __init__(self, host: str, port: int):
        self.host, self.port = host.lower(), port

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        target = urlsplit(newurl)
        host = (target.hostname or "").lower()
        port = target.port or _default_port(target.scheme)
        same_place = host == self.host and (
            port == self.port or (target.scheme == "https" and port == 443)
        )
        downgrade = urlsplit(req.full_url).scheme == "https" and target.scheme != "https"
        if target.scheme not in ("http", "https") or not same_place or downgrade:
            fp.close()
            where = f"{target.scheme}://{target.netloc}" if target.netloc else newurl[:100]
            raise FeedError(f"redirected to another host ({where}); not followed")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _read_limited(response, max_bytes: int, deadline: float, timeout: float) -> bytes:
    """The body, gunzipped, as long as it is within max_bytes and arrives before the deadline."""
    limit = f"{max_bytes:,}-byte limit"
    length = response.headers.get("Content-Length", "").strip()
    if length.isdigit() and int(length) > max_bytes:
        raise FeedError(f"larger than the {limit} ({int(length):,} bytes announced)")
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip", ""):
        raise FeedError(f"sent in an encoding we did not ask for ({encoding})")
    gunzip = zlib.decompressobj(16 + zlib.MAX_WBITS) if "gzip" in encoding else None
    parts, size = [], 0
    while chunk := response.read1(CHUNK_BYTES):
        if gunzip is not None:
            try:
                chunk = gunzip.decompress(chunk, max_bytes + 1 - size)
            except zlib.error:
                raise FeedError("not valid gzip") from None
            if gunzip.unconsumed_tail:
                size = max_bytes + 1
        size += len(chunk)
        if size > max_bytes:
            raise FeedError(f"larger than the {limit}; stopped reading")
        if time.monotonic() > deadline:
            raise FeedError(f"too slow: not all there after {timeout:g} s; stopped reading")
        parts.append(chunk)
    return b"".join(parts)


# --- Parsing (pure) ---------------------------------------------------------------------------


def parse_feed(data: bytes, *, content_type: str = "", url: str = ""):
    """The feed as feedparser reads it, or FeedError when it holds no RSS or Atom items or
    declares entities made of other entities or of files (a "billion laughs", an external
    entity).

    A feed with faults that still yields items (a wrong declared encoding, an unclosed tag at
    the end) is read for what it has.
    """
    if _declares_expanding_entities(data):
        raise FeedError("declares XML entities made of other entities or files; not read")
    headers = {"content-type": content_type} if content_type else {}
    if url:
        headers["content-location"] = url
    # A file object, never bytes: feedparser would take bytes for a file name to open. Its
    # own sanitizer is off: nh3 does that, and no markup is kept anyway.
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=False)
    if not parsed.entries and (parsed.get("bozo") or not parsed.get("version")):
        problem = parsed.get("bozo_exception")
        if isinstance(problem, xml.sax.SAXParseException):
            problem = problem.getMessage()  # without "<unknown>:1:66:", a place in its own copy
        raise FeedError(
            f"not an RSS or Atom feed ({problem})" if problem else "not an RSS or Atom feed"
        )
    return parsed


def _declares_expanding_entities(data: bytes) -> bool:
    """Looks in the prolog (before the first element) of the document, in UTF-16 or UTF-32 too."""
    ascii_data = data.replace(b"\x00", b"")
    first_element = _FIRST_ELEMENT.search(ascii_data)
    prolog = ascii_data[: first_element.start()] if first_element else ascii_data
    return bool(_EXPANDING_ENTITY.search(prolog))


def parse_entry(entry, *, language: str, scope: str, now: datetime) -> IncomingArticle:
    """One feed item as an incoming article, in the source's language, or ParseError.

    Its reference is its GUID (or else its link, or else its text) within the scope of its
    source. An item without a date, or dated in the future, is dated `now`.
    """
    link = clean_link(entry.get("link") or "")
    title = _shorten(_detail_text(entry, "title"), TITLE_LIMIT)
    paragraphs = _entry_paragraphs(entry)
    if not paragraphs:
        if not title:
            raise ParseError("no title and no text")
        paragraphs = [title]
    lead, *rest = paragraphs
    parsed = ParsedText(
        title=title or _shorten(derive_title(lead, language), TITLE_LIMIT),
        lead=lead,
        paragraphs=tuple(rest),
        author=_shorten(_authors(entry), AUTHOR_LIMIT),
    )
    published = _entry_time(entry)
    key = str(entry.get("id") or "").strip() or link or text_fingerprint(parsed)
    return IncomingArticle(
        ref=f"feed:{scope}:{hashlib.sha256(key.encode()).hexdigest()[:40]}",
        vietnamese=parsed if language == "vi" else None,
        english=parsed if language == "en" else None,
        source_url=link,
        published_at=published if published is not None and published <= now else now,
        tags=_categories(entry),
    )


def html_to_paragraphs(html: str) -> list[str]:
    """Plain paragraphs from a piece of HTML: no markup, scripts or styles left, entities
    decoded, whitespace collapsed, paragraphs without words dropped."""
    clean = nh3.clean(
        html,
        tags=set(BLOCK_TAGS),
        clean_content_tags=set(DROPPED_TAGS),
        attributes={},
        strip_comments=True,
        link_rel=None,
    )
    collector = _TextCollector()
    collector.feed(clean)
    collector.close()
    return collector.paragraphs


def text_to_paragraphs(text: str) -> list[str]:
    """Plain paragraphs from text said to be plain, one a line: still cleaned as HTML, for
    feeds are not always right about what they hold."""
    return [p for line in normalize_text(text).split("\n") for p in html_to_paragraphs(line)]


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS:
            self._flush()

    def handle_data(self, data):
        self._parts.append(data)

    def close(self):
        super().close()
        self._flush()

    def _flush(self):
        text = _one_line("".join(self._parts))
        self._parts = []
        if any(char.isalnum() for char in text):
            self.paragraphs.append(text)


def _one_line(text: str) -> str:
    return " ".join(normalize_text(text).split())


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    return (head.rsplit(" ", 1)[0] if " " in head else head) + "…"


def _detail_text(entry, key: str) -> str:
    return _as_text(entry.get(key) or "")


def _as_text(value: str) -> str:
    """One line of text from a title, a name or a category, whatever markup it holds."""
    return " ".join(html_to_paragraphs(value))


def _entry_paragraphs(entry) -> list[str]:
    """The item's full content when it has some, else its summary."""
    contents = [c for c in entry.get("content") or [] if (c.get("value") or "").strip()]
    if contents:
        content = max(contents, key=lambda c: len(c.get("value") or ""))
        value, kind = content.get("value") or "", content.get("type")
    else:
        value = entry.get("summary") or ""
        kind = (entry.get("summary_detail") or {}).get("type", "text/html")
    if kind == "text/plain":
        return text_to_paragraphs(value)
    return html_to_paragraphs(value)


def _authors(entry) -> str:
    names = [author.get("name") or "" for author in entry.get("authors") or []]
    names = [_as_text(name) for name in names or [entry.get("author") or ""]]
    return ", ".join(dict.fromkeys(name for name in names if name))


def _categories(entry) -> tuple[str, ...]:
    names = []
    for tag in entry.get("tags") or []:
        name = _as_text(tag.get("label") or tag.get("term") or "")
        if name and len(name) <= TAG_LIMIT:
            names.append(name)
    return tuple(dict.fromkeys(names))[:MAX_TAGS]


def _entry_time(entry) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        moment = entry.get(key)
        if moment:
            try:
                return datetime.fromtimestamp(calendar.timegm(moment), tz=UTC)
            except (OverflowError, ValueError, OSError):
                return None
    return None


# --- Sources ----------------------------------------------------------------------------------


@dataclass
class FetchReport:
    source: Source
    outcomes: list[ImportOutcome] = field(default_factory=list)
    error: str = ""
    not_modified: bool = False

    @property
    def counts(self) -> Counter:
        return Counter(outcome.status for outcome in self.outcomes)


def due_sources(now: datetime | None = None):
    """The sources with a feed whose next fetch is due."""
    now = now or timezone.now()
    return (
        Source.objects.exclude(feed_url="")
        .filter(Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now))
        .order_by(F("next_fetch_at").asc(nulls_first=True), "pk")
    )


def fetch_sources(sources, *, gazetteer: Gazetteer | None = None) -> list[FetchReport]:
    """Fetch each source's feed and save its items; one report per source.

    Downloads run in parallel threads (no database there); items are saved in this thread,
    each in its own transaction. Whatever goes wrong with one source is its report's error.
    """
    sources = list(sources)
    with ThreadPoolExecutor(max_workers=PARALLEL_DOWNLOADS) as pool:
        downloads = list(pool.map(_download, sources))
    reports = []
    for source, download in zip(sources, downloads, strict=True):
        try:
            report = _ingest(source, download, gazetteer)
        except Exception as error:  # a bug or a database fault: this source fails, not all
            logger.exception("Fetching the feed of %s failed", source)
            report = FetchReport(source, error=f"unexpected error: {error!r}"[:500])
        _record(report)
        reports.append(report)
    return reports


def _download(source: Source) -> Download | FeedError:
    try:
        return fetch(
            source.feed_url, etag=source.feed_etag, last_modified=source.feed_last_modified
        )
    except FeedError as error:
        return error
    except Exception as error:
        logger.exception("Downloading the feed of %s failed", source)
        return FeedError(f"unexpected error: {error!r}"[:500])


def _ingest(source: Source, download: Download | FeedError, gazetteer) -> FetchReport:
    if isinstance(download, FeedError):
        return FetchReport(source, error=str(download))
    source.feed_etag, source.feed_last_modified = download.etag, download.last_modified
    if download.status == 304:
        return FetchReport(source, not_modified=True)
    try:
        parsed = parse_feed(download.body, content_type=download.content_type, url=download.url)
    except FeedError as error:
        return FetchReport(source, error=str(error))
    outcomes = list(
        ingest_entries(
            parsed.entries,
            source=source,
            status=source.default_status,
            gazetteer=gazetteer,
            reason=f"Fetched from {source.name}",
        )
    )
    return FetchReport(source, outcomes)


def ingest_entries(
    entries,
    *,
    source: Source | None,
    status: str,
    publish: bool = False,
    gazetteer: Gazetteer | None = None,
    reason: str,
    label_prefix: str = "",
) -> Iterator[ImportOutcome]:
    """Save a feed's items, each in its own transaction: one outcome per item."""
    now = timezone.now()
    language = source.language if source else "vi"
    scope = str(source.pk) if source else "-"
    prefix = label_prefix or (source.name if source else "feed")
    for entry in entries[:MAX_ITEMS]:
        label = f"{prefix}: {entry.get('link') or entry.get('id') or entry.get('title') or '?'}"
        label = label[:300]
        try:
            item = parse_entry(entry, language=language, scope=scope, now=now)
        except ParseError as error:
            yield ImportOutcome(None, "refused", reason=str(error), label=label)
            continue
        yield save_incoming(
            item,
            source=source,
            status=status,
            publish=publish,
            gazetteer=gazetteer,
            reason=reason,
            label=label,
        )


def _record(report: FetchReport) -> None:
    """Keep the outcome on the source: touch only the status fields, so that an editor's
    change of the source meanwhile is not overwritten."""
    source, now = report.source, timezone.now()
    interval = timedelta(minutes=source.fetch_every)
    if report.error:
        failures = source.failures + 1
        backoff = min(interval * 2 ** min(failures, 10), MAX_BACKOFF)
        fields = {
            "last_error": report.error[:1000],
            "last_error_at": now,
            "failures": failures,
            "next_fetch_at": now + backoff,
        }
    else:
        counts = {"not_modified": True} if report.not_modified else dict(report.counts)
        if not report.not_modified:
            counts["items"] = len(report.outcomes)
        fields = {
            "last_success_at": now,
            "failures": 0,
            "next_fetch_at": now + interval,
            "last_counts": counts,
            "feed_etag": source.feed_etag[:500],
            "feed_last_modified": source.feed_last_modified[:100],
        }
    fields["last_fetched_at"] = now
    Source.objects.filter(pk=source.pk).update(**fields)
    for name, value in fields.items():
        setattr(source, name, value)


def describe_report(report: FetchReport) -> str:
    """One line per source for the command's output."""
    name = report.source.name
    if report.error:
        next_fetch = timezone.localtime(report.source.next_fetch_at).strftime("%Y-%m-%d %H:%M")
        return f"{name}: failed: {report.error} (next try at {next_fetch})"
    if report.not_modified:
        return f"{name}: not modified"
    return f"{name}: {describe_counts(report.counts)}"


def describe_counts(counts) -> str:
    parts = [
        f"{counts[status]} {status}"
        for status in ("created", "updated", "unchanged", "skipped", "refused")
        if counts.get(status)
    ]
    return ", ".join(parts) or "no items"


# --- Saved feed files -------------------------------------------------------------------------


def import_feed_file(
    path: Path,
    *,
    max_bytes: int,
    publish: bool = False,
    gazetteer: Gazetteer | None = None,
) -> Iterator[ImportOutcome]:
    """Import a saved RSS or Atom file: each item in its own transaction, as a fetched feed's
    items are. The source is the registered one the feed names (by its site or feed link,
    or its title), or a new one named after the feed. A file with no item to import (none,
    or none with a title or text) is refused whole, and no source is created for it."""
    try:
        with path.open("rb") as file:
            data = file.read(max_bytes + 1)  # no more: it may be endless, like /dev/zero
    except FileNotFoundError:
        yield ImportOutcome(path, "refused", reason="no such file")
        return
    except OSError as error:
        yield ImportOutcome(path, "refused", reason=f"cannot be read ({error.strerror})")
        return
    if len(data) > max_bytes:
        yield ImportOutcome(path, "refused", reason=f"larger than the {max_bytes:,}-byte limit")
        return
    try:
        parsed = parse_feed(data)
    except FeedError as error:
        yield ImportOutcome(path, "refused", reason=str(error))
        return
    if not any(map(_has_title_or_text, parsed.entries[:MAX_ITEMS])):
        # Refused before its source is looked up, or created: nothing is saved.
        reason = "none of its items has a title or text" if parsed.entries else "no items"
        yield ImportOutcome(path, "refused", reason=reason)
        return
    yield from ingest_entries(
        parsed.entries,
        source=source_of_feed(parsed.feed),
        status=Article.Status.DRAFT,
        publish=publish,
        gazetteer=gazetteer,
        reason="Imported",
        label_prefix=str(path),
    )


def _has_title_or_text(entry) -> bool:
    try:
        parse_entry(entry, language="vi", scope="-", now=timezone.now())
    except ParseError:
        return False
    return True


def source_of_feed(feed) -> Source | None:
    links = {clean_link(feed.get("link") or "")}
    links |= {clean_link(link.get("href") or "") for link in feed.get("links") or []}
    links.discard("")
    title = _shorten(_detail_text(feed, "title"), Source._meta.get_field("name").max_length)
    source = Source.objects.filter(Q(url__in=links) | Q(feed_url__in=links)).first()
    if source is None and title:
        source = Source.objects.filter(name__iexact=title).first()
    if source is None and title:
        language = "en" if (feed.get("language") or "").lower().startswith("en") else "vi"
        site = clean_link(feed.get("link") or "")
        source = Source.objects.create(
            name=title,
            slug=unique_slug(title, model=Source),
            url=site if len(site) <= Source._meta.get_field("url").max_length else "",
            language=language,
        )
    return source
