"""Turning a scraped article file (Vietnamese or its English translation) into its parts.

A file is plain text: the lead paragraph first (there is no title), then body
paragraphs, one per non-empty line. Outlets mix in a photo caption with its credit,
stray id/hash lines, a byline with the source outlet, and a trailing "see more"
block; this module separates those from the text.
"""

import codecs
import re
from dataclasses import dataclass
from functools import cache

from articles.text import cut_at_word, normalize_text

DEFAULT_MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class ParsedText:
    title: str  # provisional title derived from the lead
    lead: str  # first paragraph
    paragraphs: tuple[str, ...]  # body paragraphs after the lead, in order
    caption: str = ""
    credit: str = ""  # photo credit
    author: str = ""  # byline author(s), without the source
    source: str = ""  # outlet the article was translated from or attributed to

    @property
    def blocks(self) -> tuple[str, ...]:
        return (self.lead, *self.paragraphs)


class ParseError(ValueError):
    """A file that cannot be read as an article; the message is a one-line reason."""


# --- Decoding ---------------------------------------------------------------------------------

_UTF16_AND_UTF32_BOMS = (
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)
_CONTROL_BYTES = bytes(byte for byte in [*range(0x20), 0x7F] if byte not in b"\t\n\r\f")
_MAX_CONTROL_SHARE = 0.1
_SNIFF_BYTES = 64 * 1024


