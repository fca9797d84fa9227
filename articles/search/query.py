"""What a reader typed, made into a query: cleaned, folded, its phrases and exclusions
found, and the tsqueries PostgreSQL matches articles with (ArticleQuerySet.search)."""

import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery as PostgresSearchQuery
from django.contrib.postgres.search import SearchQueryField
from django.db.models import BooleanField, F, Func, Value
from django.utils.translation import gettext

from articles.search.sql import PHRASE_PAIRS_FUNCTION
from articles.text import cut_at_word, fold, normalize_text
from articles.words import QueryWord, lexeme

MAX_QUERY_CHARS = 200

_OR_OPERATOR = "OR"
_PHRASE_QUOTE = '"'
_EXCLUSION_PREFIX = "-"
WORD = re.compile(r"[^\W_]+")
_QUOTED_PHRASE = re.compile(r'(?:^|(?<=\s))(-?)"([^"]*)"')


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
    text = cut_at_word(cleaned, MAX_QUERY_CHARS)
    folded = _fold_keeping_operators(text)
    is_searchable = _has_searchable_word(folded)
    return SearchQuery(
        text=text,
        folded=folded,
        has_diacritics=fold(text) != text.lower(),
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


def _fold_keeping_operators(text: str) -> str:
    """websearch_to_tsquery only reads an uppercase OR as the operator, so that token stays."""
    return " ".join(token if token == _OR_OPERATOR else fold(token) for token in text.split(" "))


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


def plain_syllables(text: str) -> list[str]:
    """The words of a query of plain words, in order; none when it has a quoted phrase, an
    OR or an exclusion, which keep their meaning syllable by syllable."""
    if _PHRASE_QUOTE in text or _OR_OPERATOR in text.split() or exclusions(text):
        return []
    return WORD.findall(_without_lone_minus(text))


@dataclass(frozen=True)
class Reading:
    """How a query of plain words is read (articles.search.reading): its words, each with
    the forms of it the articles hold, most held first; and the entities the whole query
    names, when it is one of their names or aliases."""

    words: tuple[QueryWord, ...] = ()
    named_entities: frozenset[int] = frozenset()
    literal: bool = False  # as typed: no form is preferred
    # the inverse document frequency of each term it may be ranked by, and the English
    # stem of each of its syllables (articles.search.ranking)
    idf: tuple[tuple[str, float], ...] = ()
    stems: tuple[tuple[str, str], ...] = ()

    @property
    def interpretation(self) -> str:
        """The query with each word typed without marks given its most held form, when
        that differs from what was typed ("quốc phòng" for `quoc phong`), else ""."""
        if self.literal:
            return ""
        shown = " ".join(self.preferred_form(word) or word.typed for word in self.words)
        return shown if shown != " ".join(word.typed for word in self.words) else ""

    def preferred_form(self, word: QueryWord) -> str:
        """The form of a word typed without marks that ranks first: the most held one."""
        return word.forms[0] if word.is_toneless and word.forms and not self.literal else ""

    def neighbours(self) -> list[str]:
        """The syllables on either side of each boundary between two words of the query
        (folded, spaced): held side by side (`giá vàng`, in no word list; the `bộ quốc` of
        `bộ quốc phòng`), found through the word pairs, they rank above the same syllables
        apart, after the words themselves."""
        return [
            f"{first.folded.split()[-1]} {second.folded.split()[0]}"
            for first, second in itertools.pairwise(self.words)
        ]

    def forms_ranked_first(self) -> list[str]:
        """The preferred forms of the words that have rivals (bien dong: biến động or biển
        đông); a word with one form is held in that form or not at all."""
        forms = [self.preferred_form(word) for word in self.words if len(word.forms) > 1]
        return [form for form in forms if form]

    @property
    def is_vietnamese(self) -> bool:
        """Whether some word of the query is a Vietnamese word of several syllables, which
        the English side of search, stemming words and dropping `an` as a stop word,
        would only mistake."""
        return any(word.forms for word in self.words)


def holding_tsquery(word: QueryWord) -> PostgresSearchQuery:
    """What holding the query word as a word is, in the word vector: any of its forms when
    it was typed without marks (its folded lexeme), else the forms that keep its marks."""
    if word.is_toneless:
        lexemes = [lexeme(word.folded)]
    else:
        lexemes = [lexeme(form) for form in word.forms] or [lexeme(word.typed)]
    return _raw(" | ".join(map(_quoted, lexemes)))


def form_tsquery(form: str) -> PostgresSearchQuery:
    return _raw(_quoted(lexeme(form)))


def syllables_tsquery(query: SearchQuery, reading: Reading) -> PostgresSearchQuery:
    """reader_tsquery() for a query read as words: its folded syllables, where those of a
    word of several syllables are not found in the names of the entities an article
    mentions one by one (the `nhật` of nhật ký is not Japan's alias Nhật), only together."""
    parts = []
    for word in reading.words:
        syllables = [_quoted(syllable) for syllable in word.folded.split()]
        if len(syllables) == 1:
            parts.append(syllables[0])
        else:
            in_text = " & ".join(f"{syllable}:ABC" for syllable in syllables)
            in_names = " <-> ".join(f"{syllable}:D" for syllable in syllables)
            parts.append(f"(({in_text}) | ({in_names}))")
    syllables = _raw(" & ".join(parts))
    if reading.is_vietnamese:
        return syllables
    return syllables | _websearch(_without_lone_minus(query.text), "english")


def _quoted(lexeme_text: str) -> str:
    return "'" + lexeme_text.replace("\\", "\\\\").replace("'", "''") + "'"


def _raw(tsquery_text: str) -> PostgresSearchQuery:
    return PostgresSearchQuery(tsquery_text, config="simple", search_type="raw")


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
        if not minus and len(WORD.findall(phrase)) >= 2
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
            WORD.search(token)
            for token in outside_phrases
            if not token.startswith(_EXCLUSION_PREFIX)
        )
    )


