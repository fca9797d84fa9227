"""The one way an article comes in.

Every writer (scraped .txt files, NDJSON, saved feed files, fetch_feeds, the admin's upload
page, load_demo) turns what it reads into IncomingArticles and hands them to save(), which
says for each one: created, updated, unchanged, skipped or refused.

- The same reference again updates its article, or leaves it unchanged.
- The same link, or the same text (its fingerprint), under another reference is skipped:
  the story is already here.
- An update takes only what the source supplies, and never undoes an editor's work:
  - a field the source gives empty, or not at all (an English side a Vietnamese feed does
    not have), is left as it is;
  - a field an editor changed since the source last gave it is kept (each article
    remembers a digest of what its source gave, field by field: `source_fields`);
  - a title an editor reviewed is kept;
  - where the Vietnamese changes under an English translation an editor wrote, the
    English stays, marked stale (articles.translation);
  - the status never changes: `publish` publishes new articles only, and an article an
    editor took down stays down.
- An English original (a source whose language is "en") fills the _en fields, and a copy of
  the English stands in the _vi fields, which must not be empty, until an editor writes
  the Vietnamese: the copy follows later changes of the English, an editor's Vietnamese
  does not and is flagged for review instead.

Articles are saved in batches: many per transaction, inserted in bulk, with one entity
linking pass, one refresh of what derives from them and one content-version change per
batch (articles.derived). A batch that fails on the database is saved again one article
at a time, so that only the article at fault is refused.
"""

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import cached_property

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from articles import changes
from articles.derived import create_articles
from articles.history import record_first_revision, record_revision
from articles.models import Article, Paragraph, Source, Tag
from articles.search.sql import defer_text_index_merges, merge_pending_text_index_entries
from articles.slugs import unique_slug, unique_slugs
from articles.text import fold, slugify_vi
from articles.translation import stamp_changed_texts
from ingest.parsing import ParsedText

BATCH = 500
STATUSES = ("created", "updated", "unchanged", "skipped", "refused")
MAX_LINK_LENGTH = Article._meta.get_field("source_url").max_length
# Below this many words a text is too short to tell stories apart: its title counts too.
MIN_FINGERPRINT_WORDS = 30
SOURCE_FIELDS = (
    *("title_vi", "title_en", "lead_vi", "lead_en", "caption_vi", "caption_en"),
    *("credit", "author", "source_url"),
)
TITLE_FIELDS = ("title_vi", "title_en")
_WORD = re.compile(r"\w+")
_TRACKING_PARAMETER = re.compile(r"(?:^|&)utm_[^&=]*=?[^&]*", re.IGNORECASE)
_validate_link = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class IncomingArticle:
    ref: str  # unique import reference: "ndjson:<id>", "feed:<source>:<hash of the GUID>"
    vietnamese: ParsedText | None  # None for an English original
    english: ParsedText | None = None  # the original, or the translation a file gives
    source_url: str = ""
    published_at: datetime | None = None
    tags: tuple[str, ...] = ()  # topic names: feed categories, a bulk file's tags
    label: str = ""  # what the report calls it: a file, "bulk.ndjson:12", a feed's link

    def __post_init__(self):
        if self.vietnamese is None and self.english is None:
            raise ValueError("an incoming article needs a text")

    @property
    def language(self) -> str:
        """The language the text came in."""
        return "vi" if self.vietnamese is not None else "en"

    @property
    def original(self) -> ParsedText:
        return self.vietnamese if self.vietnamese is not None else self.english

    @cached_property
    def fingerprint(self) -> str:
        return text_fingerprint(self.original)

    @cached_property
    def digest(self) -> str:
        """Changes whenever anything saved from the item would (its date aside: items
        without one are given the time they were fetched)."""
        content = [
            asdict(self.vietnamese) if self.vietnamese else None,
            asdict(self.english) if self.english else None,
            self.source_url,
            list(self.tags),
        ]
        return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()

    def fields(self) -> dict[str, str]:
        """The article's fields as the source gives them ("" where it gives nothing). An
        English original's text stands in the Vietnamese fields too."""
        original, english = self.original, self.english
        vietnamese = self.vietnamese or english
        return {
            "title_vi": vietnamese.title,
            "lead_vi": vietnamese.lead,
            "caption_vi": vietnamese.caption,
            "title_en": english.title if english else "",
            "lead_en": english.lead if english else "",
            "caption_en": english.caption if english else "",
            "credit": original.credit or (english.credit if english else ""),
            "author": original.author or (english.author if english else ""),
            "source_url": self.source_url,
        }

    def paragraphs(self) -> list[tuple[str, str]]:
        """(Vietnamese, English) for each body paragraph, "" where the source has none."""
        vietnamese = (self.vietnamese or self.english).paragraphs
        english = self.english.paragraphs if self.english else ()
        return [
            (text, english[number] if number < len(english) else "")
            for number, text in enumerate(vietnamese)
        ]


