"""Sentences aligned within each paragraph pair, worked out when an article is saved (pure).

Each block (the lead, then each paragraph) is cut into sentences on both sides, and the
sentences are paired by Gale and Church's length-based method (1993): a dynamic program
over the sentences in order, where a pairing of one, two or no sentences on each side costs
how unlikely its lengths are for a translation (character lengths; the expected ratio of
English to Vietnamese is the pair's own) and how rare that kind of pairing is. Anchors move
the cost: numbers (their digits, whatever the separators: 1.000 and 1,000), names
(capitalised words that fold to the same letters: Hà Nội and Hanoi, Blinken) and quotes
found on both sides pull their sentences together; one found on both sides of the pair
but in sentences not paired with each other counts against the pairing, and so does a
number paired with a sentence that lacks it.

A pair is aligned when every sentence has a counterpart and no anchor is left on the wrong
side. One whose best pairing still leaves an anchor apart, or that is too long to align in
bounded time, keeps no links: its sentences are shown but marked nowhere.
"""

import math
import re
from dataclasses import dataclass, field

from articles.text import fold

MAX_CELLS = 40_000  # sentences on one side × the other: beyond it a pair is not aligned

# Gale and Church's priors for each kind of pairing (vi sentences, en sentences), and the
# variance of the length difference per character.
PRIORS = {(1, 1): 0.89, (1, 0): 0.0099, (0, 1): 0.0099}
PRIORS |= {(2, 1): 0.089, (1, 2): 0.089, (2, 2): 0.011}
VARIANCE = 6.8
SHARED_ANCHOR = 2.5  # taken off a pairing's cost per anchor its two sides share
ANCHOR_APART = 4.0  # added per anchor of the pair that the pairing leaves on one side
# added per number the pairing gives a sentence whose counterpart lacks it, and the other
# side of the pair too: as unlikely as two sentences without counterparts
NUMBER_LEFT_OUT = 8.0

