"""Vietnamese words: a word is often several syllables (quốc phòng, an ninh, bán dẫn), and
search treats it as one unit.

The words known are underthesea's word list and the names of the curated entities (Biển
Đông, Hàn Quốc), lowercase, with tone marks placed one way (articles.text.normalize_tones).
An article's words are found when it is saved (text_words), a query's as it is read
(query_words): the same vocabulary on both sides, so a query word is a word of an article
exactly when the article holds it as a word.
"""

import bisect
import functools
import importlib.util
import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from articles.text import fold, normalize_tones

MAX_WORD_SYLLABLES = 4
JOINER = "_"  # between the syllables of one word, as stored: quốc_phòng
_WORD_LIST = ("corpus", "data", "Viet74K.txt")  # inside the underthesea package
SYLLABLE = re.compile(r"[^\W_]+")  # as a page's script reads them: /[\p{L}\p{N}]+/u
ENGLISH_WORD = re.compile(r"[^\W\d_]+")  # as a page's script reads them: /\p{L}+/u


@functools.cache
def word_list() -> tuple[str, ...]:
    """underthesea's Vietnamese word list, one word a line, as it ships (NFC)."""
    spec = importlib.util.find_spec("underthesea")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("Vietnamese words need underthesea installed")
    path = Path(spec.origin).parent.joinpath(*_WORD_LIST)
    return tuple(unicodedata.normalize("NFC", line) for line in path.read_text("utf-8").split("\n"))


def spelled(text: str) -> str:
    """A word or syllable as words are compared: lowercase, tone marks placed one way."""
    return normalize_tones(text).lower()


def headword_key(text: str, language: str) -> str:
    """A word as the glossary keeps and looks it up: its syllables (or an English word's
    letters) spaced, lowercase, and a Vietnamese word's tone marks placed one way."""
    if language == "vi":
        return " ".join(SYLLABLE.findall(spelled(text)))
    return " ".join(ENGLISH_WORD.findall(text.lower()))


@functools.cache
def _dictionary_words() -> frozenset[str]:
    """The word list's words of two syllables or more, spelled(), syllables spaced."""
    words = (" ".join(spelled(line).split()) for line in word_list())
    return frozenset(word for word in words if " " in word)


@functools.cache
def _dictionary_index() -> tuple[frozenset[tuple[str, str]], dict[str, set[str]]]:
    return _first_pairs(_dictionary_words()), _by_fold(_dictionary_words())


def _first_pairs(words: Iterable[str]) -> frozenset[tuple[str, str]]:
    return frozenset((first, second) for first, second, *_rest in map(str.split, words))


def _by_fold(words: Iterable[str]) -> dict[str, set[str]]:
    forms: dict[str, set[str]] = {}
    for word in words:
        forms.setdefault(fold(word), set()).add(word)
    return forms


@functools.cache
def dictionary() -> "Vocabulary":
    """The word list's words alone."""
    return Vocabulary()


class Vocabulary:
    """The words of several syllables that are known: the word list's and the given names'.
    What the word list gives is worked out once per process, and shared."""

    def __init__(self, names: Iterable[str] = ()):
        spaced = {" ".join(SYLLABLE.findall(spelled(name))) for name in names}
        self._names = {name for name in spaced if " " in name} - _dictionary_words()
        self._names_first_pairs = _first_pairs(self._names)
        self._names_by_fold = _by_fold(self._names)

    def __contains__(self, word: str) -> bool:
        """Whether `word` (spelled(), syllables spaced) is a known word."""
        return word in _dictionary_words() or word in self._names

    def word_ends(self, syllables: list[str]) -> dict[int, list[int]]:
        """{end: [start, ...]} of the known words of several syllables among the syllables,
        the longest first."""
        found: dict[int, list[int]] = {}
        first_pairs = _dictionary_index()[0]
        for start, pair in enumerate(itertools.pairwise(syllables)):
            if pair not in first_pairs and pair not in self._names_first_pairs:
                continue
            for end in range(start + 2, min(start + MAX_WORD_SYLLABLES, len(syllables)) + 1):
                if " ".join(syllables[start:end]) in self:
                    found.setdefault(end, []).append(start)
        for starts in found.values():
            starts.sort()
        return found

    def forms(self, folded: str) -> frozenset[str]:
        """The known words that fold to `folded` (syllables spaced): `bien dong` → biển đông,
        biến động."""
        in_dictionary = _dictionary_index()[1].get(folded, set())
        return frozenset(in_dictionary | self._names_by_fold.get(folded, set()))


