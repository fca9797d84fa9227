import unicodedata
from pathlib import Path

import pytest

from ingest.parsing import ParsedText, ParseError, decode_raw, derive_title, parse_article

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
SAMPLE = SAMPLES / "000_c7c1a47f91e5f97c.txt"

SAMPLE_LEAD = (
    "Mỹ và Nhật Bản sẽ ký một thỏa thuận hợp tác quốc phòng mới nhằm ứng phó với các mối đe dọa"
    " quốc phòng đang nổi lên, bao gồm khả năng siêu thanh và khả năng không gian, Ngoại trưởng"
    " Mỹ Antony Blinken cho biết hôm 6/1."
)

# An article from another outlet, built line by line for the variants below.
LEAD = "Giá vàng thế giới tăng mạnh trong phiên giao dịch hôm thứ Hai sau khi đồng USD suy yếu."
BODY = (
    "Các nhà đầu tư đổ tiền vào kim loại quý khi lo ngại lạm phát gia tăng ở nhiều nền kinh tế.",
    "Theo các chuyên gia, giá vàng có thể còn biến động mạnh trong những tuần tới.",
)
EN_LEAD = "World gold prices rose sharply on Monday after the US dollar weakened."
EN_BODY = (
    "Investors poured money into the precious metal amid fears of rising inflation.",
    "According to analysts, gold prices may remain volatile in the coming weeks.",
)


@pytest.fixture
def plain_static_files():
    """Overrides the project-wide autouse fixture: these tests use no Django settings."""


def article(*blocks: str, separator: str = "\n\n") -> str:
    return separator.join(blocks)


def parse(*blocks: str, language: str = "vi") -> ParsedText:
    return parse_article(article(*blocks), language)


# --- The real sample --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> ParsedText:
    if not SAMPLE.exists():
        pytest.skip(f"sample article {SAMPLE} is not available")
    return parse_article(SAMPLE.read_text(encoding="utf-8"))


def test_sample_title_is_the_lead_cut_before_its_purpose_clause(sample):
    assert sample.title == "Mỹ và Nhật Bản sẽ ký một thỏa thuận hợp tác quốc phòng mới"


def test_sample_lead_is_the_first_paragraph_word_for_word(sample):
    assert sample.lead == SAMPLE_LEAD


def test_sample_has_ten_body_paragraphs(sample):
    assert len(sample.paragraphs) == 10


def test_sample_body_starts_with_the_ministers_meeting(sample):
    assert sample.paragraphs[0] == (
        "Các bộ trưởng ngoại giao và quốc phòng của Hoa Kỳ và Nhật Bản đã gặp nhau để thảo luận về"
        " việc tăng cường quan hệ an ninh, tập trung vào vai trò của Nhật Bản trong bối cảnh căng"
        " thẳng gia tăng liên quan đến Đài Loan cũng như mối đe dọa tên lửa của Triều Tiên."
    )


def test_sample_body_ends_with_the_sentence_that_starts_with_theo(sample):
    assert sample.paragraphs[-1] == (
        "Theo ông Blinken, hai quốc gia cũng sẽ ký một hiệp định mới kéo dài 5 năm, bao gồm Mỹ"
        " tiếp tục đồn trú lực lượng tại Nhật Bản, trong một thỏa thuận mà Nhật Bản đồng ý chi trả"
        " 9,3 tỷ USD để chia sẻ việc duy trì các lực lượng Mỹ tại Nhật Bản trong 5 năm."
    )


def test_sample_caption_keeps_its_en_dash(sample):
    assert sample.caption == "Hợp tác Mỹ – Nhật"


def test_sample_photo_credit_is_split_from_the_caption(sample):
    assert sample.credit == "White House Photo, D. Myles Cullen"


def test_sample_byline_gives_the_author(sample):
    assert sample.author == "Minh Ngọc"


def test_sample_byline_gives_the_source_outlet(sample):
    assert sample.source == "Reuters"


def test_sample_id_line_is_not_shown_as_text(sample):
    assert not any("39447380014" in block for block in sample.blocks)