def _is_two_plain_words(phrase: str) -> bool:
    words = phrase.split()
    return len(words) == 2 and all(WORD.fullmatch(word) for word in words)


def _positive_words(folded: str) -> Iterator[str]:
    """Words outside exclusions."""
    for token, is_excluded in _tokens(folded):
        if not is_excluded:
            yield from WORD.findall(token.lower())  # an OR inside a phrase is a plain word


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


class _Matches(Func):
    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def holds_word_pairs(phrase: str) -> _Matches:
    """A condition true of the articles holding every pair of neighbouring words of the
    phrase, in any order: through the phrase_vector index, the few that may hold it."""
    pairs = Func(Value(phrase), function=PHRASE_PAIRS_FUNCTION, output_field=SearchQueryField())
    return _Matches(F("phrase_vector"), pairs)


def checked_on_row(tsquery) -> Func:
    """search_vector @@ tsquery as a function call, which no index answers: for rows
    another condition has narrowed to a few, where reading the index of a common word
    would cost more than checking each row."""
    return Func(F("search_vector"), tsquery, function="ts_match_vq", output_field=BooleanField())


def reader_tsquery(query: SearchQuery) -> PostgresSearchQuery:
    """The reader's words folded for the Vietnamese side, or stemmed for the English side.

    Each side's exclusions hold for the other too: `sanctions -treaties` leaves out an
    article saying "treaty", which only the English side's stemming would catch.
    """
    text, folded = _without_lone_minus(query.text), _without_lone_minus(query.folded)
    tsquery = _websearch(folded, "simple") | _websearch(text, "english")
    if excluded := exclusions(text):
        tsquery &= _websearch(exclusions(folded), "simple") & _websearch(excluded, "english")
    return tsquery


def exact_tsquery(query: SearchQuery) -> PostgresSearchQuery:
    """The reader's words as typed, diacritics included, for the exact-match bonus."""
    return _websearch(_without_lone_minus(query.text), "simple")


def _websearch(text: str, config: str) -> PostgresSearchQuery:
    return PostgresSearchQuery(text, config=config, search_type="websearch")


# A run of minus signs touching no word or phrase after it: "Việt - Nhật", "nhat -", "-!x".
_LONE_MINUS = re.compile(r'-+(?![^\W_]|")')


def _without_lone_minus(text: str) -> str:
    """websearch_to_tsquery reads a minus as "leave out the next word" even when a space
    follows it, but "Việt - Nhật" names two countries: only a minus touching a word (or a
    quoted phrase) excludes it."""
    return _LONE_MINUS.sub(" ", text)
