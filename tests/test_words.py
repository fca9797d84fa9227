"""Vietnamese words of several syllables, in an article's text and in a query."""

import pytest

from articles.words import (
    Vocabulary,
    by_form,
    query_words,
    stored_words,
    text_words,
    word_candidates,
)


@pytest.fixture
def plain_static_files():
    """Overrides the project-wide autouse fixture: these tests use no Django settings."""


def test_neighbouring_syllables_are_read_as_the_fewest_words_of_the_word_list():
    assert text_words("Bộ quốc phòng không quân và an ninh mạng") == [
        *("bộ", "quốc_phòng", "không_quân", "và", "an_ninh", "mạng"),
    ]


def test_syllables_of_two_words_side_by_side_make_no_word_of_their_own():
    assert "quốc_phòng" not in text_words("Quân đội Hàn Quốc phóng pháo sáng.", [(9, 17)])
    assert text_words("Hàn Quốc phóng", [(0, 8)]) == ["hàn_quốc", "phóng"]


def test_punctuation_and_line_breaks_part_words():
    assert text_words("quốc, phòng\nan\nninh") == ["quốc", "phòng", "an", "ninh"]


def test_a_name_is_one_word_and_the_words_inside_it_are_words_too():
    assert text_words("Theo Bộ Quốc phòng Mỹ, tin", [(5, 21)]) == [
        *("theo", "bộ_quốc_phòng_mỹ", "quốc_phòng", "tin"),
    ]


def test_words_are_lowercase_with_tone_marks_placed_one_way():
    assert text_words("Hoà bình và THUỶ ĐIỆN") == ["hòa_bình", "và", "thủy_điện"]


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary(["Biển Đông", "Nhật Bản"])


def read(typed: str, vocabulary: Vocabulary, counts: dict[str, int]) -> list[tuple]:
    words = query_words(typed.split(), vocabulary, counts)
    return [(word.typed, word.forms) for word in words]


def test_an_unaccented_word_may_be_any_of_its_forms_the_articles_hold_most_held_first(
    vocabulary,
):
    counts = {"biến động": 30, "biển đông": 10}

    assert word_candidates(["bien", "dong"], vocabulary) >= {"biến động", "biển đông"}
    assert read("bien dong", vocabulary, counts) == [("bien dong", ("biến động", "biển đông"))]


def test_a_syllable_typed_with_its_marks_keeps_them_in_the_word(vocabulary):
    counts = {"biến động": 30, "biển đông": 10}

    assert read("biển dong", vocabulary, counts) == [("biển dong", ("biển đông",))]
    assert read("biển đông", vocabulary, counts) == [("biển đông", ("biển đông",))]


def test_a_query_is_read_as_the_words_the_articles_hold_more(vocabulary):
    counts = {"tàu ngầm": 50, "ngâm nga": 1}

    assert read("tau ngam nga", vocabulary, counts) == [("tau ngam", ("tàu ngầm",)), ("nga", ())]


def test_a_word_no_article_holds_is_read_syllable_by_syllable(vocabulary):
    assert read("quoc phong", vocabulary, {}) == [("quoc", ()), ("phong", ())]


def test_a_form_without_marks_is_counted_apart_from_the_forms_that_fold_to_it():
    counted = {"chinh phu": 7, "chính phủ": 5, "chinh phụ": 1}

    assert by_form(counted) == {"chinh phu": 1, "chính phủ": 5, "chinh phụ": 1}


def test_an_articles_words_are_stored_as_written_then_folded():
    parts = [text_words("Quốc phòng"), text_words("An ninh và hoà bình"), []]

    assert stored_words(parts) == (
        "quốc_phòng\nan_ninh và hòa_bình\n\nquoc_phong\nan_ninh va hoa_binh\n"
    )
