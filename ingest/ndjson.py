"""Bulk files of articles as NDJSON (.ndjson, .jsonl): one JSON object a line.

    {"id": "vnx-2024-0001", "title_vi": "…", "lead_vi": "…", "paragraphs_vi": ["…", "…"],
     "title_en": "…", "lead_en": "…", "paragraphs_en": ["…", "…"],
     "source": "Reuters", "source_url": "https://…", "published_at": "2024-01-06T08:00:00+07:00",
     "author": "…", "caption_vi": "…", "caption_en": "…", "credit": "…", "tags": ["…"]}

The Vietnamese lead (or, without one, the first Vietnamese paragraph) is required; the rest
is optional. Without a title, one is derived from the lead. The English, when given, must
line up paragraph for paragraph. The id keys the article ("ndjson:<id>": make ids unique
across files, e.g. with the exporter's prefix); a line without one is keyed on its text.

parse_line() is pure; read_file() reads a file line by line, each valid line an incoming
article for ingest.saving, each invalid one refused with its line number.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from django.utils import timezone

from articles.models import Article, Source, Tag
from articles.text import normalize_text
from ingest.parsing import ParsedText, ParseError, check_text_bytes, derive_title
from ingest.safefiles import open_regular
from ingest.saving import IncomingArticle, Outcome, clean_link, refused, text_fingerprint

SUFFIXES = (".ndjson", ".jsonl")
FIELDS = (
    *("id", "title_vi", "lead_vi", "paragraphs_vi", "title_en", "lead_en", "paragraphs_en"),
    *("source", "source_url", "published_at", "author", "caption_vi", "caption_en", "credit"),
    "tags",
)
MAX_ID_LENGTH = 200
MAX_TAGS = 50
SNIFF_BYTES = 64 * 1024  # read to tell a binary or UTF-16 file before its lines
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # \t \n \v \f \r aside
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")  # from a \ud83d escape without its pair


def _limit(model, field: str) -> int:
    return model._meta.get_field(field).max_length


LIMITS = {
    "title_vi": _limit(Article, "title_vi"),
    "title_en": _limit(Article, "title_en"),
    "caption_vi": _limit(Article, "caption_vi"),
    "caption_en": _limit(Article, "caption_en"),
    "credit": _limit(Article, "credit"),
    "author": _limit(Article, "author"),
    "source": _limit(Source, "name"),
}
TAG_LIMIT = _limit(Tag, "name_vi")


def parse_line(line: str) -> IncomingArticle:
    """One line of an NDJSON file as an incoming article, or ParseError with the reason."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        message = error.msg.removesuffix(" at")  # "Unterminated string starting at"
        raise ParseError(f"not valid JSON ({message} at column {error.colno})") from None
    except RecursionError:
        raise ParseError("not valid JSON (nested too deeply)") from None
    except ValueError:  # Python's limit on the digits of an integer
        raise ParseError("not valid JSON (a number with too many digits)") from None
    if not isinstance(data, dict):
        raise ParseError("not a JSON object")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ParseError(f"unknown field(s) {', '.join(map(repr, unknown))}")
    fields = _Fields(data)

    vietnamese = _text(fields, "vi", required=True)
    english = _text(fields, "en", required=False)
    if english and english.paragraphs and len(english.blocks) != len(vietnamese.blocks):
        raise ParseError(
            f"the English has {len(english.blocks)} paragraphs (the lead included), "
            f"the Vietnamese has {len(vietnamese.blocks)}"
        )

    source_url = fields.text("source_url")
    if source_url and not clean_link(source_url):
        raise ParseError("source_url must be an http(s) URL")
    tags = fields.texts("tags")
    if len(tags) > MAX_TAGS or any(len(tag) > TAG_LIMIT for tag in tags):
        raise ParseError(f"tags: at most {MAX_TAGS}, of at most {TAG_LIMIT} characters each")
    identifier = _identifier(data.get("id"))
    ref = f"ndjson:{identifier or text_fingerprint(vietnamese)}"
    return IncomingArticle(
        ref=ref,
        vietnamese=vietnamese,
        english=english,
        source_url=clean_link(source_url),
        published_at=_time(fields.text("published_at")),
        tags=tuple(dict.fromkeys(tags)),
    )


