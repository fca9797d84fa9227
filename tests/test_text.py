import unicodedata

import pytest

from articles.text import count_words, fold, normalize_text, normalize_tones, slugify_vi


@pytest.fixture
def plain_static_files():
    """Overrides the project-wide autouse fixture: these tests use no Django settings."""


# --- normalize_text ----------------------------------------------------------------------------


def test_leading_byte_order_mark_is_removed():
    assert normalize_text("\ufeffHà Nội") == "Hà Nội"


@pytest.mark.parametrize("line_break", ["\r\n", "\r"])
def test_windows_and_old_mac_line_breaks_become_newlines(line_break):
    assert normalize_text(f"Dòng một{line_break}Dòng hai") == "Dòng một\nDòng hai"


def test_decomposed_vietnamese_comes_out_composed():
    decomposed = unicodedata.normalize("NFD", "Nhật Bản đất hiếm")

    assert normalize_text(decomposed) == "Nhật Bản đất hiếm"


@pytest.mark.parametrize("space", ["\u00a0", "\u2009", "\u202f", "\u3000", "\t"])
def test_unusual_spaces_become_plain_spaces(space):
    assert normalize_text(f"Hà{space}Nội") == "Hà Nội"


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad"])
def test_invisible_characters_inside_words_are_removed(invisible):
    assert normalize_text(f"quốc{invisible}phòng") == "quốcphòng"


def test_runs_of_spaces_and_tabs_collapse_to_one_space():
    assert normalize_text("Mỹ  \t và \u00a0 Nhật") == "Mỹ và Nhật"


def test_each_line_is_stripped_at_both_ends():
    assert normalize_text("  Dòng một \n\tDòng hai\u00a0") == "Dòng một\nDòng hai"


def test_blank_lines_are_kept_so_line_structure_survives():
    assert normalize_text("Đoạn một\n \nĐoạn hai") == "Đoạn một\n\nĐoạn hai"


def test_en_dash_inside_text_survives():
    assert normalize_text("Hợp tác Mỹ – Nhật") == "Hợp tác Mỹ – Nhật"


# --- fold --------------------------------------------------------------------------


def test_vietnamese_tone_marks_and_accents_are_removed():
    assert fold("Nhật Bản đất hiếm Đài Loan") == "nhat ban dat hiem dai loan"


def test_d_with_stroke_folds_to_d_in_both_cases():
    assert fold("đĐ") == "dd"


def test_folding_ignores_letter_case():
    assert fold("ỨNG PHÓ ứng phó") == "ung pho ung pho"


def test_other_latin_accents_are_removed_too():
    assert fold("Café Ñandú Zürich") == "cafe nandu zurich"


def test_decomposed_input_folds_like_composed_input():
    decomposed = unicodedata.normalize("NFD", "Quốc phòng")

    assert fold(decomposed) == "quoc phong"


# --- slugify_vi -------------------------------------------------------------------------------


def test_vietnamese_title_becomes_an_ascii_slug():
    slug = slugify_vi("Mỹ và Nhật Bản sẽ ký thỏa thuận quốc phòng mới")

    assert slug == "my-va-nhat-ban-se-ky-thoa-thuan-quoc-phong-moi"


def test_d_with_stroke_is_kept_as_d_in_slugs():
    assert slugify_vi("Đài Loan đe dọa") == "dai-loan-de-doa"


def test_long_slug_is_cut_between_words():
    assert slugify_vi("Mỹ và Nhật Bản sẽ ký thỏa thuận", max_length=16) == "my-va-nhat-ban"


def test_slug_that_fits_exactly_keeps_its_last_word():
    assert slugify_vi("Mỹ và Nhật Bản", max_length=14) == "my-va-nhat-ban"


def test_single_word_longer_than_the_limit_is_cut_hard():
    assert slugify_vi("Siêuthanhsiêuthanh", max_length=8) == "sieuthan"


@pytest.mark.parametrize("text", ["", "   ", "!!! – ???", "“”"])
def test_slug_of_text_without_letters_falls_back_to_article(text):
    assert slugify_vi(text) == "article"


# --- count_words ------------------------------------------------------------------------------


def test_words_are_counted_between_any_whitespace():
    assert count_words("Mỹ và\nNhật  Bản\tký") == 5


def test_empty_text_has_no_words():
    assert count_words("  \n ") == 0


@pytest.mark.parametrize(
    ("written", "normalized"),
    [
        ("hoà bình", "hòa bình"),
        ("Thuỵ Sĩ", "Thụy Sĩ"),
        ("khoẻ", "khỏe"),
        ("toà án", "tòa án"),
        ("tuỳ", "tùy"),
        ("quý", "quý"),  # the u belongs to qu
        ("khuỷu", "khuỷu"),  # a closed syllable: one place only
        ("hoàng", "hoàng"),
        ("trí tuệ", "trí tuệ"),  # the ê carries the tone: no other place
        ("thuế", "thuế"),
        ("Nguyễn", "Nguyễn"),
    ],
)
def test_tone_marks_placed_either_way_come_out_placed_one_way(written, normalized):
    assert normalize_tones(written) == normalized
    assert normalize_tones(normalized) == normalized