@dataclass(frozen=True)
class Outcome:
    status: str  # one of STATUSES
    label: str = ""
    article: Article | None = None
    reason: str = ""


def refused(label: str, reason: str) -> Outcome:
    return Outcome("refused", label, reason=reason)


def text_fingerprint(parsed: ParsedText) -> str:
    """The same for the same words, whatever the markup, spacing, punctuation, case or
    diacritics: the lead and paragraphs, with the title too when they are short."""
    words = _WORD.findall(fold(" ".join(parsed.blocks)))
    if len(words) < MIN_FINGERPRINT_WORDS:
        words = _WORD.findall(fold(parsed.title)) + words
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


def clean_link(url: str) -> str:
    """An http(s) link without its #fragment and utm_* tracking parameters; "" for anything
    else (javascript:, data:, relative, too long, malformed)."""
    url = (url or "").strip()
    if not url or any(char <= " " for char in url):
        return ""
    base, _hash, _fragment = url.partition("#")
    path, question, query = base.partition("?")
    query = _TRACKING_PARAMETER.sub("", query).lstrip("&")
    link = f"{path}?{query}" if question and query else path
    try:
        _validate_link(link)
    except ValidationError:
        return ""
    return link if len(link) <= MAX_LINK_LENGTH else ""


# --- Saving ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Destination:
    """Where new articles go: their source (else the one their text names), their status."""

    source: Source | None = None
    status: str = Article.Status.DRAFT
    publish: bool = False  # new articles are published (existing ones keep their status)
    reason: str = "Imported"  # the revision's reason


def save(
    items: Iterable[IncomingArticle | Outcome],
    *,
    source: Source | None = None,
    status: str = Article.Status.DRAFT,
    publish: bool = False,
    reason: str = "Imported",
    batch_size: int = BATCH,
) -> Iterator[Outcome]:
    """Save incoming articles in batches; one outcome each, in order. Outcomes among the
    items (what a reader refused) pass through."""
    destination = Destination(source, status, publish, reason)
    pending: list[IncomingArticle | Outcome] = []
    keys: set[str] = set()
    for item in items:
        item_keys = set() if isinstance(item, Outcome) else _keys(item)
        if len(pending) >= batch_size or keys & item_keys:
            yield from _save_batch(pending, destination)
            pending, keys = [], set()
        pending.append(item)
        keys |= item_keys
    if pending:
        yield from _save_batch(pending, destination)
    merge_pending_text_index_entries()


def _keys(item: IncomingArticle) -> set[str]:
    """What makes two items one story: the second of two in a batch waits for the next."""
    keys = {f"ref:{item.ref}", f"text:{item.fingerprint}"}
    if item.source_url:
        keys.add(f"link:{item.source_url}")
    return keys


