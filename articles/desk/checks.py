"""Checks on every translated pair: what may be wrong with an English beside its Vietnamese.

A pair is flagged when
- its numbers disagree (amounts, dates, years), read in a form that knows both languages'
  ways of writing them: `1.200` and `1,200` are one number, `1,5 tỷ` is `1.5 billion`,
  `ngày 14/3` is `March 14`;
- an entity is named on one side only;
- its length ratio is far outside the article's own;
- a quote is on one side only.

Pure: text in, flags out. Each flag says what it saw, and names its pair by a digest of
both texts, so that an editor's dismissal holds for that pair for as long as its text
stays the same. articles.derived stores an article's flags when its text is read
(Article.translation_checks), and whether any is left undismissed (needs_checking).
"""

import hashlib
import re
import statistics
from dataclasses import asdict, dataclass, field

NUMBERS, ENTITIES, LENGTH, QUOTE = "numbers", "entities", "length", "quote"
KINDS = (NUMBERS, ENTITIES, LENGTH, QUOTE)

LENGTH_FACTOR = 2.0  # a pair whose ratio is this many times the article's, or less
SHORTEST_FOR_LENGTH = 60  # characters of the longer side below which length says nothing
USUAL_RATIO = 1.0  # English characters per Vietnamese one, before an article has its own
# A quotation holds at least this many words (Vietnamese syllables); shorter quoted spans
# are names and terms, which a translation may well write without quotes.
QUOTE_WORDS = {"vi": 6, "en": 4}
SHOWN = 80  # characters of a quote a flag keeps
LONGEST = 10_000  # characters of a pair's side its numbers are read in
MOST_NUMBERS = 200  # numbers compared per side


@dataclass(frozen=True)
class Flag:
    block: int  # 0 for the lead, then the paragraphs in order
    kind: str
    pair: str  # digest of the pair's two texts
    vi: list[str] = field(default_factory=list)  # what it saw on the Vietnamese side only
    en: list[str] = field(default_factory=list)  # and on the English side only

    def as_json(self) -> dict:
        return asdict(self)


def pair_digest(vietnamese: str, english: str) -> str:
    return hashlib.sha256(f"{vietnamese}\0{english}".encode()).hexdigest()[:16]


def check_pairs(
    blocks: list[tuple[str, str]],
    entities: list[tuple[dict, dict]] | None = None,
    names: dict[int, list[str]] | None = None,
) -> list[Flag]:
    """The flags of an article's translated blocks (Vietnamese, English). `entities`: for
    each block, the entities each side names, {entity id: the name as written}; `names`:
    every name and alias of each entity, by id."""
    flags = []
    usual = usual_ratio(blocks)
    for number, (vietnamese, english) in enumerate(blocks):
        if not vietnamese.strip() or not english.strip():
            continue
        digest = pair_digest(vietnamese, english)
        named = entities[number] if entities else ({}, {})
        for kind, found in (
            (NUMBERS, numbers_apart(vietnamese, english)),
            (ENTITIES, entities_apart(*named, vietnamese, english, names or {})),
            (LENGTH, length_apart(vietnamese, english, usual)),
            (QUOTE, quotes_apart(vietnamese, english)),
        ):
            if found:
                flags.append(Flag(number, kind, digest, *found))
    return flags


# --- Numbers -----------------------------------------------------------------------------

