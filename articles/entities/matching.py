"""Find mentions of curated entities (people, organisations, places, events) in article text.

Entities are known by aliases. Matching runs over word tokens, longest alias first, and is
case- and diacritic-sensitive. In Vietnamese a syllable is a token but not always a word:
`Mỹ` in `Mỹ Tho` or `Nhật` in `Nhật ký` belongs to a longer word. Where an alias could be such
a fragment, the one sentence concerned is segmented into words with underthesea to decide.
"""

import functools
import itertools
import operator
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from articles.text import fold
from articles.words import Vocabulary, spelled, word_list

VIETNAMESE = "vi"
ENGLISH = "en"
ANY_LANGUAGE = ""

# An abbreviation with dots (U.S., U.K.) is one token, a run of letters and digits is one token,
# and any other visible character is a token of its own.
_TOKEN_AND_SPACE_BEFORE = re.compile(r"(\s*)((?:[^\W\d_]\.){2,}|[^\W_]+|\S)")
# Loose on purpose: it only has to tell Vietnamese syllables from foreign names (Fumio, Lloyd).
_VIETNAMESE_SYLLABLE = re.compile(
    r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?"
)
_SENTENCE_ENDS = ".!?…\n"
_SENTENCE_FINAL_TOKENS = frozenset(".!?…")
_QUOTES_AND_BRACKETS = frozenset("\"'“”‘’«»()[]")
_SEGMENTATION_WINDOW = 300  # characters either side of a mention, for very long sentences

_NO_SPACE = ""
_SPACE = " "
_LINE_BREAK = "\n"


@dataclass(frozen=True)
class Alias:
    text: str  # as an editor typed it, NFC
    language: str  # "vi", "en", or "" for both languages
    entity_id: int


@dataclass(frozen=True)
class Mention:
    entity_id: int
    start: int  # character offsets into the text given
    end: int
    text: str  # the matched text as it appears


class _Token(NamedTuple):
    text: str
    start: int
    end: int
    gap: str  # what separates it from the token before: _NO_SPACE, _SPACE or _LINE_BREAK


class Gazetteer:
    """All aliases of all entities, indexed for matching Vietnamese and English text.

    When one alias text names several entities in a language, an alias given for that language
    wins over a language-neutral one, then the first one given wins. Words are compared as
    they are written, or through `key` (str.lower to ignore case, fold to ignore diacritics
    too); word boundaries are judged on the text as written either way.
    """

    def __init__(self, aliases: Iterable[Alias], key: Callable[[str], str] | None = None):
        aliases = [alias for alias in map(_normalized_alias, aliases) if alias.text]
        self._key = key
        self._vietnamese_names = [
            alias.text for alias in aliases if alias.language in (VIETNAMESE, ANY_LANGUAGE)
        ]
        self._entities_by_name: dict[str, set[int]] = {}
        for alias in aliases:
            for form in {spelled(alias.text), fold(alias.text)}:
                self._entities_by_name.setdefault(form, set()).add(alias.entity_id)
        self._neutral_index = _AliasIndex(_aliases_for(ANY_LANGUAGE, aliases), key)
        self._indexes = {
            language: _AliasIndex(_aliases_for(language, aliases), key)
            for language in (VIETNAMESE, ENGLISH)
        }

    @functools.cached_property
    def vocabulary(self) -> Vocabulary:
        """The known Vietnamese words (articles.words): the word list's and these names."""
        return Vocabulary(self._vietnamese_names)

    def entities_named(self, text: str) -> frozenset[int]:
        """The entities a whole name or alias is, as typed: with its marks, or without any
        (`nhat` is Nhật, Japan; `nhặt` is no one)."""
        return frozenset(self._entities_by_name.get(spelled(" ".join(text.split())), ()))

    def find_mentions(self, text: str, language: str) -> list[Mention]:
        """Non-overlapping mentions in text order; offsets index into the text given."""
        normalized, original_offset = _nfc_with_offsets(text)
        tokens = _Tokens(normalized, self._key)
        index = self._indexes.get(language, self._neutral_index)
        scan = _Scan(index, normalized, tokens, check_vietnamese_words=language == VIETNAMESE)
        mentions = []
        for first, last, entity_id in scan.matches():
            start = original_offset(tokens[first].start)
            end = original_offset(tokens[last].end)
            mentions.append(Mention(entity_id, start, end, text[start:end]))
        return mentions

    def count_mentions(self, texts: Iterable[tuple[str, str]]) -> Counter[int]:
        """How often each entity is mentioned in the (text, language) pairs, by entity id."""
        counts: Counter[int] = Counter()
        for text, language in texts:
            counts.update(mention.entity_id for mention in self.find_mentions(text, language))
        return counts