def _save_batch(items: list, destination: Destination) -> list[Outcome]:
    try:
        with transaction.atomic(), changes.batch():
            defer_text_index_merges()
            return _write(items, destination)
    except DatabaseError as error:
        if len(items) == 1:
            return [_database_refusal(items[0], error)]
    outcomes = []
    for item in items:  # again one at a time, so that only the article at fault is refused
        try:
            with transaction.atomic(), changes.batch():
                outcomes += _write([item], destination)
        except DatabaseError as error:
            outcomes.append(_database_refusal(item, error))
    return outcomes


def _database_refusal(item, error: DatabaseError | None = None) -> Outcome:
    if isinstance(item, Outcome):
        return item
    message = str(error or "").strip()
    first_line = message.splitlines()[0] if message else "database error"
    return refused(item.label, f"could not be saved: {first_line}")


def _write(items: list, destination: Destination) -> list[Outcome]:
    incoming = [item for item in items if isinstance(item, IncomingArticle)]
    existing = {
        article.import_ref: article
        for article in Article.objects.select_for_update()
        .filter(import_ref__in=[item.ref for item in incoming])
        .without_search_columns()
        .prefetch_related("paragraphs", "tags")
    }
    new = [item for item in incoming if item.ref not in existing]
    duplicates = _duplicates(new)
    tags = _TagNames()
    created, updated, outcomes = [], [], {}
    now = timezone.now()
    to_create = [item for item in new if item.ref not in duplicates]
    for item, article in zip(to_create, _create(to_create, destination, tags, now), strict=True):
        created.append(article)
        outcomes[item.ref] = Outcome("created", item.label, article)
    for item in incoming:
        if item.ref in duplicates:
            article, reason = duplicates[item.ref]
            outcomes[item.ref] = Outcome("skipped", item.label, article, reason)
        elif item.ref in existing:
            article = existing[item.ref]
            changed = _update(article, item, destination, tags, now)
            if changed:
                updated.append(article)
            outcomes[item.ref] = Outcome("updated" if changed else "unchanged", item.label, article)
    _write_updates(existing.values(), updated, now)
    record_revision(created, reason=destination.reason, created=True)
    record_revision(updated, reason=destination.reason)
    return [item if isinstance(item, Outcome) else outcomes[item.ref] for item in items]


def _duplicates(items: list[IncomingArticle]) -> dict[str, tuple[Article, str]]:
    """The articles that already tell these stories under another reference: the same link,
    or the same text."""
    links = {item.source_url for item in items if item.source_url}
    fingerprints = {item.fingerprint for item in items}
    found = Article.objects.filter(
        Q(source_url__in=links) | Q(content_fingerprint__in=fingerprints)
    ).only("pk", "slug", "source_url", "content_fingerprint")
    by_link, by_text = {}, {}
    for article in found.order_by("pk"):
        by_link.setdefault(article.source_url, article)
        by_text.setdefault(article.content_fingerprint, article)
    duplicates = {}
    for item in items:
        if item.source_url and item.source_url in by_link:
            article = by_link[item.source_url]
            duplicates[item.ref] = (article, f"the same link as {article.get_absolute_url()}")
        elif item.fingerprint in by_text:
            article = by_text[item.fingerprint]
            duplicates[item.ref] = (article, f"the same text as {article.get_absolute_url()}")
    return duplicates


def _create(
    items: list[IncomingArticle], destination: Destination, tags: "_TagNames", now
) -> list[Article]:
    if not items:
        return []
    slugs = unique_slugs([item.original.title for item in items])
    sources = _sources([item.original.source for item in items if destination.source is None])
    articles, paragraphs, article_tags = [], [], []
    for item, slug in zip(items, slugs, strict=True):
        fields = item.fields()
        article = Article(
            import_ref=item.ref,
            slug=slug,
            needs_review=True,
            source=destination.source or sources.get(item.original.source.casefold()),
            lead_vi_changed_at=now,
            lead_en_changed_at=now,
            content_fingerprint=item.fingerprint,
            import_digest=item.digest,
            source_fields=_record(fields, item),
            status=Article.Status.PUBLISHED if destination.publish else destination.status,
            published_at=item.published_at,
            **fields,
        )
        if article.status == Article.Status.PUBLISHED and article.published_at is None:
            article.published_at = now
        matched, article.suggested_tags = tags.match(item.tags)
        articles.append(article)
        article_tags.append(matched)
        paragraphs.append(
            [
                Paragraph(
                    position=position,
                    text_vi=text_vi,
                    text_en=text_en,
                    vi_changed_at=now,
                    en_changed_at=now,
                )
                for position, (text_vi, text_en) in enumerate(item.paragraphs(), start=1)
            ]
        )
    create_articles(articles, paragraphs, article_tags)
    return articles