# --- An article's words -----------------------------------------------------------------------


def text_words(text: str, names: Sequence[tuple[int, int]] = ()) -> list[str]:
    """The words of a Vietnamese text in order, spelled(), syllables joined by JOINER.

    Neighbouring syllables (a space between them, nothing else) are read as the fewest
    words of the word list that cover them; the spans (character offsets) of names found
    in the text are one word each, whatever their punctuation. A word of three syllables
    or more is followed by the words of two syllables or more inside it (bộ quốc phòng mỹ:
    quốc phòng), so that the shorter word is found in the longer one.
    """
    return inner_words(segment(text, names))


def inner_words(segmented: list[list[str]]) -> list[str]:
    """Words as search reads them: each word of segment(), and the words inside it."""
    vocabulary = dictionary()
    return [found for word in segmented for found in _with_inner_words(word, vocabulary)]


def segment(text: str, names: Sequence[tuple[int, int]] = ()) -> list[list[str]]:
    """The words of a Vietnamese text in order, each as its syllables (spelled()): the
    fewest words of the word list covering each run of neighbouring syllables, and each
    name (its span in the text) a word of its own."""
    vocabulary = dictionary()
    spelled_text = spelled(text)
    if len(spelled_text) != len(text):  # a letter whose lowercase is longer: offsets move
        spelled_text = SYLLABLE.sub(lambda syllable: spelled(syllable[0]), text)
    syllables = list(SYLLABLE.finditer(spelled_text))
    name_at = _names_by_first_syllable(syllables, names)
    words: list[list[str]] = []
    run: list[str] = []
    position = 0
    while position < len(syllables):
        if position in name_at:
            words += _segmented(run, vocabulary)
            run = []
            end = name_at[position]
            words.append([s[0] for s in syllables[position:end]])
            position = end
            continue
        if run:
            gap = spelled_text[syllables[position - 1].end() : syllables[position].start()]
            if not gap.isspace() or "\n" in gap:
                words += _segmented(run, vocabulary)
                run = []
        run.append(syllables[position][0])
        position += 1
    words += _segmented(run, vocabulary)
    return words


def _names_by_first_syllable(syllables, names: Sequence[tuple[int, int]]) -> dict[int, int]:
    """{index of a name's first syllable: index after its last}."""
    spans = {}
    starts = [syllable.start() for syllable in syllables]
    for start, end in names:
        first = last = bisect.bisect_left(starts, start)
        while last < len(syllables) and syllables[last].end() <= end:
            last += 1
        if last > first:
            spans[first] = last
    return spans


def _segmented(syllables: list[str], vocabulary: Vocabulary) -> list[list[str]]:
    """The fewest known words covering the syllables; on a tie, the longer last word."""
    count = len(syllables)
    starting_at = vocabulary.word_ends(syllables)
    fewest = [0] + [count + 1] * count
    word_start = [0] * (count + 1)
    for end in range(1, count + 1):
        for start in (*starting_at.get(end, ()), end - 1):  # longest first
            if fewest[start] + 1 < fewest[end]:
                fewest[end], word_start[end] = fewest[start] + 1, start
    words = []
    end = count
    while end > 0:
        start = word_start[end]
        words.append(syllables[start:end])
        end = start
    return list(reversed(words))


def _with_inner_words(syllables: list[str], vocabulary: Vocabulary) -> list[str]:
    words = [JOINER.join(syllables)]
    for size in range(len(syllables) - 1, 1, -1):
        for start in range(len(syllables) - size + 1):
            inner = syllables[start : start + size]
            if " ".join(inner) in vocabulary:
                words.append(JOINER.join(inner))
    return words


MAX_COMPOUND_WORDS = 3  # the most words of segment() a glossary headword joins


def joined(segmented: list[list[str]], compounds: frozenset[str]) -> list[list[str]]:
    """segment()'s words, where neighbouring words together make one of the `compounds`
    (glossary headwords, syllables spaced: chuỗi cung ứng), joined into that word: the
    words a reader taps. Search keeps reading them apart."""
    if not compounds:
        return segmented
    starts = _first_syllables(compounds)
    words, position = [], 0
    while position < len(segmented):
        word = segmented[position]
        size = _compound_size(segmented, position, compounds) if word[0] in starts else 1
        if size > 1:
            word = [syllable for part in segmented[position : position + size] for syllable in part]
        words.append(word)
        position += size
    return words


@functools.lru_cache(maxsize=4)
def _first_syllables(compounds: frozenset[str]) -> frozenset[str]:
    return frozenset(compound.split(" ", 1)[0] for compound in compounds)


