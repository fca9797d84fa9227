"""RSS (0.9x, 1.0, 2.0) and Atom feeds read into incoming articles (pure: no database
but for a saved feed file's source). (articles.feeds is the other way round: the feeds
this site serves.)

feedparser reads the XML, whatever its encoding or its faults; each item's HTML becomes
plain paragraphs (nh3 cleans it, scripts and styles with their content go, then only the
text is kept).

A feed that declares XML entities, or a DOCTYPE with an internal subset, is refused before
any parser sees it: no feed needs them, and one plain entity used ten thousand times is
enough to turn a few kilobytes into hundreds of megabytes. It is looked for in the text
feedparser would read (the encoding taken, as it takes it, from a byte order mark, the XML
declaration or the HTTP charset), and in the bytes without their NULs (UTF-16 and UTF-32
read as ASCII). An item's title and text are bounded before they are cleaned.
"""

import calendar
import hashlib
import io
import re
import xml.sax
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import nh3
from django.db.models import Q
from django.utils import timezone
from feedparser.encodings import convert_to_utf8

from articles.models import TEXT_LIMIT, Article, Source
from articles.slugs import unique_slug
from articles.text import cut_at_word, normalize_text
from ingest.parsing import ParsedText, ParseError, derive_title
from ingest.safefiles import read_at_most
from ingest.saving import (
    IncomingArticle,
    Outcome,
    clean_link,
    refused,
    save,
    text_fingerprint,
)

SUFFIXES = (".xml", ".rss", ".atom")
MAX_ITEMS = 500  # of one feed, per fetch
TITLE_LIMIT = Article._meta.get_field("title_vi").max_length
AUTHOR_LIMIT = Article._meta.get_field("author").max_length
TAG_LIMIT = 100
MAX_TAGS = 20
# The most characters of an item's title, text, author or category read, markup included:
# a longer title or name is cut before it is cleaned, an item with a longer text refused.
ITEM_TEXT_LIMIT = 200_000
NO_TITLE_OR_TEXT = "no title and no text"
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


_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
# A DOCTYPE whose internal subset opens (the brackets), quoted strings skipped.
_INTERNAL_SUBSET = re.compile(rb"""<!DOCTYPE(?:[^>\["']|"[^"]*"|'[^']*')*\[""", re.IGNORECASE)


class FeedError(Exception):
    """A feed that could not be fetched or read; the message is one line for the editor."""


def parse_feed(data: bytes, *, content_type: str = "", url: str = ""):
    """The feed as feedparser reads it, or FeedError when it holds no RSS or Atom items or
    declares XML entities or a DTD of its own.

    A feed with faults that still yields items (a wrong declared encoding, an unclosed tag at
    the end) is read for what it has.
    """
    headers = {"content-type": content_type} if content_type else {}
    if url:
        headers["content-location"] = url
    if _declares_entities(data, headers):
        raise FeedError("declares XML entities or a DTD of its own; not read")
    # A file object, never bytes: feedparser would take bytes for a file name to open. Its
    # own sanitizer is off: nh3 does that, and no markup is kept anyway.
    try:
        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=False)
    except Exception as error:  # its fallback parser gives up in ways of its own
        raise FeedError(f"not readable as a feed ({type(error).__name__})") from None
    if not parsed.entries and (parsed.get("bozo") or not parsed.get("version")):
        problem = parsed.get("bozo_exception")
        if isinstance(problem, xml.sax.SAXParseException):
            problem = problem.getMessage()  # without "<unknown>:1:66:", a place in its own copy
        raise FeedError(
            f"not an RSS or Atom feed ({problem})" if problem else "not an RSS or Atom feed"
        )
    return parsed


def _declares_entities(data: bytes, headers: dict) -> bool:
    """Whether the document declares an entity or opens an internal DTD subset anywhere, as
    feedparser would read it with these headers (in UTF-8, from whatever encoding it finds)
    or as bytes."""
    try:
        as_read = convert_to_utf8(dict(headers), data, {})
    except Exception as error:  # feedparser's own decoding gives up in ways of its own
        raise FeedError(f"not readable as a feed ({type(error).__name__})") from None
    return any(
        _ENTITY_DECLARATION.search(text) or _INTERNAL_SUBSET.search(text)
        for text in (as_read, data.replace(b"\x00", b""))
    )


