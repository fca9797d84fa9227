"""Saving parsed scraped articles: idempotent, one transaction per file."""

import hashlib
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from articles.entities import Gazetteer
from articles.history import record_first_revision, record_revision
from articles.linking import relink_article
from articles.models import Article, Paragraph, Source
from articles.parsing import ParsedText, ParseError, decode_raw, parse_article
from articles.text import slugify_vi
from articles.translation import stamp_changed_texts
from newsreader.pagecache import content_changed

TRANSLATION_SUFFIX = ".en.txt"


class ImportRefused(Exception):
    """A file that cannot become an article; the message is one line for the editor."""


@dataclass(frozen=True)
class ImportOutcome:
    path: Path | None  # None for a feed's item (articles.feeds_ingest)
    status: str  # "created" | "updated" | "unchanged" | "skipped" | "refused"
    article: Article | None = None
    reason: str = ""
    label: str = ""  # what the report calls it, when not its path: "bulk.ndjson:12"


def is_translation_file(path: Path) -> bool:
    return path.name.endswith(TRANSLATION_SUFFIX)


def translation_path(path: Path) -> Path:
    return path.with_name(path.stem + TRANSLATION_SUFFIX)


def collect_article_files(paths: list[Path]) -> list[Path]:
    """Expand folders to their .txt files; translations travel with their originals."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.glob("*.txt") if not is_translation_file(p)))
        elif not (is_translation_file(path) and path.with_name(original_name(path)) in paths):
            files.append(path)
    return files


def original_name(translation: Path) -> str:
    return translation.name.removesuffix(TRANSLATION_SUFFIX) + ".txt"


def read_article_file(path: Path, max_bytes: int) -> tuple[ParsedText, ParsedText | None, str]:
    """Parse a file and its translation, or raise ImportRefused with the reason."""
    if is_translation_file(path):
        raise ImportRefused(f"is a translation; import {original_name(path)} instead")
    vietnamese_text = _read(path, max_bytes)
    vietnamese = _parse(vietnamese_text, "vi")
    english, english_text = None, ""
    english_path = translation_path(path)
    if english_path.exists():
        english_text = _read(english_path, max_bytes, label=english_path.name)
        english = _parse(english_text, "en", label=english_path.name)
        if len(english.blocks) != len(vietnamese.blocks):
            raise ImportRefused(
                f"translation {english_path.name} has {len(english.blocks)} paragraphs, "
                f"the original has {len(vietnamese.blocks)}"
            )
    digest = hashlib.sha256(f"{vietnamese_text}\0{english_text}".encode()).hexdigest()
    return vietnamese, english, digest


def _read(path: Path, max_bytes: int, label: str = "") -> str:
    prefix = f"{label}: " if label else ""
    try:
        with path.open("rb") as file:
            data = file.read(max_bytes + 1)  # no more: it may be endless, like /dev/zero
    except FileNotFoundError:
        raise ImportRefused(f"{prefix}no such file") from None
    except OSError as error:
        raise ImportRefused(f"{prefix}cannot be read ({error.strerror})") from None
    try:
        return decode_raw(data, max_bytes=max_bytes)
    except ParseError as error:
        raise ImportRefused(f"{prefix}{error}") from None


def _parse(text: str, language: str, label: str = "") -> ParsedText:
    try:
        return parse_article(text, language)
    except ParseError as error:
        raise ImportRefused(f"{label}: {error}" if label else str(error)) from None


def import_file(
    path: Path,
    *,
    publish: bool = False,
    published_at: datetime | None = None,
    max_bytes: int | None = None,
    gazetteer: Gazetteer | None = None,
) -> ImportOutcome:
    """Import one scraped file (and its NAME.en.txt) into an article.

    The file is read and parsed before anything is written, and saved in its own
    transaction, so a refused or failing file leaves the database as it was. Entity
    mentions and category membership are brought up to date in the same transaction.
    """
    try:
        vietnamese, english, digest = read_article_file(
            path, max_bytes or settings.IMPORT_MAX_BYTES
        )
        with transaction.atomic():
            article, status = save_article(
                path.stem, vietnamese, english, digest, publish=publish, published_at=published_at
            )
            if status != "unchanged":
                relink_article(article, gazetteer)
                record_revision([article], reason="Imported", created=status == "created")
                transaction.on_commit(content_changed)
    except ImportRefused as error:
        return ImportOutcome(path, "refused", reason=str(error))
    except DatabaseError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else "database error"
        return ImportOutcome(path, "refused", reason=f"could not be saved: {first_line}")
    return ImportOutcome(path, status, article)


def save_article(
    import_ref: str,
    vietnamese: ParsedText,
    english: ParsedText | None,
    digest: str,
    *,
    publish: bool = False,
    published_at: datetime | None = None,
) -> tuple[Article, str]:
    article = Article.objects.select_for_update().filter(import_ref=import_ref).first()
    wants_publishing = publish and not (article and article.is_published)
    if article and article.import_digest == digest and not wants_publishing:
        return article, "unchanged"

    status = "updated" if article else "created"
    if article is None:
        article = Article(import_ref=import_ref, slug=unique_slug(vietnamese.title))
    else:
        record_first_revision(Article, [article.pk])
        article.version += 1  # an editor's form opened before this import is refused
    _fill_article(article, vietnamese, english)
    stamp_changed_texts(article, ["lead_vi", "lead_en"])  # a fresh pair: neither is stale
    article.import_digest = digest
    if wants_publishing:
        article.status = Article.Status.PUBLISHED
        article.published_at = published_at or article.published_at or timezone.now()
    article.save()
    _replace_paragraphs(article, vietnamese, english)
    return article, status


def _fill_article(article: Article, vietnamese: ParsedText, english: ParsedText | None) -> None:
    reviewed = article.pk is not None and not article.needs_review
    if not reviewed:
        article.title_vi = vietnamese.title
        article.title_en = english.title if english else ""
        article.needs_review = True
    article.lead_vi = vietnamese.lead
    article.lead_en = english.lead if english else ""
    article.caption_vi = vietnamese.caption
    article.caption_en = english.caption if english else ""
    article.credit = vietnamese.credit or (english.credit if english else "")
    article.author = vietnamese.author or (english.author if english else "")
    source_name = vietnamese.source or (english.source if english else "")
    article.source = source_named(source_name) if source_name else None


def _replace_paragraphs(
    article: Article, vietnamese: ParsedText, english: ParsedText | None
) -> None:
    english_paragraphs = english.paragraphs if english else ("",) * len(vietnamese.paragraphs)
    article.paragraphs.all().delete()
    Paragraph.objects.bulk_create(
        Paragraph(article=article, position=position, text_vi=text_vi, text_en=text_en)
        for position, (text_vi, text_en) in enumerate(
            zip(vietnamese.paragraphs, english_paragraphs, strict=True), start=1
        )
    )


def source_named(name: str) -> Source:
    source = Source.objects.filter(name__iexact=name).first()
    if source is None:
        source = Source.objects.create(name=name, slug=unique_slug(name, model=Source))
    return source


def unique_slug(text: str, model: type = Article) -> str:
    base = slugify_vi(text, max_length=80)
    slug, counter = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def describe(outcome: ImportOutcome, name: str | None = None) -> str:
    """One line of the import report for a file (or an item of a bulk file or feed)."""
    name = name or outcome.label or str(outcome.path)
    if outcome.status in ("refused", "skipped"):
        return f"{name}: {outcome.status}: {outcome.reason}"
    if outcome.status == "unchanged":
        return f"{name}: unchanged"
    return f"{name}: {outcome.status} {outcome.article.get_absolute_url()}"


def summarize(outcomes: Iterable[ImportOutcome], noun: str = "file(s)") -> str:
    """The report's last line: how many files (or articles), and what became of them."""
    counts = Counter(outcome.status for outcome in outcomes)
    summary = ", ".join(
        f"{counts[status]} {status}"
        for status in ("created", "updated", "unchanged", "skipped", "refused")
        if counts[status]
    )
    return f"{counts.total()} {noun}: {summary or 'nothing to import'}."


def import_uploads(uploads, *, publish: bool = False) -> list[ImportOutcome]:
    """Import uploaded files (from the admin) exactly as the command imports files on disk:
    each NAME.txt with the NAME.en.txt uploaded beside it. Outcomes carry the file names."""
    with tempfile.TemporaryDirectory(prefix="newsreader-import-") as folder:
        paths = []
        for upload in uploads:
            path = Path(folder) / Path(upload.name).name
            if path.suffix != ".txt" or path.name.startswith("."):
                paths.append(path)  # refused below, without being written
                continue
            with path.open("wb") as file:
                for chunk in upload.chunks():
                    file.write(chunk)
            paths.append(path)
        outcomes = []
        for path in collect_article_files(paths):
            if path.suffix != ".txt" or not path.exists():
                outcomes.append(ImportOutcome(path, "refused", reason="not a .txt file"))
            else:
                outcomes.append(import_file(path, publish=publish))
        return [ImportOutcome(Path(o.path.name), o.status, o.article, o.reason) for o in outcomes]