def highlight_mentions(
    text: str, mentions: list[Mention], url_for: Callable[[int], str | None]
) -> SafeString:
    """HTML-escape the text and wrap each mention in <mark class="mention"> (inside an <a href>
    when url_for gives a URL). Mentions that overlap an earlier one or fall outside the text are
    left out."""
    parts = []
    position = 0
    for mention in sorted(mentions, key=lambda mention: (mention.start, mention.end)):
        if not position <= mention.start < mention.end <= len(text):
            continue
        parts.append(escape(text[position : mention.start]))
        parts.append(_highlighted(text[mention.start : mention.end], url_for(mention.entity_id)))
        position = mention.end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # every part was escaped above


def _highlighted(fragment: str, url: str | None) -> SafeString:
    if url:
        return format_html('<a href="{}"><mark class="mention">{}</mark></a>', url, fragment)
    return format_html('<mark class="mention">{}</mark>', fragment)


# --- Aliases -----------------------------------------------------------------------------------


def _normalized_alias(alias: Alias) -> Alias:
    text = " ".join(unicodedata.normalize("NFC", alias.text).split())
    return Alias(text, alias.language, alias.entity_id)


def _aliases_for(language: str, aliases: list[Alias]) -> list[Alias]:
    """The aliases usable in one language, those specific to it first."""
    specific = [alias for alias in aliases if alias.language == language]
    neutral = [alias for alias in aliases if alias.language == ANY_LANGUAGE]
    return specific + neutral if language else neutral


def _alias_tokens(text: str, key=None) -> tuple[str, str, int]:
    """The alias's first token, its whole text as matched, and its token count."""
    tokens = _Tokens(text, key)
    if not tokens:
        return "", "", 0
    return tokens.keys[0], tokens.keys[0] + tokens.joined(1, len(tokens)), len(tokens)


class _AliasIndex:
    def __init__(self, aliases: Iterable[Alias], key: Callable[[str], str] | None = None):
        self._entity_by_key: dict[str, int] = {}
        lengths_by_first_token: dict[str, set[int]] = {}
        for alias in aliases:
            first_token, key_text, token_count = _alias_tokens(alias.text, key)
            if token_count and key_text not in self._entity_by_key:
                self._entity_by_key[key_text] = alias.entity_id
                lengths_by_first_token.setdefault(first_token, set()).add(token_count)
        self._lengths_by_first_token = {
            token: sorted(lengths, reverse=True)
            for token, lengths in lengths_by_first_token.items()
        }
        self._possible_first_words = set(lengths_by_first_token)
        self._possible_first_words.update(map(_capitalized, lengths_by_first_token))

    def candidates(
        self, tokens: "_Tokens", first: int, is_sentence_start: Callable[[int], bool]
    ) -> Iterator[tuple[int, int]]:
        """(token count, entity id) of the aliases matching from tokens[first], longest first.

        At a sentence start an alias beginning with a lowercase letter also matches with that
        letter capitalised.
        """
        word = tokens.keys[first]
        first_texts = [word]
        lengths = self._lengths_by_first_token.get(word, ())
        decapitalized = _decapitalized(word)
        if (
            decapitalized != word
            and decapitalized in self._lengths_by_first_token
            and is_sentence_start(first)
        ):
            first_texts.append(decapitalized)
            lengths = sorted({*lengths, *self._lengths_by_first_token[decapitalized]}, reverse=True)
        for token_count in lengths:
            if first + token_count > len(tokens):
                continue
            rest = tokens.joined(first + 1, first + token_count)
            for first_text in first_texts:
                entity_id = self._entity_by_key.get(first_text + rest)
                if entity_id is not None:
                    yield token_count, entity_id

    def possible_starts(self, tokens: "_Tokens") -> list[int]:
        """A quick first test: where some alias may begin, perhaps decapitalised."""
        possible = self._possible_first_words
        return [position for position, word in enumerate(tokens.keys) if word in possible]

    def has_alias_at(self, tokens: "_Tokens", first: int) -> bool:
        return next(self.candidates(tokens, first, _never), None) is not None


def _never(position: int) -> bool:
    return False


def _decapitalized(word: str) -> str:
    return word[:1].lower() + word[1:]


def _capitalized(word: str) -> str:
    return word[:1].upper() + word[1:]


# --- Text --------------------------------------------------------------------------------------