def decode_raw(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Decode an uploaded or scraped file to normalised text, or raise ParseError."""
    if len(data) > max_bytes:
        raise ParseError(f"larger than the {_describe_size(max_bytes)} limit")
    if not data.strip():
        raise ParseError("empty file")
    check_text_bytes(data)
    try:
        text = normalize_text(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ParseError("not UTF-8 text") from None
    if not text.strip():
        raise ParseError("empty file")
    return text


def check_text_bytes(data: bytes) -> None:
    """Raise ParseError for bytes (a whole file, or its first part) that are plainly not
    UTF-8 text: UTF-16 or UTF-32 by their byte-order mark, or binary."""
    if data.startswith(_UTF16_AND_UTF32_BOMS):
        raise ParseError("not UTF-8 text")
    if data and _looks_binary(data):
        raise ParseError("binary file, not text")


def _describe_size(size: int) -> str:
    for unit, unit_size in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= unit_size:
            return f"{round(size / unit_size, 1):g} {unit}"
    return f"{size} B"


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data:
        return True
    sample = data[:_SNIFF_BYTES]
    control_count = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return control_count / len(sample) > _MAX_CONTROL_SHARE


# --- Parsing ----------------------------------------------------------------------------------


def parse_article(text: str, language: str = "vi") -> ParsedText:
    """Split an article's text into title, lead, paragraphs, caption, credit and byline."""
    blocks = [line for line in normalize_text(text).split("\n") if _is_text_line(line)]
    blocks, caption, credit = _take_captions(blocks)
    blocks = _without_see_more_block(blocks)
    blocks, author, source = _take_byline(blocks)
    if not blocks:
        raise ParseError("no article text found")
    if _is_only_a_byline(blocks):
        raise ParseError("no article text found, only a byline")
    lead, *paragraphs = blocks
    return ParsedText(
        title=derive_title(lead, language),
        lead=lead,
        paragraphs=tuple(paragraphs),
        caption=caption,
        credit=credit,
        author=author,
        source=source,
    )


def _is_text_line(line: str) -> bool:
    """False for blank lines, rules like "***", and stray id/hash lines."""
    return _has_words(line) and not _is_machine_id_line(line)


def _has_words(text: str) -> bool:
    return any(char.isalnum() for char in text)


_MACHINE_TOKEN = re.compile(
    r"""
      \d{6,}                                        # long digit run
    | (?=[0-9a-f]*\d)[0-9a-f]{6,}                   # hex hash with at least one digit
    | [0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}   # UUID
    | [a-z]                                         # single letter
    """,
    re.IGNORECASE | re.VERBOSE,
)


def _is_machine_id_line(line: str) -> bool:
    """A line of ids and hashes, e.g. "39447380014 aa3929ca2c k" or "4471093388 2023 07"."""
    tokens = line.split()
    return all(_MACHINE_TOKEN.fullmatch(token) or token.isdigit() for token in tokens) and any(
        len(token) >= 6 and _MACHINE_TOKEN.fullmatch(token) for token in tokens
    )


# --- Captions ---------------------------------------------------------------------------------

_CREDITED_PHOTO_MARKER = r"""
    (?:nguồn\s+)?(?:ảnh|hình(?:\s+ảnh)?|đồ\s+h(?:ọa|oạ))
        (?:\s+(?:minh\s+h(?:ọa|oạ)|tư\s+liệu|chụp(?:\s+màn\s+hình)?))?
  | (?:file\s+)?(?:photo|image|picture|graphic|illustration|screenshot)s?(?:\s+credits?)?
  | credits?
"""
_UNCREDITED_PHOTO_MARKER = r"""
    (?:ảnh|hình(?:\s+ảnh)?)\s+(?:minh\s+h(?:ọa|oạ)|tư\s+liệu|chụp\s+màn\s+hình)
  | (?:photo\s+)?illustration | illustrative\s+(?:photo|image) | file\s+photo | screenshot
"""
_CAPTION_PATTERNS = [
    # Caption (Ảnh: Credit) / Caption [Photo: Credit] / (Ảnh: Credit) / Caption (Ảnh minh họa)
    re.compile(
        rf"""
        (?P<caption>.*?) \s* [(\[] \s*
        (?: (?:{_CREDITED_PHOTO_MARKER}) \s*:\s* (?P<credit>.+?) | (?:{_UNCREDITED_PHOTO_MARKER}) )
        \s* [)\]] \.?
        """,
        re.IGNORECASE | re.VERBOSE,
    ),
    # Caption. Ảnh: Credit / Caption – Photo: Credit
    re.compile(
        rf"""
        (?P<caption>.*?\S) \s* (?:[.!?…]|\s[-–—|]) \s*
        (?:{_CREDITED_PHOTO_MARKER}) \s*:\s* (?P<credit>.+?) \.?
        """,
        re.IGNORECASE | re.VERBOSE,
    ),
    # Ảnh: Credit
    re.compile(
        rf"(?:{_CREDITED_PHOTO_MARKER}) \s*:\s* (?P<credit>.+?) \.?",
        re.IGNORECASE | re.VERBOSE,
    ),
]
_MAX_CREDIT_WORDS = 15
_MAX_CAPTION_LINE_CHARS = 500  # longer lines are body text; also keeps the regexes fast


def _take_captions(blocks: list[str]) -> tuple[list[str], str, str]:
    """Remove photo caption lines; the first one gives the caption and credit."""
    remaining: list[str] = []
    captions: list[tuple[str, str]] = []
    for block in blocks:
        found = _split_caption(block)
        if found is None:
            remaining.append(block)
        else:
            captions.append(found)
    caption, credit = captions[0] if captions else ("", "")
    return remaining, caption, credit


def _split_caption(line: str) -> tuple[str, str] | None:
    if len(line) > _MAX_CAPTION_LINE_CHARS:
        return None
    for pattern in _CAPTION_PATTERNS:
        match = pattern.fullmatch(line)
        if match:
            credit = (match["credit"] or "").strip()
            if len(credit.split()) > _MAX_CREDIT_WORDS:
                return None
            return _tidy_caption(match.groupdict().get("caption") or ""), credit
    return None


def _tidy_caption(caption: str) -> str:
    caption = caption.strip().rstrip(" -–—|:")
    return caption if caption.endswith("..") else caption.removesuffix(".")


# --- "See more" block -------------------------------------------------------------------------

_SEE_MORE = re.compile(
    r"""
    (?:xem\s+thêm|đọc\s+thêm|tin\s+liên\s+quan|xem\s+tiếp|bài\s+liên\s+quan
      |see\s+more|see\s+also|read\s+more|more\s+stories
      |related(?:\s+(?:articles?|stories|news|coverage))?)
    \s* (?:[:>»\-–—].*)?
    """,
    re.IGNORECASE | re.VERBOSE,
)
_MAX_HEADLINE_WORDS = 30
_MAX_HEADLINE_CHARS = 200


def _without_see_more_block(blocks: list[str]) -> list[str]:
    """Drop a trailing "Xem thêm:" / "Read more:" line and the related headlines under it."""
    headlines_start = len(blocks)
    while headlines_start > 0 and _looks_like_headline(blocks[headlines_start - 1]):
        headlines_start -= 1
    for index in range(max(headlines_start - 1, 0), len(blocks)):
        if _SEE_MORE.fullmatch(blocks[index]):
            return blocks[:index]
    return blocks


def _looks_like_headline(line: str) -> bool:
    ends_like_sentence = line.endswith(".") and not line.endswith("..")
    return (
        len(line.split()) <= _MAX_HEADLINE_WORDS
        and len(line) <= _MAX_HEADLINE_CHARS
        and not ends_like_sentence
    )


# --- Byline -----------------------------------------------------------------------------------

_MAX_BYLINE_WORDS = 12
_MAX_BYLINE_CHARS = 100
_MAX_BYLINE_LINES = 2  # e.g. "Minh Ngọc" on one line and "Theo Reuters" on the next
_MAX_NAME_WORDS = 4
_MAX_OUTLET_WORDS = 5
_MAX_LABELLED_SOURCE_WORDS = 8

# "Theo X" is also how sentences start, so what follows must look like outlet names;
# after "Nguồn:" anything short is a source.
_ATTRIBUTION = re.compile(r"(?:theo|according\s+to|via)\s+(?P<source>.+)", re.IGNORECASE)
_LABELLED_SOURCE = re.compile(r"(?:nguồn|source)\s*:\s*(?P<source>.+)", re.IGNORECASE)
_COMPILATION_NOTE = re.compile(
    r"(?:tổng\s+hợp|lược\s+dịch|biên\s+dịch|dịch|compiled|translated)"
    r"(?:\s+(?:từ|theo|from)\s+(?P<source>.+))?",
    re.IGNORECASE,
)
_AUTHOR_LABEL = re.compile(
    r"(?:(?:(?:written|reporting|reported|translated|compiled)\s+)?by\s+"
    r"|(?:tác\s+giả|bài|thực\s+hiện|author)\s*:\s*)"
    r"(?P<rest>.+)",
    re.IGNORECASE,
)
_AUTHOR_WITH_NOTE = re.compile(r"(?P<author>[^()]+?)\s*\((?P<note>[^()]+)\)")
_AUTHOR_SOURCE_SEPARATOR = re.compile(r"\s*(?:[,/|]|\s[-–—])\s*")
_NAME_SEPARATOR = re.compile(r"\s*(?:[,;&/]|\s[-–—](?=\s)|\s(?:và|and)(?=\s))\s*")
_OUTLET_SEPARATOR = re.compile(r"\s*(?:[,;&/]|\s(?:và|and)(?=\s))\s*")
_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)+")
_NAME_PUNCTUATION = frozenset("'’.-")
# Lowercase words that may appear in an outlet's name: "báo Thanh Niên", "Bank of Japan".
# fmt: off
_OUTLET_LOWERCASE_WORDS = frozenset({
    "báo", "tờ", "tạp", "chí", "hãng", "tin", "thông", "tấn", "xã", "đài", "trang", "kênh",
    "điện", "tử", "the", "of", "for", "de",
})
# fmt: on

