"""RSS (0.9x, 1.0, 2.0) and Atom feeds read into incoming articles (pure: no database
but for a saved feed file's source). (articles.feeds is the other way round: the feeds
this site serves.)

feedparser reads the XML, whatever its encoding or its faults; each item's HTML becomes
plain paragraphs (nh3 cleans it, scripts and styles with their content go, then only the
text is kept).
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

from articles.models import Article, Source
from articles.slugs import unique_slug
from articles.text import cut_at_word, normalize_text
from ingest.parsing import ParsedText, ParseError, derive_title
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
    title = _shortened(_detail_text(entry, "title"), TITLE_LIMIT)
    paragraphs = _entry_paragraphs(entry)
    if not paragraphs:
        if not title:
            raise ParseError("no title and no text")
        paragraphs = [title]
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
        with path.open("rb") as file:
            data = file.read(max_bytes + 1)  # no more: it may be endless, like /dev/zero
    except FileNotFoundError:
        yield refused(label, "no such file")
        return
    except OSError as error:
        yield refused(label, f"cannot be read ({error.strerror})")
        return
    if len(data) > max_bytes:
        yield refused(label, f"larger than the {max_bytes:,}-byte limit")
        return
    try:
        parsed = parse_feed(data)
    except FeedError as error:
        yield refused(label, str(error))
        return
    if not any(map(_has_title_or_text, parsed.entries[:MAX_ITEMS])):
        # Refused before its source is looked up, or created: nothing is saved.
        reason = "none of its items has a title or text" if parsed.entries else "no items"
        yield refused(label, reason)
        return
    source = source_of_feed(parsed.feed)
    language = source.language if source else "vi"
    scope = str(source.pk) if source else "-"
    items = read_entries(parsed.entries, language=language, scope=scope, label=label)
    yield from save(items, source=source, publish=publish)


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