def parse_entry(entry, *, language: str, scope: str, now: datetime) -> IncomingArticle:
    """One feed item as an incoming article, in the source's language, or ParseError.

    Its reference is its GUID (or else its link, or else its text) within the scope of its
    source. An item without a date, or dated in the future, is dated `now`.
    """
    link = clean_link(entry.get("link") or "")
    title = _shortened(_detail_text(entry, "title"), TITLE_LIMIT)
    paragraphs = _entry_paragraphs(entry)
    if not paragraphs:
        if not title:
            raise ParseError(NO_TITLE_OR_TEXT)
        paragraphs = [title]
    if any(len(paragraph) > TEXT_LIMIT for paragraph in paragraphs):
        raise ParseError(f"a paragraph is longer than {TEXT_LIMIT:,} characters")
    lead, *rest = paragraphs
    parsed = ParsedText(
        title=title or _shortened(derive_title(lead, language), TITLE_LIMIT),
        lead=lead,
        paragraphs=tuple(rest),
        author=_shortened(_authors(entry), AUTHOR_LIMIT),
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


def _shortened(text: str, limit: int) -> str:
    return cut_at_word(text, limit, ellipsis="…")


def _detail_text(entry, key: str) -> str:
    return _as_text(entry.get(key) or "")


def _as_text(value: str) -> str:
    """One line of text from a title, a name or a category, whatever markup it holds (of
    its first ITEM_TEXT_LIMIT characters)."""
    return " ".join(html_to_paragraphs(value[:ITEM_TEXT_LIMIT]))


def _entry_paragraphs(entry) -> list[str]:
    """The item's full content when it has some, else its summary."""
    contents = [c for c in entry.get("content") or [] if (c.get("value") or "").strip()]
    if contents:
        content = max(contents, key=lambda c: len(c.get("value") or ""))
        value, kind = content.get("value") or "", content.get("type")
    else:
        value = entry.get("summary") or ""
        kind = (entry.get("summary_detail") or {}).get("type", "text/html")
    if len(value) > ITEM_TEXT_LIMIT:
        raise ParseError(f"its text is longer than {ITEM_TEXT_LIMIT:,} characters")
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


def read_entries(entries, *, language: str, scope: str, label: str) -> Iterator:
    """A feed's items as incoming articles, or the reason each is refused."""
    now = timezone.now()
    for entry in entries[:MAX_ITEMS]:
        name = entry.get("link") or entry.get("id") or entry.get("title") or "?"
        item_label = f"{label}: {name}"[:300]
        try:
            item = parse_entry(entry, language=language, scope=scope, now=now)
        except ParseError as error:
            yield refused(item_label, str(error))
            continue
        yield replace(item, label=item_label)


# --- Saved feed files -------------------------------------------------------------------------


def import_file(path: Path, *, max_bytes: int, publish: bool = False) -> Iterator[Outcome]:
    """Import a saved RSS or Atom file as a fetched feed's items are imported. The source is
    the registered one the feed names (by its site or feed link, or its title), or a new one
    named after the feed. A file with no item to import (none, or none with a title or
    text) is refused whole, and no source is created for it."""
    label = str(path)
    try:
        data = read_at_most(path, max_bytes)
    except ParseError as error:
        yield refused(label, str(error))
        return
    if len(data) > max_bytes:
        yield refused(label, f"larger than the {max_bytes:,}-byte limit")
        return
    try:
        parsed = parse_feed(data)
    except FeedError as error:
        yield refused(label, str(error))
        return
    refusals = [_refusal(entry) for entry in parsed.entries[:MAX_ITEMS]]
    if all(refusals):
        # Refused before its source is looked up, or created: nothing is saved.
        yield refused(label, _none_read(refusals))
        return
    source = source_of_feed(parsed.feed)
    language = source.language if source else "vi"
    scope = str(source.pk) if source else "-"
    items = read_entries(parsed.entries, language=language, scope=scope, label=label)
    yield from save(items, source=source, publish=publish)


def _refusal(entry) -> str:
    """Why the item cannot be read; "" when it can."""
    try:
        parse_entry(entry, language="vi", scope="-", now=timezone.now())
    except ParseError as error:
        return str(error)
    return ""


def _none_read(refusals: list[str]) -> str:
    if not refusals:
        return "no items"
    other = [reason for reason in refusals if reason != NO_TITLE_OR_TEXT]
    if not other:
        return "none of its items has a title or text"
    return f"none of its items can be read ({other[0]})"


def source_of_feed(feed) -> Source | None:
    links = {clean_link(feed.get("link") or "")}
    links |= {clean_link(link.get("href") or "") for link in feed.get("links") or []}
    links.discard("")
    title = _shortened(_detail_text(feed, "title"), Source._meta.get_field("name").max_length)
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