Byline = tuple[str, str]  # (author, source)


def _take_byline(blocks: list[str]) -> tuple[list[str], str, str]:
    """Remove the byline lines at the end of the text, never the lead."""
    author, source = "", ""
    for _ in range(_MAX_BYLINE_LINES):
        byline = _split_byline(blocks[-1]) if len(blocks) > 1 else None
        if byline is None or (byline[0] and author) or (byline[1] and source):
            break
        blocks = blocks[:-1]
        author, source = author or byline[0], source or byline[1]
    return blocks, author, source


def _is_only_a_byline(blocks: list[str]) -> bool:
    """One line that can only be a byline: `Minh Ngọc (Theo Reuters)`, `Theo AFP`, `By Jane
    Doe`. A bare name (`Thu Hà`) might be a text of its own, and is kept as the lead."""
    byline = _split_byline(blocks[0]) if len(blocks) == 1 else None
    return byline is not None and byline != (blocks[0], "")


def _split_byline(line: str) -> Byline | None:
    if len(line.split()) > _MAX_BYLINE_WORDS or len(line) > _MAX_BYLINE_CHARS:
        return None
    text = line if line.endswith("..") else line.removesuffix(".")
    for split in (_source_line, _author_with_note, _labelled_author, _author_then_source):
        byline = split(text)
        if byline is not None:
            return byline
    return _bare_author(line)