class _Tokens(Sequence):
    """The tokens of a text. Their words (and the keys they are matched by) are found at
    once; a token's offsets and gap are worked out only where a scan looks at it, near a
    possible alias."""

    def __init__(self, text: str, key: Callable[[str], str] | None = None):
        found = _TOKEN_AND_SPACE_BEFORE.findall(text)
        self.words = [word for _space, word in found]
        self.keys = self.words if key is None else [key(word) for word in self.words]
        self._spaces = [space for space, _word in found]
        self._ends: list[int] | None = None

    def __len__(self) -> int:
        return len(self.words)

    def __getitem__(self, position):
        if isinstance(position, slice):
            return [self[number] for number in range(*position.indices(len(self.words)))]
        word = self.words[position]
        if position < 0:
            position += len(self.words)
        if self._ends is None:
            lengths = map(operator.add, map(len, self._spaces), map(len, self.words))
            self._ends = list(itertools.accumulate(lengths))
        end = self._ends[position]
        return _Token(word, end - len(word), end, _gap(self._spaces[position]))

    def joined(self, start: int, stop: int) -> str:
        """Tokens start..stop-1 as an alias of them is keyed: each after its gap."""
        return "".join(
            _gap(space) + word
            for space, word in zip(self._spaces[start:stop], self.keys[start:stop], strict=True)
        )


def _gap(space: str) -> str:
    if space == _SPACE or not space:
        return space
    return _LINE_BREAK if "\n" in space else _SPACE


def _nfc_with_offsets(text: str) -> tuple[str, Callable[[int], int]]:
    """The text in NFC, and a map from offsets in it to offsets in the text given."""
    if unicodedata.is_normalized("NFC", text):
        return text, _same_offset
    normalized_parts = []
    original_offsets = []
    for cluster_start, cluster in _character_clusters(text):
        composed = unicodedata.normalize("NFC", cluster)
        normalized_parts.append(composed)
        original_offsets.extend([cluster_start] * len(composed))
    original_offsets.append(len(text))
    return "".join(normalized_parts), original_offsets.__getitem__


def _same_offset(offset: int) -> int:
    return offset


def _character_clusters(text: str) -> Iterator[tuple[int, str]]:
    """Each base character with the combining marks after it, and where it starts."""
    cluster_start = 0
    for offset in range(1, len(text) + 1):
        if offset == len(text) or not unicodedata.combining(text[offset]):
            yield cluster_start, text[cluster_start:offset]
            cluster_start = offset


@functools.lru_cache(maxsize=65536)
def _is_vietnamese_syllable(word: str) -> bool:
    return _VIETNAMESE_SYLLABLE.fullmatch(fold(word).lower()) is not None


def _is_capitalized(word: str) -> bool:
    return word[:1].isupper()


# --- Matching ----------------------------------------------------------------------------------


