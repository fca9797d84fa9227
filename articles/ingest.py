"""Saving the articles that feeds and bulk files bring in: each in its own transaction, and
never twice.

The parsers (articles.ndjson, articles.feeds_ingest) turn what they read into an
IncomingArticle: the text in the language it came in, as a ParsedText like the scraped-text
importer's, its translation when the file has one, and a unique import reference. Saving it:

- the same reference again updates its article when the text changed, or leaves it
  unchanged;
- the same link, or the same text (its fingerprint), under another reference is skipped:
  the story is already here, and two items sharing a link cannot overwrite each other;
- a Vietnamese text that changes under an English translation leaves the translation in
  place and stale (articles.translation); a title an editor reviewed is kept, as on import.

An English original (a source whose language is "en") fills the _en fields, and a copy of
the English stands in the _vi fields, which must not be empty, until an editor writes the
Vietnamese: the copy follows later changes of the English, an editor's Vietnamese does not
and is flagged for review instead. Every article that comes in needs review.
"""

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, transaction
from django.utils import timezone

from articles.entities import Gazetteer
from articles.history import record_first_revision, record_revision
from articles.importing import ImportOutcome, source_named, unique_slug
from articles.linking import relink_article
from articles.models import Article, Paragraph, Source, Tag
from articles.parsing import ParsedText
from articles.searchtext import fold_for_search
from articles.text import fold_diacritics, slugify_vi
from articles.translation import stamp_changed_texts
from newsreader.pagecache import content_changed

MAX_LINK_LENGTH = Article._meta.get_field("source_url").max_length
# Below this many words a text is too short to tell stories apart: its title counts too.
MIN_FINGERPRINT_WORDS = 30
_WORD = re.compile(r"\w+")
_TRACKING_PARAMETER = re.compile(r"(?:^|&)utm_[^&=]*=?[^&]*", re.IGNORECASE)
_validate_link = URLValidator(schemes=["http", "https"])
LEAD_FIELDS = {"vi": "lead_vi", "en": "lead_en"}
PARAGRAPH_FIELDS = {"vi": "text_vi", "en": "text_en"}


@dataclass(frozen=True)
class IncomingArticle:
    ref: str  # unique import reference: "ndjson:<id>", "feed:<source>:<hash of the GUID>"
    vietnamese: ParsedText | None  # None for an English original
    english: ParsedText | None = None  # the original, or the translation a bulk file gives
    source_url: str = ""
    published_at: datetime | None = None
    tags: tuple[str, ...] = ()  # topic names: feed categories, a bulk file's tags

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

    @property
    def translation(self) -> ParsedText | None:
        """The English that comes with a Vietnamese original, if any."""
        return self.english if self.vietnamese is not None else None

    @property
    def fingerprint(self) -> str:
        return text_fingerprint(self.original)

    @property
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


def text_fingerprint(parsed: ParsedText) -> str:
    """The same for the same words, whatever the markup, spacing, punctuation, case or
    diacritics: the lead and paragraphs, with the title too when they are short."""
    words = _WORD.findall(_fingerprint_fold(" ".join(parsed.blocks)))
    if len(words) < MIN_FINGERPRINT_WORDS:
        words = _WORD.findall(_fingerprint_fold(parsed.title)) + words
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


def _fingerprint_fold(text: str) -> str:
    """Fingerprints are stored: changing this fold would make known texts look new."""
    return fold_diacritics(text).casefold()


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


def save_incoming(
    item: IncomingArticle,
    *,
    source: Source | None = None,
    status: str = Article.Status.DRAFT,
    publish: bool = False,
    gazetteer: Gazetteer | None = None,
    reason: str = "Imported",
    label: str = "",
) -> ImportOutcome:
    """Save one incoming article in its own transaction, its entities linked (as on import).

    A new article gets `status` (published with `publish`, or when `status` says so); an
    existing one keeps its status unless `publish` asks for it to be published.
    """
    try:
        with transaction.atomic():
            article, outcome, note = _save(item, source, status, publish)
            if outcome in ("created", "updated"):
                relink_article(article, gazetteer)
                record_revision([article], reason=reason, created=outcome == "created")
                transaction.on_commit(content_changed)
    except DatabaseError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else "database error"
        return ImportOutcome(
            None, "refused", reason=f"could not be saved: {first_line}", label=label
        )
    return ImportOutcome(None, outcome, article, reason=note, label=label)


