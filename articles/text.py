"""Text helpers for Vietnamese and English article text: cleaning, the one diacritic
fold, slugs, cutting at a word, counts."""

import re
import unicodedata

from django.utils.text import slugify

_LINE_BREAKS = re.compile(r"\r\n?|[\x85\u2028\u2029]")
_HORIZONTAL_WHITESPACE = re.compile(r"[^\S\n]+")  # any whitespace except the newline
_INVISIBLE_CHARS = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_COMBINING_MARKS = re.compile("[\u0300-\u036f]")
# Letters whose "diacritic" is a stroke, which Unicode does not decompose.
STROKED_LETTERS = "đĐøØłŁ"
UNSTROKED_LETTERS = "ddooll"
_FALLBACK_SLUG = "article"
# A tone mark on the second vowel of an open oa, oe or uy (hoà, khoẻ, thuỵ: the newer
# placement), in NFD; not after q, where the u belongs to the consonant (quý), nor on a
# vowel with a mark of its own (tuệ).
_NEWER_TONE_PLACEMENT = re.compile(
    r"(?<![qQ])([oOuU])([aAeEyY])([\u0300\u0301\u0303\u0309\u0323])"
    r"(?![^\W\d_]|[\u0300-\u036f])"
)


def normalize_text(text: str) -> str:
    """Clean text to NFC with plain LF line breaks, single spaces and no invisible characters.

    Every line is kept (blank ones too), stripped at both ends.
    """
    text = _LINE_BREAKS.sub("\n", text)
    text = text.translate(_INVISIBLE_CHARS)  # also removes a leading byte-order mark
    text = unicodedata.normalize("NFC", text)
    return "\n".join(_HORIZONTAL_WHITESPACE.sub(" ", line).strip() for line in text.split("\n"))


def fold(text: str) -> str:
    """Lowercase text without accents or tone marks, đ → d: `Đà Nẵng` → `da nang`.

    The one fold of the project: search (mirrored in SQL by articles.search.sql.sql_fold),
    fingerprints of incoming text, tag names and slugs. Decompose (NFD), drop the combining
    marks U+0300–U+036F, unstroke đ/Đ (and ø, ł), lowercase.
    """
    folded = _COMBINING_MARKS.sub("", unicodedata.normalize("NFD", text))
    for stroked, unstroked in zip(STROKED_LETTERS, UNSTROKED_LETTERS, strict=True):
        if stroked in folded:  # str.replace() is C's; translate() looks up every letter
            folded = folded.replace(stroked, unstroked)
    return folded.lower()


def normalize_tones(text: str) -> str:
    """The text in NFC with every tone mark where the older, commoner placement puts it:
    `hoà` → `hòa`, `thuỵ` → `thụy`, `khoẻ` → `khỏe`. Both are correct spellings of one word,
    so whatever compares words as written (search) compares them after this.
    """
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _NEWER_TONE_PLACEMENT.sub(r"\1\3\2", decomposed))


def cut_at_word(text: str, limit: int, *, ellipsis: str = "", separator: str = " ") -> str:
    """The text if it fits in `limit` characters, else its start cut between two words
    (mid-word only when the first word alone is too long), ending with `ellipsis`."""
    if len(text) <= limit:
        return text
    room = limit - len(ellipsis)
    head, found, _ = text[: room + 1].rpartition(separator)
    head = head.rstrip(separator) if found and head.strip(separator) else text[:room]
    return head + ellipsis


def slugify_vi(text: str, max_length: int = 80) -> str:
    """An ASCII slug of at most max_length characters, cut between words, never empty."""
    slug = cut_at_word(slugify(fold(text)), max_length, separator="-").strip("-_")
    return slug or _FALLBACK_SLUG


def count_words(text: str) -> int:
    return len(text.split())