_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "gen",
        "lt",
        "col",
        "sgt",
        "sen",
        "rep",
        "gov",
        "pres",
        "prof",
        "jr",
        "sr",
        "inc",
        "co",
        "corp",
        "ltd",
        "no",
        "vs",
        "e.g",
        "i.e",
        "u.s",
        "u.k",
        "u.n",
        "tp",
        "ts",
        "ths",
        "pgs",
        "gs",
        "bs",
        "ks",
        "q",
        "p",
        "tt",
    ]
)
# A sentence ends at . ! ? or … (and the quotes or brackets closing it) before a space and
# the start of the next one: a capital or a digit, after an opening quote if any.
_END = re.compile(r"([.!?…]+[\"”’»)\]]*)\s+([\"“‘«(\[]?)(\w)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_QUOTE = re.compile(r"[\"“”«»]")
_PUNCTUATION = "\"“”‘’'«»()[]{}.,;:!?…"


@dataclass(frozen=True)
class Block:
    """One block's sentences, as (start, end) character offsets on each side, and its links:
    (first vi sentence, how many, first en sentence, how many)."""

    vi: list[tuple[int, int]]
    en: list[tuple[int, int]]
    links: list[tuple[int, int, int, int]] = field(default_factory=list)
    aligned: bool = False

    @property
    def linked_sentences(self) -> int:
        """The Vietnamese sentences with a counterpart."""
        return sum(vi_count for _, vi_count, _, en_count in self.links if en_count)

    def as_stored(self) -> dict:
        return {
            "vi": [list(span) for span in self.vi],
            "en": [list(span) for span in self.en],
            "links": [list(link) for link in self.links],
            "ok": self.aligned,
        }


def sentences(text: str) -> list[tuple[int, int]]:
    """The sentences of a text, as (start, end) offsets, surrounding spaces left out."""
    spans, start = [], 0
    for end in _END.finditer(text):
        following = end[3]
        before = text[start : end.start()].rsplit(None, 1)
        last_word = before[-1].lower().strip('("“') if before else ""
        if not (following.isupper() or following.isdigit()) or last_word in _ABBREVIATIONS:
            continue
        if len(last_word) == 1 and last_word.isalpha():
            continue  # an initial: J. Smith
        spans.append((start, end.end(1)))
        start = end.start(2)
    spans.append((start, len(text)))
    return [_stripped(text, s, e) for s, e in spans if text[s:e].strip()]


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def anchors(sentence: str) -> frozenset[str]:
    """What a sentence holds that a translation keeps: its numbers, names and quotes."""
    found = {"#" + re.sub(r"\D", "", number) for number in _NUMBER.findall(sentence)}
    found |= {'"'} if _QUOTE.search(sentence) else set()
    return frozenset(found | _names(sentence))


def _names(sentence: str) -> set[str]:
    """Runs of capitalised words (nothing but a space between them), folded and joined; a
    run that starts the sentence also without its first word, and never that word alone."""
    names, run, first = set(), [], False
    for position, token in enumerate([*sentence.split(), ""]):
        word = token.strip(_PUNCTUATION)
        if word[:1].isupper():
            first = first if run else position == 0
            run.append(word)
            if word == token.lstrip(_PUNCTUATION):
                continue  # nothing after it: the run may go on
        if len(run) > 1 or (run and not first):
            names.add(fold("".join(run)))  # Hà Nội
        if len(run) > 1 and first:
            names.add(fold("".join(run[1:])))  # Ông Blinken: the first word may be no name
        run = []
    return names


def align(vietnamese: str, english: str) -> Block:
    """The sentences of a Vietnamese paragraph and its English, and how they pair."""
    vi, en = sentences(vietnamese), sentences(english) if english else []
    if not vi or not en:
        return Block(vi, en)
    if len(vi) == len(en) == 1:
        return Block(vi, en, [(0, 1, 0, 1)], aligned=True)
    if len(vi) * len(en) > MAX_CELLS:
        return Block(vi, en)
    vi_anchors = [anchors(vietnamese[start:end]) for start, end in vi]
    en_anchors = [anchors(english[start:end]) for start, end in en]
    lengths = ([end - start for start, end in vi], [end - start for start, end in en])
    links = _best_links(*lengths, vi_anchors, en_anchors)
    if _anchors_apart(links, vi_anchors, en_anchors):
        return Block(vi, en)
    aligned = all(vi_count and en_count for _, vi_count, _, en_count in links)
    return Block(vi, en, [link for link in links if link[1] and link[3]], aligned)


def _best_links(
    vi: list[int], en: list[int], vi_anchors: list[frozenset], en_anchors: list[frozenset]
) -> list[tuple[int, int, int, int]]:
    """The cheapest pairing of sentences of these lengths and anchors, in order."""
    ratio = sum(en) / max(1, sum(vi))
    shared = frozenset().union(*vi_anchors) & frozenset().union(*en_anchors)
    vi_anchors = [_kept(found, shared) for found in vi_anchors]
    en_anchors = [_kept(found, shared) for found in en_anchors]

    def cost(i: int, vi_count: int, j: int, en_count: int) -> float:
        vi_length, en_length = sum(vi[i : i + vi_count]), sum(en[j : j + en_count])
        held_vi = frozenset().union(*vi_anchors[i : i + vi_count])
        held_en = frozenset().union(*en_anchors[j : j + en_count])
        return (
            _length_cost(vi_length, en_length, ratio)
            - math.log(PRIORS[vi_count, en_count])
            - SHARED_ANCHOR * len(held_vi & held_en)
            + ANCHOR_APART * len((held_vi ^ held_en) & shared)
            + (NUMBER_LEFT_OUT * len((held_vi ^ held_en) - shared) if vi_count and en_count else 0)
        )

    best = {(0, 0): (0.0, None)}
    for i in range(len(vi) + 1):
        for j in range(len(en) + 1):
            if (i, j) == (0, 0):
                continue
            options = [
                (best[i - a, j - b][0] + cost(i - a, a, j - b, b), (a, b))
                for a, b in PRIORS
                if a <= i and b <= j and (i - a, j - b) in best
            ]
            best[i, j] = min(options)
    links, i, j = [], len(vi), len(en)
    while (i, j) != (0, 0):
        a, b = best[i, j][1]
        i, j = i - a, j - b
        links.append((i, a, j, b))
    return links[::-1]


def _kept(found: frozenset[str], shared: frozenset[str]) -> frozenset[str]:
    """The anchors that weigh on a pairing: those found on both sides of the pair, and
    every number, which a translation keeps with its sentence or leaves out."""
    return frozenset(anchor for anchor in found if anchor in shared or anchor[0] == "#")


def _length_cost(vi_length: int, en_length: int, ratio: float) -> float:
    """-log of how likely these lengths are for a sentence and its translation."""
    if vi_length == 0 and en_length == 0:
        return 0.0
    mean = (vi_length + en_length / ratio) / 2
    delta = (en_length - vi_length * ratio) / math.sqrt(max(mean, 1.0) * VARIANCE)
    probability = 2 * (1 - _normal(abs(delta)))
    return -math.log(max(probability, 1e-12))


def _normal(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def _anchors_apart(links, vi_anchors: list[frozenset], en_anchors: list[frozenset]) -> bool:
    """Whether an anchor found on both sides of the pair is left apart by the links."""
    shared = frozenset().union(*vi_anchors) & frozenset().union(*en_anchors)
    for i, vi_count, j, en_count in links:
        held_vi = frozenset().union(*vi_anchors[i : i + vi_count]) & shared
        held_en = frozenset().union(*en_anchors[j : j + en_count]) & shared
        if held_vi != held_en:
            return True
    return False


@dataclass(frozen=True)
class ArticleAlignment:
    blocks: list[Block]

    @property
    def coverage(self) -> int | None:
        """The share of the Vietnamese sentences of translated blocks that have a
        counterpart, in percent; None when no block is translated."""
        translated = [block for block in self.blocks if block.en]
        total = sum(len(block.vi) for block in translated)
        if not total:
            return None
        return math.floor(100 * sum(block.linked_sentences for block in translated) / total)

    @property
    def sentence_count(self) -> int:
        return sum(len(block.vi) for block in self.blocks)

    def as_stored(self) -> list[dict]:
        return [block.as_stored() for block in self.blocks]


def align_article(blocks: list[tuple[str, str]]) -> ArticleAlignment:
    """Every (Vietnamese, English) block of an article aligned (Article.aligned_blocks())."""
    return ArticleAlignment([align(vietnamese, english) for vietnamese, english in blocks])