def test_sample_empty_see_more_block_is_dropped(sample):
    assert not any("Xem thêm" in block for block in sample.blocks)


def test_sample_byline_is_not_shown_as_a_paragraph(sample):
    assert "Minh Ngọc (Theo Reuters)" not in sample.blocks


# --- Text layout and encoding variants --------------------------------------------------------


def test_lead_is_the_first_paragraph_and_the_rest_is_the_body():
    parsed = parse(LEAD, *BODY)

    assert (parsed.lead, parsed.paragraphs) == (LEAD, BODY)


def test_single_newlines_separate_paragraphs_like_blank_lines():
    single = parse_article(article(LEAD, *BODY, separator="\n"))

    assert single == parse(LEAD, *BODY)


def test_crlf_bom_and_decomposed_vietnamese_parse_like_clean_text():
    clean = article(LEAD, "Giá vàng (Ảnh: Reuters)", *BODY, "Minh Ngọc (Theo Reuters)")
    messy = "\ufeff" + unicodedata.normalize("NFD", clean).replace("\n", "\r\n")

    assert parse_article(messy) == parse_article(clean)


def test_parsed_text_comes_out_composed_from_decomposed_input():
    parsed = parse_article(unicodedata.normalize("NFD", article(LEAD, *BODY)))

    assert parsed.lead == unicodedata.normalize("NFC", LEAD)


def test_decorative_separator_lines_are_dropped():
    assert parse(LEAD, "* * *", *BODY, "———").blocks == (LEAD, *BODY)


def test_article_without_any_text_is_refused():
    with pytest.raises(ParseError, match="no article text found"):
        parse("39447380014 aa3929ca2c k", "Xem thêm:")


def test_empty_article_is_refused():
    with pytest.raises(ParseError, match="no article text found"):
        parse_article(" \n\n ")


# --- Stray id/hash lines ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "id_line",
    [
        "39447380014 aa3929ca2c k",
        "a1b2c3d4e5",
        "1234567890",
        "AA3929CA2C 39447380014",
        "550e8400-e29b-41d4-a716-446655440000",
        "4471093388 2023 07",
    ],
)
def test_stray_id_lines_are_dropped(id_line):
    assert parse(LEAD, id_line, *BODY).blocks == (LEAD, *BODY)


@pytest.mark.parametrize(
    "short_line",
    ["Hà Nội", "2022", "2023 07", "G7", "COVID-19", "decade", "Năm 2022 có 365 ngày."],
)
def test_short_real_lines_are_not_mistaken_for_ids(short_line):
    assert short_line in parse(LEAD, short_line, *BODY).paragraphs


# --- Photo captions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "caption", "credit"),
    [
        ("Thị trường vàng (Ảnh: Reuters)", "Thị trường vàng", "Reuters"),
        ("Thị trường vàng [Ảnh: Reuters]", "Thị trường vàng", "Reuters"),
        ("Thị trường vàng. Ảnh: Reuters", "Thị trường vàng", "Reuters"),
        (
            "Người dân tiêm vắc xin tại Hà Nội - Ảnh: NAM TRẦN",
            "Người dân tiêm vắc xin tại Hà Nội",
            "NAM TRẦN",
        ),
        ("Thị trường vàng (Nguồn ảnh: Getty Images)", "Thị trường vàng", "Getty Images"),
        ("Thị trường vàng (Ảnh minh họa: AFP)", "Thị trường vàng", "AFP"),
        ("Thị trường vàng (ẢNH: TTXVN)", "Thị trường vàng", "TTXVN"),
        ("(Ảnh: Reuters)", "", "Reuters"),
        ("Thị trường vàng (Ảnh minh họa)", "Thị trường vàng", ""),
        ("Gold market (Photo: Reuters)", "Gold market", "Reuters"),
        ("Gold market (Image: Getty Images)", "Gold market", "Getty Images"),
        ("Gold market (Photo credit: AP)", "Gold market", "AP"),
    ],
)
def test_caption_is_split_from_its_photo_credit(line, caption, credit):
    parsed = parse(LEAD, line, *BODY)

    assert (parsed.caption, parsed.credit) == (caption, credit)


