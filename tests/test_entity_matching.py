import unicodedata
from pathlib import Path

import pytest

from articles.entities.matching import Alias, Gazetteer, Mention, highlight_mentions, segment_words

UNITED_STATES, JAPAN, BLINKEN, AUSTIN, KISHIDA, NORTH_KOREA = 1, 2, 3, 4, 5, 6
RUSSIA, CHINA, TAIWAN, UKRAINE, REUTERS, NATO, PENTAGON = 7, 8, 9, 10, 11, 12, 13
SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "000_c7c1a47f91e5f97c.txt"


@pytest.fixture
def plain_static_files():
    """Overrides the project-wide autouse fixture: these tests use no Django settings."""


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer(
        [
            Alias("Mỹ", "vi", UNITED_STATES),
            Alias("Hoa Kỳ", "vi", UNITED_STATES),
            Alias("nước Mỹ", "vi", UNITED_STATES),
            Alias("United States", "en", UNITED_STATES),
            Alias("U.S.", "en", UNITED_STATES),
            Alias("US", "en", UNITED_STATES),
            Alias("Nhật Bản", "vi", JAPAN),
            Alias("Nhật", "vi", JAPAN),
            Alias("Japan", "en", JAPAN),
            Alias("Antony Blinken", "", BLINKEN),
            Alias("Blinken", "", BLINKEN),
            Alias("Lloyd Austin", "", AUSTIN),
            Alias("Fumio Kishida", "", KISHIDA),
            Alias("Triều Tiên", "vi", NORTH_KOREA),
            Alias("Nga", "vi", RUSSIA),
            Alias("Trung Quốc", "vi", CHINA),
            Alias("Bắc Kinh", "vi", CHINA),
            Alias("Đài Loan", "vi", TAIWAN),
            Alias("Ukraine", "", UKRAINE),
            Alias("Reuters", "", REUTERS),
            Alias("NATO", "", NATO),
            Alias("Bộ Quốc phòng Mỹ", "vi", PENTAGON),
        ]
    )


def found(gazetteer: Gazetteer, text: str, language: str = "vi") -> list[tuple[str, int]]:
    return [
        (mention.text, mention.entity_id) for mention in gazetteer.find_mentions(text, language)
    ]


# --- Longest match -----------------------------------------------------------------------------


def test_hoa_ky_is_matched_whole_rather_than_its_first_syllable():
    gazetteer = Gazetteer([Alias("Hoa", "vi", 99), Alias("Hoa Kỳ", "vi", UNITED_STATES)])

    assert found(gazetteer, "Quan hệ với Hoa Kỳ và với Hoa.") == [
        ("Hoa Kỳ", UNITED_STATES),
        ("Hoa", 99),
    ]


def test_nuoc_my_is_matched_whole_rather_than_my(gazetteer):
    assert found(gazetteer, "Quân đội của nước Mỹ rất mạnh.") == [("nước Mỹ", UNITED_STATES)]


def test_the_us_defence_ministry_is_not_counted_as_the_us(gazetteer):
    assert found(gazetteer, "Theo Bộ Quốc phòng Mỹ, cuộc tập trận đã kết thúc.") == [
        ("Bộ Quốc phòng Mỹ", PENTAGON)
    ]


def test_mentions_come_in_text_order_with_offsets_into_the_text(gazetteer):
    text = "Nga và Trung Quốc"

    assert gazetteer.find_mentions(text, "vi") == [
        Mention(RUSSIA, 0, 3, "Nga"),
        Mention(CHINA, 7, 17, "Trung Quốc"),
    ]


def test_alias_spacing_need_not_match_the_text_exactly():
    gazetteer = Gazetteer([Alias("  Hoa   Kỳ ", "vi", UNITED_STATES)])

    assert found(gazetteer, "Đại sứ Hoa Kỳ đến.") == [("Hoa Kỳ", UNITED_STATES)]


def test_an_alias_does_not_run_across_a_line_break(gazetteer):
    assert found(gazetteer, "Hoa\nKỳ") == []


# --- Case --------------------------------------------------------------------------------------


def test_lowercase_us_in_english_is_not_the_united_states(gazetteer):
    assert found(gazetteer, "The US told us so.", "en") == [("US", UNITED_STATES)]


def test_lowercase_my_in_my_thuat_is_not_the_united_states(gazetteer):
    assert found(gazetteer, "Cô ấy học mỹ thuật ở Hà Nội.") == []


@pytest.mark.parametrize(
    "text",
    [
        "Nước Mỹ đã phản đối.",
        "Họ nói vậy. Nước Mỹ đã phản đối.",
        "Họ nói vậy.\n“Nước Mỹ đã phản đối.”",
    ],
)
def test_a_lowercase_alias_matches_capitalised_at_a_sentence_start(gazetteer, text):
    assert found(gazetteer, text) == [("Nước Mỹ", UNITED_STATES)]