def _source_line(text: str) -> Byline | None:
    """`Theo Reuters`, `(Theo VnExpress)`, `Nguồn: Reuters`, `(Reuters)`, `(tổng hợp)`."""
    inner = _inside_parentheses(text)
    source = _source_from_phrase(inner if inner is not None else text)
    if source is None and inner is not None and _is_outlet_list(inner):
        source = inner
    return None if source is None else ("", source)


def _author_with_note(text: str) -> Byline | None:
    """`Minh Ngọc (Theo Reuters)`, `Jane Doe (Reuters)`, `Hà Linh (tổng hợp)`."""
    match = _AUTHOR_WITH_NOTE.fullmatch(text)
    if not match or not _is_author_list(match["author"]):
        return None
    note = match["note"].strip()
    source = _source_from_phrase(note)
    if source is None and _is_outlet_list(note):
        source = note
    return None if source is None else (match["author"].strip(), source)


def _labelled_author(text: str) -> Byline | None:
    """`By Jane Doe`, `By Jane Doe, Reuters` (the last comma part is the source), `Tác giả: X`."""
    match = _AUTHOR_LABEL.fullmatch(text)
    if not match:
        return None
    rest = match["rest"].partition(";")[0].strip()  # drops "; Editing by …" credits
    byline = _author_with_note(rest) or _author_then_source(rest)
    if byline is not None:
        return byline
    names, comma, outlet = rest.rpartition(",")
    if comma and _is_author_list(names) and _is_outlet(outlet.strip()):
        return names.strip(), outlet.strip()
    return (rest, "") if _is_author_list(rest) else None


def _author_then_source(text: str) -> Byline | None:
    """`Minh Ngọc - Theo Reuters`, `Minh Ngọc / Theo AFP`, `Minh Ngọc, theo BBC`."""
    for separator in _AUTHOR_SOURCE_SEPARATOR.finditer(text):
        author, phrase = text[: separator.start()], text[separator.end() :]
        source = _source_from_phrase(phrase)
        if source is not None and _is_author_list(author):
            return author, source
    return None


def _bare_author(line: str) -> Byline | None:
    """`Thu Hà`: names of 2–4 capitalised words each, without final punctuation."""
    names = _NAME_SEPARATOR.split(line)
    if line[-1].isalpha() and all(len(name.split()) >= 2 for name in names):
        return (line, "") if _is_author_list(line) else None
    return None


def _source_from_phrase(phrase: str) -> str | None:
    """The outlet in an attribution like `Theo Reuters`; "" for `tổng hợp`; None otherwise."""
    phrase = phrase.strip()
    if match := _ATTRIBUTION.fullmatch(phrase):
        return match["source"] if _is_outlet_list(match["source"]) else None
    if match := _LABELLED_SOURCE.fullmatch(phrase):
        source = match["source"].strip()
        return source if len(source.split()) <= _MAX_LABELLED_SOURCE_WORDS else None
    if match := _COMPILATION_NOTE.fullmatch(phrase):
        source = (match["source"] or "").strip()
        return source if not source or _is_outlet_list(source) else None
    return None


def _inside_parentheses(text: str) -> str | None:
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        return text[1:-1].strip()
    return None


def _is_author_list(text: str) -> bool:
    names = _NAME_SEPARATOR.split(text.strip())
    return all(_is_name(name) for name in names)