def _save(
    item: IncomingArticle, source: Source | None, status: str, publish: bool
) -> tuple[Article, str, str]:
    article = Article.objects.select_for_update().filter(import_ref=item.ref).first()
    if article is None:
        duplicate = find_duplicate(item)
        if duplicate is not None:
            return duplicate
        return _create(item, source, status, publish), "created", ""
    wants_publishing = publish and not article.is_published
    if article.import_digest == item.digest and not wants_publishing:
        return article, "unchanged", ""
    _update(article, item, source, wants_publishing)
    return article, "updated", ""


def find_duplicate(item: IncomingArticle) -> tuple[Article, str, str] | None:
    """The article that already tells this story under another reference: the same link,
    or the same text."""
    articles = Article.objects.without_search_columns().only("pk", "slug")
    if item.source_url:
        article = articles.filter(source_url=item.source_url).first()
        if article is not None:
            return article, "skipped", f"the same link as {article.get_absolute_url()}"
    article = articles.filter(content_fingerprint=item.fingerprint).first()
    if article is not None:
        return article, "skipped", f"the same text as {article.get_absolute_url()}"
    return None


def _create(item: IncomingArticle, source: Source | None, status: str, publish: bool) -> Article:
    original, translation = item.original, item.translation
    article = Article(import_ref=item.ref, slug=unique_slug(original.title), needs_review=True)
    if item.language == "vi":
        article.title_vi, article.lead_vi = original.title, original.lead
        article.caption_vi = original.caption
        if translation is not None:
            article.title_en, article.lead_en = translation.title, translation.lead
            article.caption_en = translation.caption
    else:  # the English, and a copy of it where the Vietnamese will go
        article.title_en = article.title_vi = original.title
        article.lead_en = article.lead_vi = original.lead
        article.caption_en = article.caption_vi = original.caption
    stamp_changed_texts(article, ["lead_vi", "lead_en"])
    _fill_details(article, item, source)
    article.status = Article.Status.PUBLISHED if publish else status
    article.published_at = item.published_at
    if article.status == Article.Status.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()
    matched, article.suggested_tags = match_tags(item.tags)
    article.save()
    article.tags.set(matched)
    Paragraph.objects.bulk_create(
        Paragraph(article=article, position=position, text_vi=text_vi, text_en=text_en)
        for position, (text_vi, text_en) in enumerate(_paragraph_pairs(item), start=1)
    )
    return article


def _paragraph_pairs(item: IncomingArticle) -> list[tuple[str, str]]:
    paragraphs = item.original.paragraphs
    if item.language == "en":
        return [(text, text) for text in paragraphs]
    english = item.translation.paragraphs if item.translation else ()
    return [(text, english[n] if n < len(english) else "") for n, text in enumerate(paragraphs)]


def _update(article: Article, item: IncomingArticle, source: Source | None, publish: bool):
    record_first_revision(Article, [article.pk])
    article.version += 1  # an editor's form opened before this update is refused
    side, original, translation = item.language, item.original, item.translation
    now = timezone.now()
    if article.needs_review:  # a title an editor reviewed stays
        old_title = getattr(article, f"title_{side}")
        setattr(article, f"title_{side}", original.title)
        if side == "en" and article.title_vi in (old_title, ""):
            article.title_vi = original.title
        if translation is not None:
            article.title_en = translation.title
    left_behind = update_block(
        article, LEAD_FIELDS, side, original.lead, translation.lead if translation else None, now
    )
    left_behind |= _merge_paragraphs(article, item, now)
    setattr(article, f"caption_{side}", original.caption)
    if translation is not None:
        article.caption_en = translation.caption
    _fill_details(article, item, source)
    if side == "en" and left_behind:
        article.needs_review = True  # the Vietnamese an editor wrote is behind the English
    if publish:
        article.status = Article.Status.PUBLISHED
        article.published_at = article.published_at or item.published_at or timezone.now()
    applied = {fold_for_search(name) for tag in article.tags.all() for name in _tag_keys(tag)}
    article.suggested_tags = [
        name for name in match_tags(item.tags)[1] if fold_for_search(name) not in applied
    ]
    article.save()


