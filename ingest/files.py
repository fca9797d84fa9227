"""Files on disk as incoming articles: scraped text (NAME.txt, with NAME.en.txt as its
translation), NDJSON and saved feeds, found in the files and folders given.

Only regular files are read, never through a symbolic link (ingest.safefiles): a folder's
link, FIFO or device is refused in its report line, whatever its name, and a translation
is only ever the NAME.en.txt beside its original."""

import os
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from ingest import feedxml, ndjson
from ingest.parsing import ParsedText, ParseError, decode_raw, parse_article
from ingest.safefiles import read_at_most
from ingest.saving import IncomingArticle, Outcome, refused, save

TRANSLATION_SUFFIX = ".en.txt"
TEXT_SUFFIX = ".txt"
BULK_SUFFIXES = (*ndjson.SUFFIXES, *feedxml.SUFFIXES)


def is_translation_file(path: Path) -> bool:
    return path.name.endswith(TRANSLATION_SUFFIX)


def translation_path(path: Path) -> Path:
    return path.with_name(path.stem + TRANSLATION_SUFFIX)


def original_name(translation: Path) -> str:
    return translation.name.removesuffix(TRANSLATION_SUFFIX) + TEXT_SUFFIX


def collect_article_files(paths: list[Path]) -> list[Path]:
    """Expand folders to their .txt files; translations travel with their originals."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.glob("*.txt") if not is_translation_file(p)))
        elif not (is_translation_file(path) and path.with_name(original_name(path)) in paths):
            files.append(path)
    return files


def bulk_files_in(paths: list[Path]) -> list[Path]:
    """The NDJSON and feed files given, and those in the folders given."""
    found = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix.lower() in BULK_SUFFIXES)
        elif path.suffix.lower() in BULK_SUFFIXES:
            found.append(path)
    return found


def read_text_files(paths: list[Path], max_bytes: int) -> Iterator[IncomingArticle | Outcome]:
    """Each scraped file (and its translation) as an incoming article keyed on its name, or
    the reason it is refused."""
    for path in paths:
        try:
            yield read_article_file(path, max_bytes)
        except ParseError as error:
            yield refused(str(path), str(error))


def read_article_file(path: Path, max_bytes: int, label: str = "") -> IncomingArticle:
    """Parse a file and its translation, or raise ParseError with the reason."""
    if is_translation_file(path):
        raise ParseError(f"is a translation; import {original_name(path)} instead")
    vietnamese = _parse(_read(path, max_bytes), "vi")
    english = None
    english_path = translation_path(path)
    if os.path.lexists(english_path):  # a link too, even a broken one: it is refused
        english = _parse(_read(english_path, max_bytes, english_path.name), "en", english_path.name)
        if len(english.blocks) != len(vietnamese.blocks):
            raise ParseError(
                f"translation {english_path.name} has {len(english.blocks)} paragraphs, "
                f"the original has {len(vietnamese.blocks)}"
            )
    return IncomingArticle(
        ref=path.stem, vietnamese=vietnamese, english=english, label=label or str(path)
    )


def _read(path: Path, max_bytes: int, label: str = "") -> str:
    prefix = f"{label}: " if label else ""
    try:
        return decode_raw(read_at_most(path, max_bytes), max_bytes=max_bytes)
    except ParseError as error:
        raise ParseError(f"{prefix}{error}") from None


def _parse(text: str, language: str, label: str = "") -> ParsedText:
    try:
        return parse_article(text, language)
    except ParseError as error:
        raise ParseError(f"{label}: {error}" if label else str(error)) from None


def import_paths(paths: list[Path], *, max_bytes: int, publish: bool = False) -> Iterator[Outcome]:
    """Import scraped files, NDJSON and saved feeds found in these files and folders: one
    outcome per file, line or item."""
    bulk_files = bulk_files_in(paths)
    text_files = collect_article_files([path for path in paths if path not in bulk_files])
    yield from save(read_text_files(text_files, max_bytes), publish=publish)
    for path in bulk_files:
        if path.suffix.lower() in ndjson.SUFFIXES:
            yield from save(ndjson.read_file(path, max_bytes), publish=publish)
        else:
            yield from feedxml.import_file(path, max_bytes=max_bytes, publish=publish)


def import_uploads(uploads, *, publish: bool = False, max_bytes: int) -> list[Outcome]:
    """Import uploaded files (from the admin) exactly as the command imports files on disk:
    each NAME.txt with the NAME.en.txt uploaded beside it. Outcomes carry the file names."""
    with tempfile.TemporaryDirectory(prefix="newsreader-import-") as folder:
        paths, outcomes = [], []
        for upload in uploads:
            path = Path(folder) / Path(upload.name).name
            if path.suffix != TEXT_SUFFIX or path.name.startswith("."):
                outcomes.append(refused(path.name, "not a .txt file"))
                continue
            with path.open("wb") as file:
                for chunk in upload.chunks():
                    file.write(chunk)
            paths.append(path)
        items = (
            _named(item, folder)
            for item in read_text_files(collect_article_files(paths), max_bytes)
        )
        return outcomes + list(save(items, publish=publish))


def _named(item: IncomingArticle | Outcome, folder: str):
    """An upload's outcome is reported under its own name, not its temporary path."""
    name = item.label.removeprefix(folder).lstrip("/")
    if isinstance(item, Outcome):
        return Outcome(item.status, name, item.article, item.reason)
    return replace(item, label=name)