def _is_name(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= _MAX_NAME_WORDS and all(map(_is_name_word, words))


def _is_name_word(word: str) -> bool:
    return word[0].isupper() and all(char.isalpha() or char in _NAME_PUNCTUATION for char in word)


def _is_outlet_list(text: str) -> bool:
    return all(_is_outlet(outlet) for outlet in _OUTLET_SEPARATOR.split(text.strip()))


def _is_outlet(text: str) -> bool:
    """`Reuters`, `VnExpress`, `báo Thanh Niên`, `The Wall Street Journal`, `vnexpress.net`."""
    words = text.split()
    named_words = [word for word in words if word not in _OUTLET_LOWERCASE_WORDS]
    return 0 < len(named_words) <= _MAX_OUTLET_WORDS and all(
        _is_name_word(word) or _is_outlet_word(word) for word in named_words
    )


def _is_outlet_word(word: str) -> bool:
    """Words outlet names have that personal names do not: `24h`, `vnexpress.net`, `VOV.VN`."""
    return bool(_DOMAIN.fullmatch(word)) or (word[0].isdigit() and word.isalnum())


# --- Titles -----------------------------------------------------------------------------------

_MIN_TITLE_LENGTH = 25
_TITLE_SEARCH_FACTOR = 4
_SENTENCE_BREAK = re.compile(r"[.!?…]+[\"'”’»)]*\s+")
_CLAUSE_BREAK = re.compile(r"[,;:](?=\s)|\s[-–—](?=\s)")
_INITIALS = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")  # "U.S", "D": before a non-final period
# fmt: off
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "st", "gen", "sen", "rep", "gov", "lt", "col", "capt", "jr",
    "sr", "no", "inc", "corp", "co", "ltd", "vs", "tp", "ts", "ths", "pgs", "gs", "bs",
})
# fmt: on
# Outlet tags before the lead's first sentence: "(Dân trí) - ", "WASHINGTON (Reuters) - ",
# "TTO - ", "VOV.VN - "; the part before the dash must have no lowercase letters.
_DATELINE = re.compile(
    r"(?P<tag>[^()]{0,40}?\s*\([^()]{1,30}\)|[^\s()]{2,20}\s[^\s()]{2,20}|[^\s()]{3,20})"
    r"\s*[-–—]+\s+"
)
# fmt: off
_CONNECTIVES = {
    "vi": (
        "trong bối cảnh", "với mục tiêu", "sau khi", "trong khi", "nhằm", "để", "khi", "vì",
        "do", "bởi", "nhưng", "theo", "sau", "trước", "tại",
    ),
    "en": (
        "in order to", "following", "despite", "because", "after", "while", "amid", "which",
        "that", "to", "as",
    ),
}
# Words before which a connective is part of a compound, not the start of a new clause:
# "tự do" (freedom), "năm sau" (next year), "due to", "such as".
_COMPOUND_STARTS = {
    "do": {"tự", "lý"},
    "vì": {"thay"},
    "khi": {"có", "đôi", "mỗi"},
    "theo": {"tiếp", "kèm", "làm"},
    "tại": {"hiện"},
    "sau": {"phía", "đằng", "năm", "tháng", "tuần", "hôm", "ngày"},
    "trước": {"phía", "đằng", "năm", "tháng", "tuần", "hôm", "ngày"},
    "to": {
        "due", "up", "according", "next", "able", "going", "want", "wants", "plans", "aims",
        "seeks", "agreed", "expected", "likely", "set", "has", "have", "had",
    },
    "as": {"such", "well", "so", "same", "known"},
    "that": {"so", "now", "such"},
}
# fmt: on
_UNTITLED = {"vi": "Bài viết chưa có tiêu đề", "en": "Untitled article"}
_LEADING_PUNCTUATION = " ,;:.!?…–—-"
_TRAILING_PUNCTUATION = " ,;:.!?…–—-\"'“”‘’«»(["
_QUOTE_PAIRS = (("“", "”"), ("‘", "’"), ("«", "»"), ('"', '"'))
_ELLIPSIS = "…"
_FINAL_REMARK = re.compile(r"\s*[(\[][^()\[\]]*[)\]]$")  # "… hôm qua (Reuters)"
_OPENING_MARKS = '"“‘«('