_NUMBER = r"(?<![\w.,])\d+(?:[.,]\d+)*"
_NOT_WORD = re.compile(r"\W+")
_VI_SCALE = {
    "nghìn tỷ": 1e12,
    "ngàn tỷ": 1e12,
    "tỷ": 1e9,
    "tỉ": 1e9,
    "triệu": 1e6,
    "nghìn": 1e3,
    "ngàn": 1e3,
}
_EN_SCALE = {
    "trillion": 1e12,
    "billion": 1e9,
    "bn": 1e9,
    "million": 1e6,
    "mn": 1e6,
    "thousand": 1e3,
}
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_TIME = re.compile(
    r"(?<![\w.,])\d{1,2}(?:[:h]\d{2}(?:\s?[ap]\.?m\.?)?|h|(?:[.:]\d{2})?\s?[ap]\.?m\.?)(?!\w)",
    re.IGNORECASE,
)
_VI_DATE = re.compile(
    r"(?<![\w.,/])(?P<day>\d{1,2})/(?P<month>\d{1,2})(?:/(?P<year>\d{4}))?(?![\w/])"
    r"|ngày (?P<day2>\d{1,2}) tháng (?P<month2>\d{1,2})",
    re.IGNORECASE,
)
_VI_MONTH = re.compile(r"tháng (?P<month>\d{1,2})(?!\d)", re.IGNORECASE)
_EN_DATE = re.compile(
    rf"\b{_MONTH}\s(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b"
    rf"|\b(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s(?:of\s)?(?P<month2>"
    + "|".join(sorted(_MONTHS, key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)
_EN_MONTH = re.compile(rf"\b{_MONTH}(?!\w)", re.IGNORECASE)
_SCALED = {
    language: re.compile(
        rf"{_NUMBER}(?:\s?(?P<scale>"
        + "|".join(sorted(map(re.escape, scales), key=len, reverse=True))
        + r")\b)?",
        re.IGNORECASE,
    )
    for language, scales in (("vi", _VI_SCALE), ("en", _EN_SCALE))
}
_WORDS = {
    "vi": ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười"),
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
}


@dataclass(frozen=True)
class _Seen:
    shown: str  # as written
    values: frozenset  # what it may mean: numbers, ("date", day, month), ("month", m)


def numbers_apart(vietnamese: str, english: str) -> tuple[list[str], list[str]] | None:
    """The numbers and dates each side has and the other has not, as written; None when
    they agree."""
    vi, en = _read_numbers(vietnamese, "vi"), _read_numbers(english, "en")
    vi_only = _unmatched(vi, en, _small_numbers(english, "en"))
    en_only = _unmatched(en, vi, _small_numbers(vietnamese, "vi"))
    return (vi_only, en_only) if vi_only or en_only else None


def _unmatched(seen: list[_Seen], other: list[_Seen], spelled_out: set[float]) -> list:
    """What is seen that the other side has not, in figures or as a word (ba người, three
    people)."""
    left = list(other)
    missing = []
    for item in seen:
        match = next((o for o in left if o.values & item.values), None)
        if match is not None:
            left.remove(match)
        elif item.shown and not item.values & spelled_out:
            missing.append(item.shown)
    return missing


def _small_numbers(text: str, language: str) -> set[float]:
    """The numbers from zero to ten a text writes as words."""
    words = set(_NOT_WORD.split(text[:LONGEST].lower()))
    return {float(value) for value, word in enumerate(_WORDS[language]) if word in words}


def _read_numbers(text: str, language: str) -> list[_Seen]:
    """The numbers, dates and months a text writes (in its first LONGEST characters, at
    most MOST_NUMBERS of them); each date and month is blanked before numbers are read."""
    seen: list[_Seen] = []

    def date(found: re.Match) -> str:
        day = found.group("day") or found.group("day2")
        month = found.group("month") or found.group("month2")
        month = int(month) if month.isdigit() else _MONTHS[month.lower()]
        if not (1 <= int(day) <= 31 and 1 <= month <= 12):
            return found.group(0)
        seen.append(_Seen(found.group(0).strip(), frozenset({("date", int(day), month)})))
        # a date says its month: "tháng 3" on the other side is matched by it too
        seen.append(_Seen("", frozenset({("month", month)})))
        if found.groupdict().get("year"):
            seen.append(_Seen(found.group("year"), frozenset({float(found.group("year"))})))
        return " " * len(found.group(0))

    def month_alone(found: re.Match) -> str:
        month = found.group("month")
        month = int(month) if month.isdigit() else _MONTHS[month.lower()]
        if not 1 <= month <= 12 or found.group(0).startswith("may"):  # may: a verb
            return found.group(0)
        seen.append(_Seen(found.group(0), frozenset({("month", month)})))
        return " " * len(found.group(0))

    text = _TIME.sub(" ", text[:LONGEST])
    text = (_VI_DATE if language == "vi" else _EN_DATE).sub(date, text)
    text = (_VI_MONTH if language == "vi" else _EN_MONTH).sub(month_alone, text)
    scales = _VI_SCALE if language == "vi" else _EN_SCALE
    for found in _SCALED[language].finditer(text):
        digits = re.match(_NUMBER, found.group(0)).group(0)
        scale = scales[found.group("scale").lower()] if found.group("scale") else 1
        values = frozenset(_rounded(v * scale) for v in _meanings(digits, language))
        seen.append(_Seen(found.group(0), values))
    return seen[:MOST_NUMBERS]


def _rounded(value: float) -> float:
    return float(f"{value:.6g}")


def _meanings(digits: str, language: str) -> set[float]:
    """What a written number may mean: in Vietnamese the dot groups thousands and the comma
    is the decimal point, in English the other way round; each side sometimes writes
    the other's way, so a number that reads either way means both."""
    thousands, decimal = (".", ",") if language == "vi" else (",", ".")
    meanings = set()
    for group, point in ((thousands, decimal), (decimal, thousands)):
        whole, _, fraction = digits.partition(point)
        parts = whole.split(group)
        if len(parts) > 1 and not all(len(part) == 3 for part in parts[1:]):
            continue
        if point in fraction or group in fraction:
            continue
        meanings.add(float("".join(parts) + ("." + fraction if fraction else "")))
    return meanings or {float(re.sub(r"\D", "", digits))}


# --- Entities, length, quotes ------------------------------------------------------------


def entities_apart(
    vietnamese: dict,
    english: dict,
    vi_text: str = "",
    en_text: str = "",
    names: dict[int, list[str]] | None = None,
) -> tuple[list[str], list[str]] | None:
    """The entities one side names and the other does not, as each side writes them. An
    entity whose name or alias the other side's text holds anywhere (Japan in "U.S. Forces
    Japan" or "Japanese", which the linker reads as other names) is not missing there."""
    names = names or {}

    def missing(named: dict, other: dict, other_text: str) -> list[str]:
        return [
            name
            for pk, name in named.items()
            if pk not in other
            and not any(alias in other_text for alias in names.get(pk, ()) if len(alias) > 1)
        ]

    vi_only = missing(vietnamese, english, en_text)
    en_only = missing(english, vietnamese, vi_text)
    return (vi_only, en_only) if vi_only or en_only else None


def usual_ratio(blocks: list[tuple[str, str]]) -> float:
    """The article's own English length per Vietnamese character: the median of its pairs'."""
    ratios = [
        len(english) / len(vietnamese)
        for vietnamese, english in blocks
        if english.strip() and len(vietnamese) >= SHORTEST_FOR_LENGTH
    ]
    return statistics.median(ratios) if len(ratios) >= 3 else USUAL_RATIO


def length_apart(vietnamese: str, english: str, usual: float) -> tuple[list[str], list[str]] | None:
    """Both lengths, when the pair's ratio is LENGTH_FACTOR times the article's or less."""
    if max(len(vietnamese), len(english)) < SHORTEST_FOR_LENGTH:
        return None
    ratio = len(english) / max(1, len(vietnamese))
    if usual / LENGTH_FACTOR <= ratio <= usual * LENGTH_FACTOR:
        return None
    return [str(len(vietnamese))], [str(len(english)), f"{ratio / usual:.1f}"]


_QUOTED = re.compile(r"[“«\"]([^”»\"]+)[”»\"]")


def quotes(text: str, language: str) -> list[str]:
    """The quotations in a text: quoted spans of QUOTE_WORDS words or more."""
    least = QUOTE_WORDS[language]
    return [span.strip() for span in _QUOTED.findall(text) if len(span.split()) >= least]


def quotes_apart(vietnamese: str, english: str) -> tuple[list[str], list[str]] | None:
    """A quotation on one side where the other quotes nothing at all."""
    vi, en = quotes(vietnamese, "vi"), quotes(english, "en")
    if vi and not _QUOTED.search(english):
        return [quote[:SHOWN] for quote in vi], []
    if en and not _QUOTED.search(vietnamese):
        return [], [quote[:SHOWN] for quote in en]
    return None