def test_caption_line_is_not_shown_as_a_paragraph():
    assert parse(LEAD, "Thị trường vàng (Ảnh: Reuters)", *BODY).paragraphs == BODY


def test_en_dash_inside_a_caption_survives():
    assert parse(LEAD, "Hợp tác Mỹ – Nhật (Ảnh: AP)", *BODY).caption == "Hợp tác Mỹ – Nhật"


def test_caption_before_the_lead_does_not_become_the_lead():
    assert parse("Thị trường vàng (Ảnh: Reuters)", LEAD, *BODY).lead == LEAD


def test_first_of_several_captions_is_the_caption():
    parsed = parse(LEAD, "Vàng miếng (Ảnh: AP)", BODY[0], "Nhà đầu tư (Ảnh: AFP)", BODY[1])

    assert parsed.caption == "Vàng miếng"


def test_later_captions_are_not_shown_as_paragraphs():
    parsed = parse(LEAD, "Vàng miếng (Ảnh: AP)", BODY[0], "Nhà đầu tư (Ảnh: AFP)", BODY[1])

    assert parsed.paragraphs == BODY


@pytest.mark.parametrize(
    "sentence",
    [
        "Ông nói rằng cuộc họp (theo Reuters) rất thành công.",
        "Trong bức ảnh: mọi người đều cười.",
        "The photo shows the minister arriving in Tokyo.",
    ],
)
def test_sentences_that_mention_photos_stay_paragraphs(sentence):
    assert sentence in parse(LEAD, sentence, *BODY).paragraphs


# --- Bylines ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("byline", "author", "source"),
    [
        ("Minh Ngọc (Theo Reuters)", "Minh Ngọc", "Reuters"),
        ("Theo VnExpress", "", "VnExpress"),
        ("(Theo VnExpress)", "", "VnExpress"),
        ("Theo Reuters, AFP", "", "Reuters, AFP"),
        ("Minh Ngọc - Theo Reuters", "Minh Ngọc", "Reuters"),
        ("Minh Ngọc / Theo AFP", "Minh Ngọc", "AFP"),
        ("Minh Ngọc, theo BBC", "Minh Ngọc", "BBC"),
        ("Nguồn: Reuters", "", "Reuters"),
        ("(Nguồn: Reuters)", "", "Reuters"),
        ("Hà Linh (tổng hợp)", "Hà Linh", ""),
        ("Thu Hà", "Thu Hà", ""),
        ("THANH BÌNH", "THANH BÌNH", ""),
        ("Nguồn: Bộ Y tế", "", "Bộ Y tế"),
        ("Thu Hà và Minh Ngọc (Theo AP)", "Thu Hà và Minh Ngọc", "AP"),
        ("Minh Ngoc (According to Reuters)", "Minh Ngoc", "Reuters"),
        ("(Reuters)", "", "Reuters"),
        ("Source: Reuters", "", "Reuters"),
        ("By Jane Doe", "Jane Doe", ""),
        ("By Jane Doe, Reuters", "Jane Doe", "Reuters"),
        ("Jane Doe (Reuters)", "Jane Doe", "Reuters"),
        ("Reporting by Jane Doe; Editing by John Roe", "Jane Doe", ""),
    ],
)
def test_byline_is_split_into_author_and_source(byline, author, source):
    parsed = parse(LEAD, *BODY, byline)

    assert (parsed.author, parsed.source) == (author, source)


def test_byline_is_not_shown_as_a_paragraph():
    assert parse(LEAD, *BODY, "Minh Ngọc (Theo Reuters)").paragraphs == BODY


def test_byline_over_two_lines_gives_author_and_source():
    parsed = parse(LEAD, *BODY, "Minh Ngọc", "Theo Reuters")

    assert (parsed.author, parsed.source, parsed.paragraphs) == ("Minh Ngọc", "Reuters", BODY)