def derive_title(lead: str, language: str = "vi", max_length: int = 90) -> str:
    """A short provisional title: the lead's opening clause, cut at a natural break."""
    # Only the lead's opening can end up in the title; the cap keeps huge leads fast.
    opening_text = lead.strip()[: _TITLE_SEARCH_FACTOR * max_length]
    sentence = _first_sentence(_without_dateline(opening_text))
    opening = _opening_clauses(sentence)
    if len(opening) <= max_length:
        title = _tidy_title(opening)
    elif shorter := _cut_before_connective(opening, language, max_length):
        title = _tidy_title(shorter)
    else:
        title = _tidy_title(cut_at_word(opening, max_length - len(_ELLIPSIS)))
        title = title + _ELLIPSIS if title else ""
    return title or _UNTITLED.get(language, _UNTITLED["en"])


def _without_dateline(lead: str) -> str:
    match = _DATELINE.match(lead)
    if match and not any(char.islower() for char in _outside_parentheses(match["tag"])):
        return lead[match.end() :] or lead
    return lead


def _outside_parentheses(text: str) -> str:
    return text.partition("(")[0]


def _first_sentence(text: str) -> str:
    for match in _SENTENCE_BREAK.finditer(text):
        if _has_words(text[: match.start()]) and _starts_new_sentence(text, match):
            return text[: match.end()].rstrip()
    return text


def _starts_new_sentence(text: str, match: re.Match[str]) -> bool:
    next_char = text[match.end() :].lstrip(_OPENING_MARKS)[:1]
    if not (next_char.isupper() or next_char.isdigit()):
        return False
    if not match.group().startswith("."):
        return True
    word_before = "".join(text[: match.start()].split()[-1:]).lstrip(_OPENING_MARKS)
    return not (_INITIALS.fullmatch(word_before) or word_before.casefold() in _ABBREVIATIONS)


def _opening_clauses(sentence: str) -> str:
    """The first clause, joined with the next ones while it is too short to be a title."""
    for match in _CLAUSE_BREAK.finditer(sentence):
        opening = sentence[: match.start()]
        if len(opening) >= _MIN_TITLE_LENGTH:
            return opening
    return sentence


def _cut_before_connective(text: str, language: str, max_length: int) -> str | None:
    """Text up to the last connective word ("nhằm", "after"…) that keeps it short enough."""
    best_cut = None
    for match in _connective_pattern(language).finditer(text):
        word_before = text[: match.start()].split()[-1:]
        compound_starts = _COMPOUND_STARTS.get(match.group().casefold(), set())
        if _MIN_TITLE_LENGTH <= match.start() <= max_length and not (
            word_before and word_before[0].casefold() in compound_starts
        ):
            best_cut = match.start()
    return text[:best_cut] if best_cut else None


@cache
def _connective_pattern(language: str) -> re.Pattern[str]:
    connectives = _CONNECTIVES.get(language) or (*_CONNECTIVES["vi"], *_CONNECTIVES["en"])
    longest_first = sorted(connectives, key=len, reverse=True)
    alternatives = "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in longest_first)
    return re.compile(rf"(?<!\S)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _tidy_title(title: str) -> str:
    title = title.lstrip(_LEADING_PUNCTUATION).rstrip(_TRAILING_PUNCTUATION)
    without_final_remark = _FINAL_REMARK.sub("", title).rstrip(_TRAILING_PUNCTUATION)
    if _has_words(without_final_remark):
        title = without_final_remark
    return _capitalise_first_letter(_without_unbalanced_quote(title.strip()))


def _without_unbalanced_quote(title: str) -> str:
    for opening, closing in _QUOTE_PAIRS:
        if title.startswith(opening):
            rest = title[1:]
            unbalanced = (
                rest.count(opening) % 2 == 0
                if opening == closing
                else title.count(opening) > title.count(closing)
            )
            return rest.lstrip() if unbalanced else title
    return title


def _capitalise_first_letter(title: str) -> str:
    for index, char in enumerate(title):
        if char.isalpha():
            return title[:index] + char.upper() + title[index + 1 :]
    return title
