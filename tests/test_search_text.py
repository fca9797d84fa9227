import re
import unicodedata

import pytest
from django.db import connection
from django.utils import translation

from articles.search.highlight import highlight_snippet
from articles.search.query import (
    MAX_QUERY_CHARS,
    is_only_word_pairs,
    parse_query,
    query_terms,
    required_phrases,
)
from articles.text import fold

EMPTY_HINT = "Type a word or a name to search for."
NO_WORDS_HINT = "Your search has no words in it; try a word or a name."
SHORTENED_HINT = "Your search was shortened to its first 200 characters."

VIETNAMESE_VOWELS = "aăâeêioôơuưy"
VIETNAMESE_TONE_MARKS = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]
REAL_VIETNAMESE_PHRASES = [
    "Nhật Bản Đài Loan Hàn Quốc Việt Nam đất hiếm Hà Nội Thủ tướng Chính phủ hợp tác",
    "kinh tế quốc phòng biển Đông Trường Sa Hoàng Sa điện hạt nhân Mỹ Ấn Độ Thái Lan",
    "nguyễn phạm huỳnh dương ngoại giao thương mại chiến lược ổn định",
]


@pytest.fixture
def plain_static_files():
    """Overrides the project-wide autouse fixture: these tests use no Django settings."""


@pytest.fixture(autouse=True)
def english_hints():
    with translation.override("en"):
        yield


def every_toned_vowel() -> list[str]:
    return [
        unicodedata.normalize("NFC", vowel + tone)
        for vowel in VIETNAMESE_VOWELS
        for tone in VIETNAMESE_TONE_MARKS
    ]


def marked_words(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html)


# --- fold and the fold table --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nhật Bản", "nhat ban"),
        ("ĐẤT HIẾM", "dat hiem"),
        ("Đài Loan", "dai loan"),
        ("Müller café", "muller cafe"),
        ("Søren Łódź", "soren lodz"),
    ],
)
def test_fold_for_search_gives_lowercase_ascii(text, folded):
    assert fold(text) == folded


def test_decomposed_text_folds_like_composed_text():
    composed = "Nhật Bản đất hiếm Thủ tướng"

    assert fold(unicodedata.normalize("NFD", composed)) == fold(composed)


def test_characters_outside_the_table_are_only_lowercased():
    assert fold("Москва 東京 Æther") == "москва 東京 æther"


@pytest.mark.parametrize("vowel", every_toned_vowel())
def test_every_toned_vowel_folds_to_its_bare_ascii_vowel_in_either_case(vowel):
    bare = fold(vowel).lower()  # the other fold, as a reference

    assert fold(vowel) == bare
    assert fold(vowel.upper()) == bare
    assert bare.isascii()


def test_real_vietnamese_words_fold_to_ascii_in_any_case():
    for phrase in REAL_VIETNAMESE_PHRASES:
        for variant in (phrase, phrase.upper(), phrase.lower()):
            assert fold(variant).isascii(), variant
            assert fold(variant) == fold(phrase).lower()


def test_fold_for_search_is_stable_when_applied_twice():
    once = fold("Quốc hội Việt Nam ĐÃ THÔNG QUA")

    assert fold(once) == once


# --- The same fold in PostgreSQL ------------------------------------------------------------


@pytest.mark.django_db
def test_postgresql_folds_exactly_as_python_does():
    samples = [
        *REAL_VIETNAMESE_PHRASES,
        *(phrase.upper() for phrase in REAL_VIETNAMESE_PHRASES),
        *every_toned_vowel(),
        "ĐẤT HIẾM Đài Loan đ",
        "Müller café Ñandú",
        "Москва 東京 Æther",
        unicodedata.normalize("NFD", "Nhật Bản"),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT newsreader_fold(sample) FROM unnest(%s::text[]) AS sample", [samples]
        )
        folded_in_sql = [row[0] for row in cursor.fetchall()]

    assert folded_in_sql == [fold(sample) for sample in samples]