def test_a_lowercase_alias_does_not_match_capitalised_inside_a_sentence(gazetteer):
    assert found(gazetteer, "Ông nói rằng Nước Mỹ đã phản đối.") == [("Mỹ", UNITED_STATES)]


def test_a_capitalised_alias_does_not_match_lowercase_at_a_sentence_start(gazetteer):
    assert found(gazetteer, "Nga nói vậy. nga hoàng nói. mỹ nhân nói.") == [("Nga", RUSSIA)]


# --- Diacritics --------------------------------------------------------------------------------


def test_my_without_diacritics_is_not_the_united_states(gazetteer):
    assert found(gazetteer, "Bà My và ông Nhat đến Trung Quoc.") == []


def test_decomposed_text_is_matched_with_offsets_into_the_text_given(gazetteer):
    text = unicodedata.normalize("NFD", "Đại sứ Hoa Kỳ tại Nhật Bản")

    mentions = gazetteer.find_mentions(text, "vi")

    assert [mention.entity_id for mention in mentions] == [UNITED_STATES, JAPAN]
    assert [text[mention.start : mention.end] for mention in mentions] == [
        mention.text for mention in mentions
    ]
    assert unicodedata.normalize("NFC", mentions[1].text) == "Nhật Bản"


def test_a_decomposed_alias_matches_composed_text():
    gazetteer = Gazetteer([Alias(unicodedata.normalize("NFD", "Đài Loan"), "vi", TAIWAN)])

    assert found(gazetteer, "Eo biển Đài Loan") == [("Đài Loan", TAIWAN)]


# --- Vietnamese word boundaries ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Tôi sinh ra ở Mỹ Tho, Tiền Giang.",
        "Mỹ Tho là thành phố bên sông Tiền.",
        "Cô ấy viết nhật ký mỗi tối.",
        "Nhật ký của tôi nằm trên bàn.",
        "Hôm nay là chủ nhật.",
        "Hẹn gặp vào Chủ Nhật này.",
        "Chúc mừng sinh nhật em.",
        "Ông từng học ở Trường Cao đẳng Mỹ thuật Đông Dương.",
        "Ông Nguyễn Văn Mỹ phát biểu.",
    ],
)
def test_a_syllable_of_a_longer_vietnamese_word_is_not_an_entity(gazetteer, text):
    assert found(gazetteer, text) == []


def test_my_tho_is_not_the_united_states_but_my_in_the_same_sentence_is(gazetteer):
    assert found(gazetteer, "Người Mỹ ở Mỹ Tho.") == [("Mỹ", UNITED_STATES)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ngoại trưởng Mỹ Antony Blinken cho biết hôm 6/1.",
            [("Mỹ", UNITED_STATES), ("Antony Blinken", BLINKEN)],
        ),
        (
            "Bộ trưởng Quốc phòng Mỹ Lloyd Austin cũng khẳng định.",
            [("Mỹ", UNITED_STATES), ("Lloyd Austin", AUSTIN)],
        ),
        (
            "Ông Blinken cho hay, liên minh Mỹ – Nhật vững mạnh.",
            [("Blinken", BLINKEN), ("Mỹ", UNITED_STATES), ("Nhật", JAPAN)],
        ),
        ("Mỹ và Nhật Bản sẽ ký một thỏa thuận.", [("Mỹ", UNITED_STATES), ("Nhật Bản", JAPAN)]),
        (
            "Nga, Trung Quốc và Mỹ cũng đang chạy đua.",
            [("Nga", RUSSIA), ("Trung Quốc", CHINA), ("Mỹ", UNITED_STATES)],
        ),
        ("Thủ tướng Nhật Fumio Kishida.", [("Nhật", JAPAN), ("Fumio Kishida", KISHIDA)]),
        (
            "Hợp tác Mỹ – Nhật (Ảnh: Reuters)",
            [("Mỹ", UNITED_STATES), ("Nhật", JAPAN), ("Reuters", REUTERS)],
        ),
    ],
)
def test_a_country_named_next_to_other_names_is_linked(gazetteer, text, expected):
    assert found(gazetteer, text) == expected


def test_a_foreign_name_after_a_country_does_not_hide_it(gazetteer):
    assert found(gazetteer, "Thủ tướng Nhật Kishida và Tổng thống Nga Putin.") == [
        ("Nhật", JAPAN),
        ("Nga", RUSSIA),
    ]


def test_unambiguous_text_is_not_segmented(gazetteer):
    segment_words.cache_clear()

    found(gazetteer, "Mỹ và Nhật Bản sẽ ký một thỏa thuận, Ngoại trưởng Mỹ Antony Blinken nói.")

    assert segment_words.cache_info().misses == 0


def test_only_the_sentence_in_doubt_is_segmented(gazetteer):
    segment_words.cache_clear()

    found(gazetteer, "Mỹ và Nhật Bản ký thỏa thuận. Tôi về Mỹ Tho. Nga phản đối.")

    assert segment_words.cache_info().misses == 1


