"""Text helpers for Vietnamese and English article text: cleaning, folding, slugs, counts."""

import re
import unicodedata

from django.utils.text import slugify

_LINE_BREAKS = re.compile(r"\r\n?|[\x85\u2028\u2029]")
_HORIZONTAL_WHITESPACE = re.compile(r"[^\S\n]+")  # any whitespace except the newline
_INVISIBLE_CHARS = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
# Letters whose "diacritic" is a stroke, which Unicode does not decompose.
_STROKED_LETTERS = str.maketrans("đĐøØłŁħĦ", "dDoOlLhH")
_FALLBACK_SLUG = "article"


def normalize_text(text: str) -> str:
    """Clean text to NFC with plain LF line breaks, single spaces and no invisible characters.

    Every line is kept (blank ones too), stripped at both ends.
    """
    text = _LINE_BREAKS.sub("\n", text)
    text = text.translate(_INVISIBLE_CHARS)  # also removes a leading byte-order mark
    text = unicodedata.normalize("NFC", text)
    return "\n".join(_HORIZONTAL_WHITESPACE.sub(" ", line).strip() for line in text.split("\n"))


def fold_diacritics(text: str) -> str:
    """Remove accents and tone marks, with đ → d and Đ → D; case is kept."""
    decomposed = unicodedata.normalize("NFD", text.translate(_STROKED_LETTERS))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", bare)


def slugify_vi(text: str, max_length: int = 80) -> str:
    """An ASCII slug of at most max_length characters, cut between words, never empty."""
    slug = slugify(fold_diacritics(text))
    if len(slug) > max_length:
        slug = _cut_at_hyphen(slug, max_length)
    return slug or _FALLBACK_SLUG


def _cut_at_hyphen(slug: str, max_length: int) -> str:
    head, hyphen, _ = slug[: max_length + 1].rpartition("-")
    return (head if hyphen else slug[:max_length]).strip("-_")


def count_words(text: str) -> int:
    return len(text.split())