# --- parse_query -------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [None, "", "   ", "\x00\x00", "\u200d\u200f\u202e", "\u0301"])
def test_empty_queries_ask_for_a_word(raw):
    query = parse_query(raw)

    assert query.text == ""
    assert not query.is_searchable
    assert query.hint == EMPTY_HINT


@pytest.mark.parametrize(
    "raw", ["!!!", '"', "-", "& | ! ( ) : * '", "OR", '-"" OR', "😀 🇻🇳", "— … ·"]
)
def test_queries_without_words_are_not_searchable(raw):
    query = parse_query(raw)

    assert not query.is_searchable
    assert query.hint == NO_WORDS_HINT


def test_a_long_query_is_cut_at_a_word_boundary_with_a_hint():
    raw = " ".join(["Nhật"] * 2500)

    query = parse_query(raw)

    assert len(query.text) <= MAX_QUERY_CHARS
    assert set(query.text.split()) == {"Nhật"}
    assert query.hint == SHORTENED_HINT
    assert query.is_searchable


def test_a_long_query_without_spaces_is_cut_at_the_limit():
    query = parse_query("x" * 10_000)

    assert query.text == "x" * MAX_QUERY_CHARS
    assert query.hint == SHORTENED_HINT


def test_nul_bytes_and_control_characters_are_removed():
    query = parse_query("Nhật\x00 Bản\x07\tđất hi\x1bếm")

    assert query.text == "Nhật Bản đất hiếm"
    assert query.is_searchable
    assert query.hint == ""


def test_invisible_and_direction_marks_are_removed_and_emoji_kept():
    query = parse_query("\u202bHàn\u200d Quốc\u200f 🙂")

    assert query.text == "Hàn Quốc 🙂"
    assert query.folded == "han quoc 🙂"


def test_decomposed_vietnamese_becomes_composed():
    query = parse_query(unicodedata.normalize("NFD", "Việt Nam"))

    assert query.text == "Việt Nam"


def test_lone_surrogates_are_dropped_so_the_query_can_be_sent_to_postgresql():
    query = parse_query("Hà\ud800 Nội")

    assert query.text.encode("utf-8") == "Hà Nội".encode()


def test_whitespace_runs_and_line_breaks_collapse_to_single_spaces():
    assert parse_query("  Nhật \n\n  Bản\u00a0 ").text == "Nhật Bản"


def test_websearch_phrases_or_and_exclusion_survive_folding():
    query = parse_query('"nhật bản" OR "hàn quốc" -trung')

    assert query.text == '"nhật bản" OR "hàn quốc" -trung'
    assert query.folded == '"nhat ban" OR "han quoc" -trung'


def test_only_a_standalone_uppercase_or_stays_an_operator():
    assert parse_query("ORIENT Or or OR Nhật").folded == "orient or or OR nhat"


def test_diacritics_are_noticed_only_when_typed():
    assert parse_query("Nhật").has_diacritics
    assert not parse_query("nhat").has_diacritics


def test_a_fine_query_has_no_hint():
    query = parse_query("dat hiem")

    assert query.is_searchable
    assert query.hint == ""


# --- query_terms -------------------------------------------------------------------------------


def test_query_terms_are_the_positive_folded_words_in_order_without_repeats():
    query = parse_query('"Nhật Bản" OR Nhật -trung -"Hàn Quốc" đất-hiếm')

    assert query_terms(query) == ["nhat", "ban", "dat", "hiem"]


# --- highlight_snippet -------------------------------------------------------------------------


def test_folded_query_marks_vietnamese_words_with_diacritics():
    html = highlight_snippet("Thủ tướng Nhật Bản thăm Hà Nội.", parse_query("nhat ban"))

    assert marked_words(html) == ["Nhật", "Bản"]


def test_one_query_word_marks_it_wherever_it_appears():
    html = highlight_snippet("Nhật Bản và người Nhật", parse_query("nhat"))

    assert marked_words(html) == ["Nhật", "Nhật"]


def test_stroked_d_is_matched_by_plain_d():
    html = highlight_snippet("Giá đất hiếm tăng mạnh.", parse_query("dat hiem"))

    assert marked_words(html) == ["đất", "hiếm"]