# --- English -----------------------------------------------------------------------------------


def test_us_with_dots_is_one_word(gazetteer):
    assert found(gazetteer, "Officials in the U.S. said so.", "en") == [("U.S.", UNITED_STATES)]


def test_a_us_drafted_resolution_mentions_the_us(gazetteer):
    assert found(gazetteer, "A U.S.-drafted resolution.", "en") == [("U.S.", UNITED_STATES)]


def test_united_states_is_matched_whole_in_english(gazetteer):
    assert found(gazetteer, "The United States and Japan met NATO.", "en") == [
        ("United States", UNITED_STATES),
        ("Japan", JAPAN),
        ("NATO", NATO),
    ]


# --- Languages ---------------------------------------------------------------------------------


def test_an_english_alias_is_not_matched_in_vietnamese_text(gazetteer):
    assert found(gazetteer, "Japan và United States", "vi") == []


def test_a_vietnamese_alias_is_not_matched_in_english_text(gazetteer):
    assert found(gazetteer, "Nhật Bản and Mỹ", "en") == []


def test_a_language_neutral_alias_is_matched_in_both_languages(gazetteer):
    assert found(gazetteer, "Reuters đưa tin.", "vi") == [("Reuters", REUTERS)]
    assert found(gazetteer, "Reuters reported.", "en") == [("Reuters", REUTERS)]


def test_an_alias_for_the_language_wins_over_a_neutral_one_with_the_same_text():
    gazetteer = Gazetteer([Alias("Georgia", "", 20), Alias("Georgia", "en", 21)])

    assert found(gazetteer, "Georgia", "en") == [("Georgia", 21)]
    assert found(gazetteer, "Georgia", "vi") == [("Georgia", 20)]


# --- Counting ----------------------------------------------------------------------------------


def test_mentions_are_counted_over_all_texts(gazetteer):
    counts = gazetteer.count_mentions(
        [
            ("Mỹ và Nhật Bản. Hoa Kỳ và Mỹ Tho.", "vi"),
            ("The U.S. and Japan. The United States.", "en"),
        ]
    )

    assert counts == {UNITED_STATES: 4, JAPAN: 2}


# --- Highlighting ------------------------------------------------------------------------------


def test_highlighting_escapes_markup_in_the_text():
    html = highlight_mentions("<script>alert(1)</script> Mỹ", [], lambda entity_id: None)

    assert html == "&lt;script&gt;alert(1)&lt;/script&gt; Mỹ"


def test_highlighting_wraps_mentions_in_links(gazetteer):
    text = "Mỹ & <b>Nhật</b>"
    mentions = gazetteer.find_mentions(text, "vi")

    html = highlight_mentions(text, mentions, {UNITED_STATES: "/entities/us/?a=1&b=2"}.get)

    assert html == (
        '<a href="/entities/us/?a=1&amp;b=2"><mark class="mention">Mỹ</mark></a>'
        ' &amp; &lt;b&gt;<mark class="mention">Nhật</mark>&lt;/b&gt;'
    )


def test_highlighting_skips_overlapping_and_out_of_range_mentions():
    mentions = [Mention(1, 0, 3, "abc"), Mention(2, 1, 2, "b"), Mention(3, 2, 99, "c")]

    html = highlight_mentions("abcd", mentions, lambda entity_id: None)

    assert html == '<mark class="mention">abc</mark>d'


# --- The sample article ------------------------------------------------------------------------


@pytest.mark.skipif(not SAMPLE.exists(), reason="the shared sample article is not here")
def test_every_country_and_person_in_the_sample_article_is_found():
    gazetteer = Gazetteer(
        [
            Alias("Mỹ", "vi", UNITED_STATES),
            Alias("Hoa Kỳ", "vi", UNITED_STATES),
            Alias("Nhật Bản", "vi", JAPAN),
            Alias("Nhật", "vi", JAPAN),
            Alias("Blinken", "", BLINKEN),
            Alias("Lloyd Austin", "", AUSTIN),
            Alias("Fumio Kishida", "", KISHIDA),
            Alias("Triều Tiên", "vi", NORTH_KOREA),
            Alias("Nga", "vi", RUSSIA),
            Alias("Trung Quốc", "vi", CHINA),
            Alias("Bắc Kinh", "vi", CHINA),
            Alias("Đài Loan", "vi", TAIWAN),
            Alias("Ukraine", "", UKRAINE),
            Alias("Reuters", "", REUTERS),
        ]
    )

    counts = gazetteer.count_mentions([(SAMPLE.read_text(encoding="utf-8"), "vi")])

    assert counts == {
        UNITED_STATES: 9,
        JAPAN: 12,
        BLINKEN: 4,
        AUSTIN: 1,
        KISHIDA: 1,
        NORTH_KOREA: 3,
        RUSSIA: 2,
        CHINA: 2,
        TAIWAN: 2,
        UKRAINE: 1,
        REUTERS: 1,
    }
