"""Search text without a database: the diacritic fold shared with SQL, query cleaning, snippets.

PostgreSQL has no `unaccent` here, so a generated tsvector column folds article text with the
SQL of `sql_fold` and the reader's query is folded by `fold_for_search` in Python: the same
steps on both sides (NFD, drop combining marks, đ → d, lowercase), so they agree.
"""

import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from articles.text import normalize_text

MAX_QUERY_CHARS = 200

_COMBINING_MARKS = re.compile("[\u0300-\u036f]")
_STROKED_LETTERS = "đĐøØłŁ"  # letters with a stroke have no decomposition to drop it from
_UNSTROKED_LETTERS = "ddooll"
_UNSTROKE = str.maketrans(_STROKED_LETTERS, _UNSTROKED_LETTERS)
_OR_OPERATOR = "OR"
_PHRASE_QUOTE = '"'
_EXCLUSION_PREFIX = "-"
_WORD = re.compile(r"[^\W_]+")
_QUOTED_PHRASE = re.compile(r'(?:^|(?<=\s))(-?)"([^"]*)"')
_WORD_OR_GAP = re.compile(r"[^\W_]+|[\W_]+")
_WORDS_BEFORE_FIRST_MATCH = 5
_ELLIPSIS = "…"
_MIN_STEM_CHARS = 4
# Longest first; each pair is (ending, replacement). Applied once, then a final e/y is dropped.
_ENGLISH_ENDINGS = (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))
_KEEPS_FINAL_S_AFTER = "siu"  # press, crisis, status: the s is not a plural ending


def fold_for_search(text: str) -> str:
    """Lowercase text without diacritics (đ → d): what SQL_FOLD computes in PostgreSQL.

    Decompose (NFD), drop the combining marks U+0300–U+036F, unstroke đ/Đ (and ø, ł), lowercase.
    """
    decomposed = unicodedata.normalize("NFD", text)
    return _COMBINING_MARKS.sub("", decomposed).translate(_UNSTROKE).lower()


def sql_fold(expression_sql: str) -> str:
    """The same fold in SQL, for generated columns and indexes. Every function in it is
    built in and fast (about 0.3 ms for a 2,000-character article), and lowercasing comes
    last so that it needs no Unicode-aware locale."""
    return (
        f"lower(translate(regexp_replace(normalize({expression_sql}, NFD), "
        r"'[\u0300-\u036f]', '', 'g'), "
        f"'{_STROKED_LETTERS}', '{_UNSTROKED_LETTERS}'))"
    )


# --- Queries -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchQuery:
    text: str
    folded: str
    has_diacritics: bool
    hint: str
    is_searchable: bool


def parse_query(raw: str | None) -> SearchQuery:
    """Clean what the reader typed into a query for websearch_to_tsquery; never raises."""
    cleaned = _clean_query_text(_as_text(raw))
    text = _shorten_at_word(cleaned, MAX_QUERY_CHARS)
    folded = _fold_keeping_operators(text)
    is_searchable = _has_searchable_word(folded)
    return SearchQuery(
        text=text,
        folded=folded,
        has_diacritics=fold_for_search(text) != text.lower(),
        hint=_hint_for(text, is_searchable, was_shortened=text != cleaned),
        is_searchable=is_searchable,
    )


def _as_text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bytes):
        return raw.decode("utf-8", errors="replace")
    return raw if isinstance(raw, str) else str(raw)


def _clean_query_text(text: str) -> str:
    text = "".join(_without_control_or_format_char(char) for char in text)
    words = (_without_leading_marks(word) for word in normalize_text(text).split())
    return " ".join(word for word in words if word)


def _without_control_or_format_char(char: str) -> str:
    category = unicodedata.category(char)
    if category == "Cc":  # NUL, escapes; tabs and line breaks are whitespace
        return " " if char.isspace() else ""
    if category in ("Cf", "Cs"):  # zero-width joiners, direction marks, lone surrogates
        return ""
    return char


def _without_leading_marks(word: str) -> str:
    """Drops combining marks that have no letter before them to sit on."""
    start = 0
    while start < len(word) and unicodedata.category(word[start]).startswith("M"):
        start += 1
    return word[start:]