def _update(article: Article, item: IncomingArticle, destination, tags, now) -> bool:
    """Merge what the source gives now into the article; whether anything changed."""
    if article.import_digest == item.digest:
        return False
    record = dict(article.source_fields or {})
    fields = item.fields()
    changed = set()
    for name in SOURCE_FIELDS:
        kept = name in TITLE_FIELDS and not article.needs_review  # reviewed by an editor
        if _take(article, name, fields[name], record, kept=kept):
            changed.add(name)
    stamp_changed_texts(article, changed, now)
    paragraphs_changed = _merge_paragraphs(article, item, record, now)
    if item.language == "en" and {"lead_en"} & changed and "lead_vi" not in changed:
        article.needs_review = True  # the Vietnamese an editor wrote is behind the English
    if article.source_id is None and (destination.source or item.original.source):
        article.source = destination.source or _sources([item.original.source]).get(
            item.original.source.casefold()
        )
        changed.add("source")
    new_tags = [name for name in item.tags if name not in record.get("tags", [])]
    matched, _unmatched = tags.match(new_tags)
    applied = {tag.pk for tag in article.tags.all()}
    article.added_tags = [tag for tag in matched if tag.pk not in applied]
    suggested = [name for name in tags.match(item.tags)[1] if name not in article.suggested_tags]
    if suggested:
        article.suggested_tags = [*article.suggested_tags, *suggested]
    record["tags"] = list(item.tags)
    article.source_fields = record
    article.import_digest = item.digest
    article.content_fingerprint = item.fingerprint
    return bool(changed or paragraphs_changed or article.added_tags or suggested)


def _take(obj, name: str, incoming: str, record: dict, *, kept: bool = False) -> bool:
    """Give the field the source's value, unless the source gives nothing, or an editor
    changed the field since the source last gave it. Whether the field changed."""
    if not incoming:
        return False
    last, current = record.get(name), getattr(obj, name)
    record[name] = _digest(incoming)
    edited = kept or (last is not None and last != _digest(current))
    if edited or current == incoming:
        return False
    setattr(obj, name, incoming)
    return True


def _merge_paragraphs(article: Article, item: IncomingArticle, record: dict, now) -> bool:
    """The body, position by position, with the same rules as the article's own fields. A
    paragraph the source no longer has goes, unless an editor wrote or changed it."""
    existing = list(article.paragraphs.all())
    given = item.paragraphs()
    last = record.get("paragraphs") or []
    merged, changed = [], len(existing) != len(given)
    for number, (text_vi, text_en) in enumerate(given):
        if number < len(existing):
            paragraph = existing[number]
        else:
            paragraph = Paragraph(text_vi="", text_en="", vi_changed_at=now, en_changed_at=now)
            changed = True
        digests = dict(last[number]) if number < len(last) else {}
        taken = {
            name
            for name, text in (("text_vi", text_vi), ("text_en", text_en))
            if _take(paragraph, name, text, digests)
        }
        stamp_changed_texts(paragraph, taken, now)
        if item.language == "en" and "text_en" in taken and "text_vi" not in taken:
            article.needs_review = True
        changed |= bool(taken)
        merged.append((paragraph, digests))
    for number in range(len(given), len(existing)):
        paragraph = existing[number]
        digests = dict(last[number]) if number < len(last) else None
        written_by_hand = digests is not None and any(
            digests.get(name) != _digest(getattr(paragraph, name))
            for name in ("text_vi", "text_en")
            if getattr(paragraph, name)
        )
        if written_by_hand or (digests is None and last):
            merged.append((paragraph, {}))
    record["paragraphs"] = [digests for _paragraph, digests in merged]
    article.merged_paragraphs = [paragraph for paragraph, _digests in merged]
    return changed or len(merged) != len(existing)