@pytest.mark.parametrize(
    "final_paragraph",
    [
        "Theo ông Blinken, hai quốc gia cũng sẽ ký một hiệp định mới kéo dài 5 năm.",
        "Theo ông Blinken",
        "Hai bên sẽ họp lại vào tháng tới.",
        "Đây là lần đầu tiên hai nước ký thỏa thuận như vậy",
        "“Chúng tôi sẵn sàng”",
        "Thị trường vẫn chờ Fed.",
        "The talks will resume next month.",
        "By the end of the year",
    ],
)
def test_final_sentence_is_not_mistaken_for_a_byline(final_paragraph):
    assert parse(LEAD, *BODY, final_paragraph).paragraphs[-1] == final_paragraph


def test_lead_is_never_taken_for_a_byline():
    assert parse("Thu Hà").lead == "Thu Hà"


# --- "See more" blocks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "marker",
    [
        "Xem thêm:",
        "Xem thêm",
        "XEM THÊM:",
        "Đọc thêm:",
        "Tin liên quan",
        "Xem tiếp:",
        "See more:",
        "Read more:",
        "Related:",
    ],
)
def test_trailing_see_more_block_is_dropped(marker):
    assert parse(LEAD, *BODY, marker).blocks == (LEAD, *BODY)


def test_related_headlines_under_see_more_are_dropped():
    parsed = parse(
        LEAD, *BODY, "Tin liên quan:", "Giá dầu giảm mạnh nhất trong một tháng", "Fed giữ lãi suất"
    )

    assert parsed.blocks == (LEAD, *BODY)


def test_see_more_with_its_headline_on_the_same_line_is_dropped():
    assert parse(LEAD, *BODY, "Xem thêm: Giá dầu giảm mạnh nhất").blocks == (LEAD, *BODY)


def test_byline_before_a_see_more_block_is_still_found():
    parsed = parse(LEAD, *BODY, "Thu Hà (Theo AFP)", "Xem thêm:", "Giá dầu giảm mạnh")

    assert (parsed.author, parsed.source) == ("Thu Hà", "AFP")


def test_see_more_followed_by_article_text_is_kept():
    paragraph = "Xem thêm: các chuyên gia cho rằng giá vàng sẽ còn tăng trong quý tới."
    final = "Giới đầu tư vẫn thận trọng trước cuộc họp của Fed vào tuần sau."

    assert parse(LEAD, paragraph, final).paragraphs == (paragraph, final)


def test_sentence_starting_with_related_is_kept():
    sentence = "Related to this, the ministry said it would act."

    assert parse(EN_LEAD, sentence, language="en").paragraphs == (sentence,)


# --- English translations ---------------------------------------------------------------------


@pytest.fixture
def translation() -> ParsedText:
    return parse(
        EN_LEAD,
        "Gold market (Photo: Reuters)",
        *EN_BODY,
        "Minh Ngoc (According to Reuters)",
        "Read more:",
        "Oil falls to a one-month low",
        language="en",
    )


def test_translation_has_as_many_blocks_as_its_original(translation):
    original = parse(LEAD, "Thị trường vàng (Ảnh: Reuters)", *BODY, "Minh Ngọc (Theo Reuters)")

    assert len(translation.blocks) == len(original.blocks)


def test_translation_lead_and_body_are_its_text(translation):
    assert translation.blocks == (EN_LEAD, *EN_BODY)


def test_translation_caption_and_credit_are_split(translation):
    assert (translation.caption, translation.credit) == ("Gold market", "Reuters")


def test_translation_byline_gives_author_and_source(translation):
    assert (translation.author, translation.source) == ("Minh Ngoc", "Reuters")


def test_translation_title_comes_from_its_lead(translation):
    assert (
        translation.title == "World gold prices rose sharply on Monday after the US dollar weakened"
    )


# --- Provisional titles -----------------------------------------------------------------------


