"""Search results' excerpts: a few words around the first match, the matches marked."""

import html
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from django.utils.safestring import SafeString, mark_safe

from articles.models import Article
from articles.search.query import WORD, SearchQuery, query_terms
from articles.text import fold

_WORD_OR_GAP = re.compile(r"[^\W_]+|[\W_]+")
_WORDS_BEFORE_FIRST_MATCH = 5
_ELLIPSIS = "…"
_MIN_STEM_CHARS = 4
_STEM_BEGINNING = _MIN_STEM_CHARS - 1  # the letters a stem keeps of its word, at least
# Longest first; each pair is (ending, replacement). Applied once, then a final e/y is dropped.
_ENGLISH_ENDINGS = (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))
_KEEPS_FINAL_S_AFTER = "siu"  # press, crisis, status: the s is not a plural ending


def attach_snippets(articles, query: SearchQuery) -> None:
    """Give each article of a results page a highlighted excerpt, and its language: one
    query for the page."""
    snippets = _snippets(articles, query) if articles else {}
    for article in articles:
        article.snippet, article.snippet_language = snippets[article.pk]


def _snippets(articles, query: SearchQuery) -> dict[int, tuple[SafeString, str]]:
    bodies = {
        pk: (body_vi, body_en)
        for pk, body_vi, body_en in Article.objects.filter(
            pk__in=[article.pk for article in articles]
        ).values_list("pk", "body_vi", "body_en")
    }
    terms = query_terms(query)
    snippets = {}
    for article in articles:
        body_vi, body_en = bodies.get(article.pk, ("", ""))
        texts = [
            (article.lead_vi, "vi"),
            (body_vi, "vi"),
            (article.lead_en, "en"),
            (body_en, "en"),
        ]
        words, language = next(
            (
                (words, language)
                for text, language in texts
                if text and (words := _Words.of(text)).mention_any(terms)
            ),
            (_Words.of(article.lead_vi), "vi"),
        )
        snippets[article.pk] = (_excerpt(words, terms), language)
    return snippets


@dataclass(frozen=True)
class _Words:
    """A text's words, and all of them spaced and folded: folded once, to tell whether the
    text mentions the query and where."""

    words: list[str]
    folded: str  # fold(" ".join(words))
    aligned: bool  # each letter of `folded` stands where it stood: none folded into two

    @classmethod
    def of(cls, text: str) -> "_Words":
        words = unicodedata.normalize("NFC", text).split()
        spaced = " ".join(words)
        folded = fold(spaced)
        return cls(words, folded, len(folded) == len(spaced))

    def mention_any(self, terms: list[str]) -> bool:
        return any(term in self.folded for term in terms)


def highlight_snippet(text: str, query: SearchQuery, max_words: int = 40) -> SafeString:
    """An escaped excerpt of at most max_words words around the first match, matches in <mark>.

    Without a match it is the text's first max_words words.
    """
    return _excerpt(_Words.of(text), query_terms(query), max_words)


def _excerpt(text: _Words, terms: list[str], max_words: int = 40) -> SafeString:
    words = text.words
    may_match = _words_that_may_match(text, terms)
    first_match = next((index for index in may_match if _has_match(words[index], terms)), 0)
    start = max(0, min(first_match - _WORDS_BEFORE_FIRST_MATCH, len(words) - max_words))
    end = start + max_words
    excerpt = " ".join(
        _marked_word(word, terms) if index in may_match else html.escape(word)
        for index, word in enumerate(words[start:end], start)
    )
    if start > 0:
        excerpt = f"{_ELLIPSIS} {excerpt}"
    if end < len(words):
        excerpt = f"{excerpt} {_ELLIPSIS}"
    return mark_safe(excerpt)  # every piece of the text was escaped by _marked_word


def _words_that_may_match(text: _Words, terms: list[str]) -> dict[int, None]:
    """The places of the words that may hold a match, in order: those whose folded form
    holds the first three letters of a term (a word sharing a term's English stem begins
    with them too), found in the folded text at once rather than word by word."""
    beginnings = {term[:_STEM_BEGINNING] for term in terms if term}
    if not beginnings:
        return {}
    words = text.words
    if not text.aligned:  # a letter that folds into two: look at every word
        return dict.fromkeys(range(len(words)))
    ends = list(accumulate(len(word) + 1 for word in words))
    pattern = re.compile("|".join(map(re.escape, sorted(beginnings))))
    return dict.fromkeys(
        bisect_right(ends, found.start()) for found in pattern.finditer(text.folded)
    )


def _has_match(word: str, terms: list[str]) -> bool:
    return any(_matches_any_term(part, terms) for part in WORD.findall(word))


def _marked_word(word: str, terms: list[str]) -> str:
    """The word escaped, with each matching run of letters wrapped in <mark>."""
    pieces = []
    for piece in _WORD_OR_GAP.findall(word):
        escaped = html.escape(piece)
        is_match = WORD.match(piece) is not None and _matches_any_term(piece, terms)
        pieces.append(f"<mark>{escaped}</mark>" if is_match else escaped)
    return "".join(pieces)


@lru_cache(maxsize=65_536)
def _folded_word(word: str) -> str:
    """A word folded: the words of news text are few (Vietnamese has some 7,000 syllables)
    and an excerpt is looked for through whole bodies."""
    return fold(word)


def _matches_any_term(word: str, terms: list[str]) -> bool:
    folded = _folded_word(word)
    return any(
        folded == term or (word.isascii() and _share_english_stem(folded, term)) for term in terms
    )


def _share_english_stem(word: str, term: str) -> bool:
    """treaty ~ treaties, sanction ~ sanctions: one ending off, then the same stem of 4+ letters."""
    if len(term) < _MIN_STEM_CHARS:
        return False
    stem = _english_stem(term)
    return len(stem) >= _MIN_STEM_CHARS and stem == _english_stem(word)


@lru_cache(maxsize=65_536)
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