def _compound_size(segmented: list[list[str]], position: int, compounds: frozenset[str]) -> int:
    """How many words from `position` make one of the compounds (the most), else 1."""
    for count in range(min(MAX_COMPOUND_WORDS, len(segmented) - position), 1, -1):
        if " ".join(" ".join(word) for word in segmented[position : position + count]) in compounds:
            return count
    return 1


_LENGTH_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def word_lengths(segmented: list[list[str]]) -> str:
    """How many syllables each word of segment() has, a base-36 digit a word ("1211"): what
    a page needs to tell the words of the text apart, as an article stores it."""
    return "".join(_LENGTH_DIGITS[min(len(word), 35)] for word in segmented)


def stored_words(parts: Sequence[list[str]]) -> str:
    """Words as an article stores them (search_words): each part's words (title, lead, the
    rest) on a line of its own, then the same lines folded, so that PostgreSQL need not
    fold them again to index both."""
    lines = [" ".join(words) for words in parts]
    return "\n".join([*lines, *map(fold, lines)])


# --- A query's words --------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryWord:
    typed: str  # spelled(), syllables spaced
    forms: tuple[str, ...]  # the known words it may be that articles hold, most held first

    @property
    def folded(self) -> str:
        return fold(self.typed)

    @property
    def is_toneless(self) -> bool:
        """Typed without a single tone mark or accent: it may be any of its forms."""
        return self.folded == self.typed


def word_candidates(syllables: Sequence[str], vocabulary: Vocabulary) -> set[str]:
    """Every known word that some neighbouring syllables of the query may be: what to count
    in the articles before reading the query (query_words)."""
    typed = [spelled(syllable) for syllable in syllables]
    return {
        form
        for start in range(len(typed))
        for end in range(start + 2, min(start + MAX_WORD_SYLLABLES, len(typed)) + 1)
        for form in _compatible_forms(typed[start:end], vocabulary)
    }


def by_form(counts: Mapping[str, int]) -> dict[str, int]:
    """Counts of articles holding each form as counted through the word vector, told apart:
    a form without marks (chinh phu) shares its lexeme with the folded lexeme of every form
    (chính phủ), so what the others hold is taken off its count."""
    told_apart = dict(counts)
    for form, count in counts.items():
        if form == fold(form):
            others = sum(n for other, n in counts.items() if other != form and fold(other) == form)
            told_apart[form] = max(0, count - others)
    return told_apart


def query_words(
    syllables: Sequence[str], vocabulary: Vocabulary, counts: Mapping[str, int]
) -> list[QueryWord]:
    """The words of a query: the fewest words covering its syllables, where a word of
    several syllables is a known word that articles hold (`counts`: how many hold each of
    word_candidates()); on a tie, the words more articles hold. A syllable typed with its
    marks keeps them in the word (`biển dong` is biển đông, never biến động); one typed
    without may be any."""
    typed = [spelled(syllable) for syllable in syllables]
    count = len(typed)
    best: list[tuple[int, int]] = [(0, 0)] + [(count + 1, 0)] * count  # (words, -articles)
    found: list[tuple[int, tuple[str, ...]]] = [(0, ())] * (count + 1)
    for end in range(1, count + 1):
        for size in range(min(MAX_WORD_SYLLABLES, end), 0, -1):
            start = end - size
            forms = ()
            if size > 1:
                compatible = _compatible_forms(typed[start:end], vocabulary)
                forms = tuple(
                    sorted(
                        (form for form in compatible if counts.get(form, 0) > 0),
                        key=lambda form: (-counts[form], form),
                    )
                )
                if not forms:
                    continue
            words, minus_articles = best[start]
            cost = (words + 1, minus_articles - sum(counts.get(form, 0) for form in forms))
            if cost < best[end]:
                best[end], found[end] = cost, (start, forms)
    words = []
    end = count
    while end > 0:
        start, forms = found[end]
        words.append(QueryWord(" ".join(typed[start:end]), forms))
        end = start
    return list(reversed(words))


def _compatible_forms(typed: list[str], vocabulary: Vocabulary) -> list[str]:
    return sorted(
        form
        for form in vocabulary.forms(fold(" ".join(typed)))
        if all(
            syllable == fold(syllable) or syllable == in_form
            for syllable, in_form in zip(typed, form.split(), strict=True)
        )
    )


def lexeme(word: str) -> str:
    """A word (syllables spaced or joined) as one lexeme of the word vector: quốcphòng."""
    return word.replace(" ", "").replace(JOINER, "")