def test_english_plural_and_singular_mark_each_other():
    text = "The treaty was one of many treaties; new sanctions followed the treatment."

    assert marked_words(highlight_snippet(text, parse_query("treaties"))) == [
        "treaty",
        "treaties",
    ]
    assert marked_words(highlight_snippet(text, parse_query("sanction"))) == ["sanctions"]


def test_short_english_words_match_only_exactly():
    html = highlight_snippet("The war in Warsaw warned wars", parse_query("war"))

    assert marked_words(html) == ["war"]


def test_excluded_terms_and_or_are_not_marked():
    text = "Nhật Bản, Trung Quốc or Hàn Quốc"

    html = highlight_snippet(text, parse_query('nhat OR "han quoc" -trung'))

    assert marked_words(html) == ["Nhật", "Quốc", "Hàn", "Quốc"]
    assert "<mark>Trung</mark>" not in html
    assert "<mark>or</mark>" not in html


def test_markup_in_the_text_is_escaped():
    html = highlight_snippet("Nhật <script>alert('x')</script>", parse_query("script"))

    assert "<script>" not in html
    assert "&lt;<mark>script</mark>&gt;" in html


def test_an_ampersand_is_escaped_exactly_once():
    html = highlight_snippet("AT&T và Nhật", parse_query("nhat"))

    assert "AT&amp;T" in html
    assert "&amp;amp;" not in html


def test_a_query_matching_entity_names_never_marks_inside_an_escaped_entity():
    html = highlight_snippet("Tom & Jerry", parse_query("amp"))

    assert html == "Tom &amp; Jerry"


def test_a_match_deep_in_the_text_gets_ellipses_on_both_sides():
    words = [f"w{number}" for number in range(100)]
    words[50] = "Nhật"

    html = highlight_snippet(" ".join(words), parse_query("nhat"), max_words=10)

    assert html.startswith("… w45 ")
    assert html.endswith(" w54 …")
    assert "<mark>Nhật</mark>" in html


def test_a_match_near_the_end_still_fills_the_excerpt():
    words = [f"w{number}" for number in range(30)]
    words[29] = "Nhật"

    html = highlight_snippet(" ".join(words), parse_query("nhat"), max_words=10)

    assert html == "… w20 w21 w22 w23 w24 w25 w26 w27 w28 <mark>Nhật</mark>"


def test_without_a_match_the_excerpt_is_the_start_of_the_text():
    text = " ".join(f"w{number}" for number in range(100))

    html = highlight_snippet(text, parse_query("nhat"), max_words=5)

    assert html == "w0 w1 w2 w3 w4 …"


def test_a_short_text_is_shown_whole_without_ellipses():
    assert highlight_snippet("Hà Nội", parse_query("")) == "Hà Nội"


@pytest.mark.parametrize(
    ("query", "phrases"),
    [
        ('"tên lửa"', ["tên lửa"]),
        ('a "b c" d "e f g"', ["b c", "e f g"]),
        ('x -"b c"', []),  # left out, not required
        ('"b c" OR d', []),  # one alternative, not required
        ('"a OR b" c', ["a OR b"]),  # an OR inside quotes is a word
        ('"một"', []),  # one word: no pairs
        ('"unclosed phrase', []),
    ],
)
def test_required_phrases_are_the_quoted_ones_every_match_must_hold(query, phrases):
    assert required_phrases(query) == phrases


@pytest.mark.parametrize(
    ("query", "only_pairs"),
    [
        ('"tên lửa"', True),
        ('"tên lửa" "đạn đạo"', True),
        ('"tên lửa" -Nga', True),  # the exclusion is checked apart
        ('"tên lửa" -"Triều Tiên"', True),
        ('"tên lửa" Nga', False),  # a word outside the phrase
        ('"tên lửa đạn đạo"', False),  # three words: the pairs may not be in a row
        ('"U.S. sanctions"', False),  # punctuation the text parser may split on
        ('"tên lửa" OR Nga', False),
        ("tên lửa", False),
    ],
)
def test_only_two_word_phrases_are_matched_by_their_pair_alone(query, only_pairs):
    assert is_only_word_pairs(query) is only_pairs