def update_block(obj, fields: dict[str, str], side: str, text: str, other_text, now) -> bool:
    """Give one block (an article's lead, or a paragraph) the new text of the side it came
    in, stamping what changed; True when that leaves the other side's text behind.

    With the other side's text given (a bulk file's translation), both are a fresh pair.
    Without it, the other side is kept: an English translation goes stale; a Vietnamese
    copy of an English original follows it, a Vietnamese an editor wrote does not.
    """
    other = "en" if side == "vi" else "vi"
    old = getattr(obj, fields[side])
    if other_text is not None:
        if old != text or getattr(obj, fields[other]) != other_text:
            setattr(obj, fields[side], text)
            setattr(obj, fields[other], other_text)
            stamp_changed_texts(obj, [fields[side], fields[other]], now)
        return False
    if old == text:
        return False
    setattr(obj, fields[side], text)
    changed = [fields[side]]
    if side == "en" and getattr(obj, fields["vi"]) in (old, ""):
        setattr(obj, fields["vi"], text)
        changed.append(fields["vi"])
    stamp_changed_texts(obj, changed, now)
    return len(changed) == 1 and bool(getattr(obj, fields[other]))


def _merge_paragraphs(article: Article, item: IncomingArticle, now) -> bool:
    """The paragraphs, position by position, keeping each one's other side and stamps."""
    texts = item.original.paragraphs
    translation = item.translation.paragraphs if item.translation else None
    existing = list(article.paragraphs.all())
    paragraphs, left_behind = [], False
    for number, text in enumerate(texts):
        if number < len(existing):
            paragraph = existing[number]
        else:
            paragraph = Paragraph(text_vi="", text_en="", vi_changed_at=now, en_changed_at=now)
        other_text = None
        if translation is not None:
            other_text = translation[number] if number < len(translation) else ""
        left_behind |= update_block(
            paragraph, PARAGRAPH_FIELDS, item.language, text, other_text, now
        )
        paragraph.pk, paragraph.article, paragraph.position = None, article, number + 1
        paragraphs.append(paragraph)
    article.paragraphs.all().delete()
    Paragraph.objects.bulk_create(paragraphs)
    return left_behind


def _fill_details(article: Article, item: IncomingArticle, source: Source | None) -> None:
    original, translation = item.original, item.translation
    article.author = original.author or (translation.author if translation else "")
    article.credit = original.credit or (translation.credit if translation else "")
    article.source_url = item.source_url or article.source_url
    article.content_fingerprint = item.fingerprint
    article.import_digest = item.digest
    if source is None and original.source:
        source = source_named(original.source)
    article.source = source or article.source


def match_tags(names) -> tuple[list[Tag], list[str]]:
    """The existing tags these topic names name (by either name or the slug, in any case,
    with or without diacritics), and the names that name none."""
    if not names:
        return [], []
    by_key = {}
    for tag in Tag.objects.all():
        for key in _tag_keys(tag):
            by_key.setdefault(fold_for_search(key), tag)
        by_key.setdefault(tag.slug, tag)
    matched, unmatched = [], []
    for name in names:
        tag = by_key.get(fold_for_search(name)) or by_key.get(slugify_vi(name))
        if tag is None:
            unmatched.append(name)
        elif tag not in matched:
            matched.append(tag)
    return matched, unmatched


def _tag_keys(tag: Tag) -> list[str]:
    return [name for name in (tag.name_vi, tag.name_en) if name]