def test_title_is_cut_before_a_purpose_clause():
    assert derive_title(SAMPLE_LEAD) == "Mỹ và Nhật Bản sẽ ký một thỏa thuận hợp tác quốc phòng mới"


def test_title_is_the_first_clause_when_it_is_long_enough():
    lead = "Giá vàng thế giới tăng mạnh trong phiên hôm thứ Hai, lên mức cao nhất trong ba tháng."

    assert derive_title(lead) == "Giá vàng thế giới tăng mạnh trong phiên hôm thứ Hai"


def test_too_short_opening_clause_is_joined_with_the_next():
    lead = "Hôm 6/1, Bộ Quốc phòng Nhật Bản công bố kế hoạch mới, bao gồm việc mua thêm tên lửa."

    assert derive_title(lead) == "Hôm 6/1, Bộ Quốc phòng Nhật Bản công bố kế hoạch mới"


def test_title_stops_at_the_end_of_the_first_sentence():
    assert derive_title("Hà Nội mưa lớn. Nhiều tuyến phố ngập sâu.") == "Hà Nội mưa lớn"


def test_compound_word_is_not_taken_for_a_connective():
    lead = (
        "Nga muốn tự do hàng hải trong khu vực biển Đông rộng lớn và phức tạp để bảo đảm lợi ích"
        " của nước này"
    )

    assert (
        derive_title(lead) == "Nga muốn tự do hàng hải trong khu vực biển Đông rộng lớn và phức tạp"
    )


def test_outlet_tag_before_the_lead_is_left_out_of_the_title():
    lead = "(Dân trí) - Giá vàng hôm nay tiếp tục tăng mạnh trên thị trường thế giới."

    assert derive_title(lead) == "Giá vàng hôm nay tiếp tục tăng mạnh trên thị trường thế giới"


@pytest.mark.parametrize("tag", ["TTO - ", "VOV.VN - ", "HÀ NỘI - ", "(PLO)- "])
def test_outlet_code_before_the_lead_is_left_out_of_the_title(tag):
    assert derive_title(f"{tag}Mưa lớn gây ngập nhiều tuyến phố trong sáng nay.") == (
        "Mưa lớn gây ngập nhiều tuyến phố trong sáng nay"
    )


def test_short_capitals_before_a_dash_are_kept_in_the_title():
    lead = "EU - Trung Quốc đạt được thỏa thuận thương mại quan trọng."

    assert derive_title(lead) == "EU - Trung Quốc đạt được thỏa thuận thương mại quan trọng"


def test_quote_cut_in_the_middle_loses_its_opening_quote_mark():
    lead = (
        "“Chúng tôi đang khởi động một thỏa thuận nghiên cứu và phát triển mới, qua đó giúp các"
        " nhà khoa học hợp tác,” ông Blinken nói."
    )

    assert (
        derive_title(lead) == "Chúng tôi đang khởi động một thỏa thuận nghiên cứu và phát triển mới"
    )


def test_english_title_is_cut_before_to():
    lead = (
        "The United States and Japan will sign a new defence cooperation agreement to counter"
        " emerging threats, including hypersonic and space capabilities, US Secretary of State"
        " Antony Blinken said on Thursday."
    )

    assert (
        derive_title(lead, "en")
        == "The United States and Japan will sign a new defence cooperation agreement"
    )


def test_english_short_opening_clause_is_joined_with_the_next():
    lead = "On Thursday, Japan and Australia signed a landmark defence pact. It is their first."

    assert (
        derive_title(lead, "en")
        == "On Thursday, Japan and Australia signed a landmark defence pact"
    )


def test_english_abbreviation_does_not_end_the_first_sentence():
    lead = "U.S. President Joe Biden met Mr. Kishida in Washington. They spoke for an hour."

    assert derive_title(lead, "en") == "U.S. President Joe Biden met Mr. Kishida in Washington"


def test_english_dateline_is_left_out_of_the_title():
    lead = "WASHINGTON (Reuters) - Japan's parliament approved a record defence budget on Friday."

    assert (
        derive_title(lead, "en") == "Japan's parliament approved a record defence budget on Friday"
    )