def _shorten_at_word(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    head, space, _ = text[: max_chars + 1].rpartition(" ")
    return head if space and head else text[:max_chars]


def _fold_keeping_operators(text: str) -> str:
    """websearch_to_tsquery only reads an uppercase OR as the operator, so that token stays."""
    return " ".join(
        token if token == _OR_OPERATOR else fold_for_search(token) for token in text.split(" ")
    )


def _has_searchable_word(folded: str) -> bool:
    return any(
        token != _OR_OPERATOR and any(char.isalnum() for char in token) for token in folded.split()
    )


def _hint_for(text: str, is_searchable: bool, was_shortened: bool) -> str:
    if not text:
        return gettext("Type a word or a name to search for.")
    if not is_searchable:
        return gettext("Your search has no words in it; try a word or a name.")
    if was_shortened:
        return gettext("Your search was shortened to its first 200 characters.")
    return ""


def query_terms(query: SearchQuery) -> list[str]:
    """The folded words to mark: positive terms only, in order, without duplicates."""
    return list(dict.fromkeys(_positive_words(query.folded)))


def exclusions(text: str) -> str:
    """Only the exclusions of a query (`-word`, `-"a phrase"`), as typed: `a -b OR c` → `-b`."""
    return " ".join(token for token, is_excluded in _tokens(text) if is_excluded)


def required_phrases(text: str) -> list[str]:
    """The quoted phrases of two words or more that every match must hold: not an excluded
    one, and none when the query has an OR (a phrase may then be one alternative)."""
    outside_phrases = _QUOTED_PHRASE.sub(" ", text).split()
    if _OR_OPERATOR in outside_phrases:
        return []
    return [
        phrase
        for minus, phrase in _QUOTED_PHRASE.findall(text)
        if not minus and len(_WORD.findall(phrase)) >= 2
    ]


def is_only_word_pairs(text: str) -> bool:
    """Whether holding the neighbouring-word pairs of its phrases is matching the query: it
    is nothing but quoted phrases of two plain words each, the shape of a quoted Vietnamese
    word of two syllables ("tên lửa"), and exclusions (checked apart)."""
    phrases = required_phrases(text)
    outside_phrases = _QUOTED_PHRASE.sub(" ", text).split()
    return (
        bool(phrases)
        and all(_is_two_plain_words(phrase) for phrase in phrases)
        and not any(
            _WORD.search(token)
            for token in outside_phrases
            if not token.startswith(_EXCLUSION_PREFIX)
        )
    )


def _is_two_plain_words(phrase: str) -> bool:
    words = phrase.split()
    return len(words) == 2 and all(_WORD.fullmatch(word) for word in words)


def _positive_words(folded: str) -> Iterator[str]:
    """Words outside exclusions."""
    for token, is_excluded in _tokens(folded):
        if not is_excluded:
            yield from _WORD.findall(token.lower())  # an OR inside a phrase is a plain word


def _tokens(text: str) -> Iterator[tuple[str, bool]]:
    """Each token but an OR operator, and whether it is part of an exclusion: a `-word` or
    a whole `-"phrase"`."""
    in_phrase = False
    phrase_is_excluded = False
    for token in text.split():
        if in_phrase:
            is_excluded = phrase_is_excluded
        elif token == _OR_OPERATOR:
            continue
        else:
            is_excluded = token.startswith(_EXCLUSION_PREFIX)
            phrase_is_excluded = is_excluded
        if token.count(_PHRASE_QUOTE) % 2:
            in_phrase = not in_phrase
        yield token, is_excluded


# --- Snippets ----------------------------------------------------------------------------------


def highlight_snippet(text: str, query: SearchQuery, max_words: int = 40) -> SafeString:
    """An escaped excerpt of at most max_words words around the first match, matches in <mark>.

    Without a match it is the text's first max_words words.
    """
    words = unicodedata.normalize("NFC", text).split()
    terms = query_terms(query)
    first_match = next((index for index, word in enumerate(words) if _has_match(word, terms)), 0)
    start = max(0, min(first_match - _WORDS_BEFORE_FIRST_MATCH, len(words) - max_words))
    end = start + max_words
    excerpt = " ".join(_marked_word(word, terms) for word in words[start:end])
    if start > 0:
        excerpt = f"{_ELLIPSIS} {excerpt}"
    if end < len(words):
        excerpt = f"{excerpt} {_ELLIPSIS}"
    return mark_safe(excerpt)  # every piece of the text was escaped by _marked_word


def _has_match(word: str, terms: list[str]) -> bool:
    return any(_matches_any_term(part, terms) for part in _WORD.findall(word))


def _marked_word(word: str, terms: list[str]) -> str:
    """The word escaped, with each matching run of letters wrapped in <mark>."""
    pieces = []
    for piece in _WORD_OR_GAP.findall(word):
        escaped = html.escape(piece)
        is_match = _WORD.match(piece) is not None and _matches_any_term(piece, terms)
        pieces.append(f"<mark>{escaped}</mark>" if is_match else escaped)
    return "".join(pieces)


def _matches_any_term(word: str, terms: list[str]) -> bool:
    folded = fold_for_search(word)
    return any(
        folded == term or (word.isascii() and _share_english_stem(folded, term)) for term in terms
    )


def _share_english_stem(word: str, term: str) -> bool:
    """treaty ~ treaties, sanction ~ sanctions: one ending off, then the same stem of 4+ letters."""
    if len(term) < _MIN_STEM_CHARS:
        return False
    stem = _english_stem(term)
    return len(stem) >= _MIN_STEM_CHARS and stem == _english_stem(word)


def _english_stem(word: str) -> str:
    for ending, replacement in _ENGLISH_ENDINGS:
        stem_length = len(word) - len(ending)
        if word.endswith(ending) and stem_length >= _MIN_STEM_CHARS - 1:
            if ending == "s" and word[stem_length - 1] in _KEEPS_FINAL_S_AFTER:
                break
            word = word[:stem_length] + replacement
            break
    if len(word) > _MIN_STEM_CHARS and word[-1] in "ey":  # trade ~ trading, treaty ~ treat
        return word[:-1]
    return word