class _Fields:
    """Typed, cleaned access to a line's fields."""

    def __init__(self, data: dict):
        self.data = data

    def text(self, name: str) -> str:
        value = self.data.get(name)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ParseError(f"{name} must be a string")
        text = " ".join(normalize_text(_plain_text(name, value)).split())
        if name in LIMITS and len(text) > LIMITS[name]:
            raise ParseError(f"{name} is longer than {LIMITS[name]} characters")
        return text

    def texts(self, name: str) -> list[str]:
        value = self.data.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ParseError(f"{name} must be a list of strings")
        texts = [" ".join(normalize_text(_plain_text(name, item)).split()) for item in value]
        for number, text in enumerate(texts, start=1):
            if not text:
                raise ParseError(f"{name}: item {number} is empty")
        return texts


def _plain_text(name: str, value: str) -> str:
    if _CONTROL_CHARACTERS.search(value):
        raise ParseError(f"{name} holds control characters")
    if _LONE_SURROGATE.search(value):
        raise ParseError(f"{name} holds half a character (a \\u escape without its pair)")
    return value


def _text(fields: _Fields, language: str, required: bool) -> ParsedText | None:
    title = fields.text(f"title_{language}")
    lead = fields.text(f"lead_{language}")
    paragraphs = fields.texts(f"paragraphs_{language}")
    caption = fields.text(f"caption_{language}")
    if not lead and paragraphs:
        lead, *paragraphs = paragraphs
    if not lead and required:
        raise ParseError("no Vietnamese text: lead_vi and paragraphs_vi are empty")
    if not lead and not title and not caption:
        return None
    if language == "en":
        return ParsedText(
            title=title or (derive_title(lead, "en") if lead else ""),
            lead=lead,
            paragraphs=tuple(paragraphs),
            caption=caption,
        )
    return ParsedText(
        title=title or derive_title(lead, "vi"),
        lead=lead,
        paragraphs=tuple(paragraphs),
        caption=caption,
        credit=fields.text("credit"),
        author=fields.text("author"),
        source=fields.text("source"),
    )


def _identifier(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ParseError("id must be a string or a number")
    identifier = _plain_text("id", str(value)).strip()
    if len(identifier) > MAX_ID_LENGTH:
        raise ParseError(f"id is longer than {MAX_ID_LENGTH} characters")
    return identifier


def _time(text: str) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ParseError("published_at is not an ISO 8601 time") from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


# --- Reading and saving -----------------------------------------------------------------------


def read_lines(path: Path, max_bytes: int) -> Iterator[tuple[int, str | ParseError]]:
    """(line number, text) for each non-blank line, or a ParseError for a line that is too
    long or not UTF-8. A long line is never held in memory whole."""
    with open_regular(path) as file:
        number = 0
        while True:
            raw = file.readline(max_bytes + 1)
            if not raw:
                return
            number += 1
            if len(raw) > max_bytes and not raw.endswith(b"\n"):
                while (rest := file.readline(64 * 1024)) and not rest.endswith(b"\n"):
                    pass
                yield number, ParseError(f"longer than the {max_bytes:,}-byte limit")
                continue
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                yield number, ParseError("not UTF-8 text")
                continue
            if text.strip():
                yield number, text


def read_file(path: Path, max_bytes: int) -> Iterator[IncomingArticle | Outcome]:
    """Each line of an NDJSON file as an incoming article, or the reason it is refused; one
    refusal for the whole file when it is empty, binary or not UTF-8 from its start, or not
    a regular file (ingest.safefiles). The file is read a line at a time, however large it
    is."""
    try:
        with open_regular(path) as file:
            check_text_bytes(file.read(SNIFF_BYTES))
        has_lines = False
        for number, line in read_lines(path, max_bytes):
            has_lines = True
            label = f"{path}:{number}"
            try:
                if isinstance(line, ParseError):
                    raise line
                yield replace(parse_line(line), label=label)
            except ParseError as error:
                yield refused(label, str(error))
        if not has_lines:
            yield refused(str(path), "empty file")
    except ParseError as error:
        yield refused(str(path), str(error))
    except FileNotFoundError:
        yield refused(str(path), "no such file")
    except OSError as error:
        yield refused(str(path), f"cannot be read ({error.strerror})")