LONG_LEAD_WITHOUT_BREAKS = (
    "Công nghệ trí tuệ nhân tạo đang thay đổi cách con người làm việc học tập giải trí và giao"
    " tiếp hằng ngày ở khắp mọi nơi trên thế giới hiện nay"
)


def test_long_lead_without_a_natural_break_is_cut_between_words_with_an_ellipsis():
    assert derive_title(LONG_LEAD_WITHOUT_BREAKS) == (
        "Công nghệ trí tuệ nhân tạo đang thay đổi cách con người làm việc học tập giải trí và giao…"
    )


@pytest.mark.parametrize("max_length", [30, 60, 90])
def test_title_is_never_longer_than_its_limit(max_length):
    assert len(derive_title(LONG_LEAD_WITHOUT_BREAKS, max_length=max_length)) <= max_length


@pytest.mark.parametrize(
    "lead",
    [
        "Liệu Mỹ và Nhật Bản có ký một thỏa thuận hợp tác quốc phòng mới?",
        "Đội tuyển Việt Nam đã giành chiến thắng lịch sử!",
        "“Chúng tôi sẽ tiếp tục hợp tác với các đồng minh”",
        "Ông Blinken cho biết hai nước sẽ họp lại vào tháng tới (theo Reuters).",
    ],
)
def test_title_does_not_end_with_punctuation(lead):
    assert derive_title(lead)[-1].isalnum()


def test_title_starts_with_a_capital_letter():
    assert derive_title("giá vàng tăng mạnh trong phiên giao dịch hôm nay.") == (
        "Giá vàng tăng mạnh trong phiên giao dịch hôm nay"
    )


@pytest.mark.parametrize("lead", ["", "…", "  "])
def test_title_is_never_empty(lead):
    assert derive_title(lead)


# --- Decoding raw files -----------------------------------------------------------------------


def refusal(data: bytes, **limits: int) -> str:
    with pytest.raises(ParseError) as refused:
        decode_raw(data, **limits)
    return str(refused.value)


def test_decoded_file_is_normalised_text():
    data = "\ufeffHà\u00a0Nội\r\nĐà Nẵng".encode()

    assert decode_raw(data) == "Hà Nội\nĐà Nẵng"


def test_file_exactly_at_the_size_limit_is_accepted():
    assert decode_raw(b"x" * 10, max_bytes=10) == "x" * 10


@pytest.mark.parametrize("data", [b"", b" \r\n\t \n", b"\xef\xbb\xbf", "\u00a0\u200b\n".encode()])
def test_empty_file_is_refused(data):
    assert refusal(data) == "empty file"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        b"text with a NUL\x00 byte",
        bytes(range(1, 32)) * 20,
    ],
)
def test_binary_file_is_refused(data):
    assert refusal(data) == "binary file, not text"


@pytest.mark.parametrize(
    "data",
    [
        "Hà Nam và Đà".encode("cp1258"),
        "Café à Paris".encode("latin-1"),
        "Hà Nội hôm nay".encode("utf-16"),
    ],
)
def test_file_in_another_encoding_is_refused(data):
    assert refusal(data) == "not UTF-8 text"


def test_utf16_file_without_byte_order_mark_is_refused():
    reason = refusal("Hà Nội hôm nay".encode("utf-16-le"))

    assert reason in ("binary file, not text", "not UTF-8 text")


def test_file_over_the_default_limit_is_refused_naming_2_mb():
    assert refusal(b"x" * (2 * 1024 * 1024 + 1)) == "larger than the 2 MB limit"


def test_size_limit_message_follows_the_given_limit():
    assert (
        refusal(b"x" * (3 * 512 * 1024 + 1), max_bytes=3 * 512 * 1024)
        == "larger than the 1.5 MB limit"
    )


def test_file_over_a_small_limit_is_refused():
    assert refusal(b"x" * 11, max_bytes=10) == "larger than the 10 B limit"