class _Scan:
    """One left-to-right pass over the tokens of one text, taking the longest match first."""

    def __init__(
        self, index: _AliasIndex, text: str, tokens: _Tokens, check_vietnamese_words: bool
    ):
        self._index = index
        self._text = text
        self._tokens = tokens
        self._check_vietnamese_words = check_vietnamese_words
        self._last_matched_token = -1

    def matches(self) -> Iterator[tuple[int, int, int]]:
        """(first token, last token, entity id) of each mention."""
        position = 0
        for first in self._index.possible_starts(self._tokens):
            if first < position:
                continue  # inside the mention before
            match = self._match_at(first)
            if match is None:
                continue
            self._last_matched_token = match[1]
            yield match
            position = match[1] + 1

    def _match_at(self, first: int) -> tuple[int, int, int] | None:
        candidates = self._index.candidates(self._tokens, first, self._is_sentence_start)
        for token_count, entity_id in candidates:
            last = first + token_count - 1
            if not self._check_vietnamese_words or self._is_whole_words(first, last):
                return first, last, entity_id
        return None

    def _is_sentence_start(self, position: int) -> bool:
        """True after a full stop, a line break or the start of the text, quotes skipped."""
        while position > 0:
            if self._tokens[position].gap == _LINE_BREAK:
                return True
            previous = self._tokens[position - 1].text
            if previous in _SENTENCE_FINAL_TOKENS:
                return True
            if previous not in _QUOTES_AND_BRACKETS:
                return False
            position -= 1
        return True

    # --- Vietnamese word boundaries

    def _is_whole_words(self, first: int, last: int) -> bool:
        """Whether tokens first..last make whole Vietnamese words, not part of a longer word.

        Only an edge that could continue into a neighbouring syllable is put to the segmenter.
        """
        start_in_doubt = self._start_in_doubt(first, last)
        end_in_doubt = self._end_in_doubt(first, last)
        if not (start_in_doubt or end_in_doubt):
            return True
        start, end = self._tokens[first].start, self._tokens[last].end
        sentence_start, sentence = _sentence_around(self._text, start, end)
        word_starts, word_ends = segment_words(sentence)
        return (not start_in_doubt or start - sentence_start in word_starts) and (
            not end_in_doubt or end - sentence_start in word_ends
        )

    def _start_in_doubt(self, first: int, last: int) -> bool:
        before = self._adjacent_syllable(first, step=-1)
        if before is None or not _is_vietnamese_syllable(self._tokens[first].text):
            return False
        neighbour = self._tokens[before].text
        if _is_capitalized(neighbour) and not self._is_sentence_start(before):
            return before != self._last_matched_token  # a name running into the alias?
        return first == last and _forms_compound(neighbour, self._tokens[first].text)

    def _end_in_doubt(self, first: int, last: int) -> bool:
        after = self._adjacent_syllable(last, step=1)
        if after is None or not _is_vietnamese_syllable(self._tokens[last].text):
            return False
        neighbour = self._tokens[after].text
        if _is_capitalized(neighbour):
            return not self._index.has_alias_at(self._tokens, after)  # Mỹ Tho, not Mỹ Lloyd Austin
        return first == last and _forms_compound(self._tokens[last].text, neighbour)

    def _adjacent_syllable(self, position: int, step: int) -> int | None:
        """The Vietnamese syllable right next to tokens[position], separated by a space only."""
        neighbour = position + step
        if not 0 <= neighbour < len(self._tokens):
            return None
        gap = self._tokens[max(position, neighbour)].gap
        if gap != _SPACE or not _is_vietnamese_syllable(self._tokens[neighbour].text):
            return None
        return neighbour


def _forms_compound(syllable: str, next_syllable: str) -> bool:
    """Whether the two syllables appear together inside some word of underthesea's word list."""
    return (syllable.lower(), next_syllable.lower()) in _dictionary_syllable_pairs()


def _sentence_around(text: str, start: int, end: int) -> tuple[int, str]:
    """The sentence holding text[start:end] (at most a window around it), and where it starts."""
    sentence_start = max(text.rfind(mark, 0, start) for mark in _SENTENCE_ENDS) + 1
    ends_after = [text.find(mark, end) for mark in _SENTENCE_ENDS]
    sentence_end = min([found + 1 for found in ends_after if found != -1], default=len(text))
    if sentence_start < start - _SEGMENTATION_WINDOW:
        sentence_start = text.find(" ", start - _SEGMENTATION_WINDOW, start) + 1 or sentence_start
    if sentence_end > end + _SEGMENTATION_WINDOW:
        sentence_end = text.rfind(" ", end, end + _SEGMENTATION_WINDOW) + 1 or sentence_end
    sentence = text[sentence_start:sentence_end]
    stripped = sentence.lstrip()
    return sentence_start + len(sentence) - len(stripped), stripped.rstrip()


# --- underthesea -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def segment_words(sentence: str) -> tuple[frozenset[int], frozenset[int]]:
    """Where the words of a Vietnamese sentence start and end, by underthesea's segmentation.

    Cached; `segment_words.cache_info().misses` counts the segmentations actually run.
    """
    from underthesea import word_tokenize  # slow to import, and only needed now and then

    word_starts, word_ends = set(), set()
    cursor = 0
    for word in word_tokenize(sentence, use_token_normalize=False):
        span = _locate_syllables(sentence, word.split(), cursor)
        if span is not None:
            word_starts.add(span[0])
            word_ends.add(span[1])
            cursor = span[1]
    return frozenset(word_starts), frozenset(word_ends)


def _locate_syllables(sentence: str, syllables: list[str], cursor: int) -> tuple[int, int] | None:
    """Where the syllables of one word occur in the sentence, from cursor on, space-separated."""
    start = end = None
    for syllable in syllables:
        found = sentence.find(syllable, cursor)
        if found == -1 or (start is not None and sentence[end:found].strip()):
            return None
        start = found if start is None else start
        end = cursor = found + len(syllable)
    return (start, end) if start is not None else None


@functools.cache
def _dictionary_syllable_pairs() -> frozenset[tuple[str, str]]:
    """Every pair of neighbouring syllables inside a word of underthesea's word list, lowercase."""
    pairs = set()
    for word in word_list():
        pairs.update(itertools.pairwise(word.lower().split()))
    return frozenset(pairs)