def _write_updates(articles: Iterable[Article], updated: list[Article], now) -> None:
    """Store the merged articles, their paragraphs and new tags; refresh the bookkeeping of
    those that did not change at all."""
    quiet = [article for article in articles if article not in updated]
    if quiet:
        Article.objects.bulk_update(
            quiet, ["import_digest", "content_fingerprint", "source_fields"], batch_size=BATCH
        )
    if not updated:
        return
    record_first_revision(Article, [article.pk for article in updated])
    for article in updated:
        article.version += 1  # an editor's form opened before this update is refused
        article.updated_at = now
    Article.objects.bulk_update(
        updated,
        [
            *SOURCE_FIELDS,
            *("lead_vi_changed_at", "lead_en_changed_at", "needs_review", "source"),
            *("suggested_tags", "source_fields", "import_digest", "content_fingerprint"),
            *("version", "updated_at"),
        ],
        batch_size=BATCH,
    )
    Paragraph.objects.filter(article__in=updated).delete()
    renumbered = []
    for article in updated:
        for position, paragraph in enumerate(article.merged_paragraphs, start=1):
            paragraph.pk, paragraph.article, paragraph.position = None, article, position
            renumbered.append(paragraph)
    Paragraph.objects.bulk_create(renumbered)
    Article.tags.through.objects.bulk_create(
        Article.tags.through(article_id=article.pk, tag_id=tag.pk)
        for article in updated
        for tag in article.added_tags
    )


def _record(fields: dict[str, str], item: IncomingArticle) -> dict:
    """What the source gave, as digests: an editor's later change of a field shows."""
    return {
        **{name: _digest(value) for name, value in fields.items() if value},
        "paragraphs": [
            {name: _digest(text) for name, text in (("text_vi", vi), ("text_en", en)) if text}
            for vi, en in item.paragraphs()
        ],
        "tags": list(item.tags),
    }


def _digest(text: str) -> str:
    return hashlib.sha256(unicodedata.normalize("NFC", text).encode()).hexdigest()[:16]


# --- Names: slugs, sources, tags ---------------------------------------------------------------


def _sources(names: Iterable[str]) -> dict[str, Source]:
    """The sources with these names (in any case), created when missing; by casefolded name."""
    names = {name.casefold(): name for name in names if name}
    if not names:
        return {}
    found = {
        source.name.casefold(): source
        for source in Source.objects.annotate(lowered=Lower("name")).filter(
            lowered__in=[name.lower() for name in names.values()]
        )
    }
    for key, name in names.items():
        if key not in found:
            found[key] = Source.objects.create(name=name, slug=unique_slug(name, model=Source))
    return found


@dataclass
class _TagNames:
    """The stored tags by their names (either one, or the slug, in any case, with or
    without diacritics), read once per batch."""

    by_key: dict[str, Tag] = field(default_factory=dict)

    def match(self, names) -> tuple[list[Tag], list[str]]:
        """The existing tags these topic names name, and the names that name none."""
        if not names:
            return [], []
        if not self.by_key:
            for tag in Tag.objects.all():
                for name in (tag.name_vi, tag.name_en):
                    if name:
                        self.by_key.setdefault(fold(name), tag)
                self.by_key.setdefault(tag.slug, tag)
        matched, unmatched = [], []
        for name in names:
            tag = self.by_key.get(fold(name)) or self.by_key.get(slugify_vi(name))
            if tag is None:
                unmatched.append(name)
            elif tag not in matched:
                matched.append(tag)
        return matched, unmatched
