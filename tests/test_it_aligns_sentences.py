"""Sentences paired across the languages when an article is saved, and what editors see
of it."""

import pytest

from articles import alignment
from articles.alignment import align, sentences
from articles.models import Article
from tests.factories import ArticleFactory

REPORT = "Bộ Tài chính công bố báo cáo mới."
REPORT_EN = (
    "The Finance Ministry published a new report on Tuesday, its first since the "
    "government changed its accounting rules last spring."
)
LOWEST = "Đây là mức thấp nhất trong mười năm."
CROSSED_VI = "Giá điện tăng 10%. Giá nước tăng 20%. Giá xăng tăng 30%."


def texts(text: str) -> list[str]:
    return [text[start:end] for start, end in sentences(text)]


def test_sentences_end_at_stops_not_at_abbreviations_numbers_or_initials():
    text = (
        "Ông Blinken đến TP. Hồ Chí Minh lúc 9.30. “Đây là bước tiến,” ông nói. "
        "Mr. J. Smith agreed."
    )

    assert texts(text) == [
        "Ông Blinken đến TP. Hồ Chí Minh lúc 9.30.",
        "“Đây là bước tiến,” ông nói.",
        "Mr. J. Smith agreed.",
    ]


@pytest.mark.parametrize(
    ("anchor_vi", "anchor_en"),
    [
        ("Nợ công đã giảm xuống 37,5% GDP.", "Public debt fell to 37.5% of GDP,"),
        ("Ông Hùng nói: “Chúng tôi hài lòng.”", 'Mr Hung said: "We are pleased",'),
    ],
    ids=["a number", "a quote"],
)
def test_an_anchor_pairs_sentences_that_their_lengths_would_pair_otherwise(
    monkeypatch, anchor_vi, anchor_en
):
    """The English of the first sentence is long, which pulls the second towards it by
    length alone; the number (or the quote) the second shares with the English's second
    sentence pairs them."""
    vietnamese = f"{REPORT} {anchor_vi} {LOWEST}"
    english = f"{REPORT_EN} {anchor_en} the lowest level in ten years."

    block = align(vietnamese, english)

    assert block.links == [(0, 1, 0, 1), (1, 2, 1, 1)]
    assert block.aligned
    monkeypatch.setattr(alignment, "SHARED_ANCHOR", 0)
    monkeypatch.setattr(alignment, "ANCHOR_APART", 0)
    assert align(vietnamese, english).links != block.links, "by length alone, it would not"


def test_sentences_in_the_same_order_pair_one_to_one():
    block = align(
        "Hà Nội và Tokyo mở rộng hợp tác. Thỏa thuận trị giá 1.200 tỷ đồng. Hai bên ký hôm qua.",
        "Hanoi and Tokyo expand cooperation. The deal is worth 1,200 billion dong. "
        "Both sides signed it yesterday.",
    )

    assert block.links == [(0, 1, 0, 1), (1, 1, 1, 1), (2, 1, 2, 1)]
    assert block.aligned


def test_a_pair_whose_anchors_cross_is_not_aligned():
    block = align(
        CROSSED_VI,
        "Petrol rose 30%. Electricity rose 10%. Water rose 20%.",
    )

    assert (len(block.vi), len(block.en)) == (3, 3)
    assert block.links == [] and not block.aligned


def test_a_sentence_the_translation_left_out_has_no_counterpart():
    article = alignment.align_article([(CROSSED_VI, "Electricity rose 10%.")])

    (block,) = article.blocks
    assert not block.aligned
    assert block.links == [(0, 1, 0, 1)]
    assert article.coverage == 33


def test_a_pair_too_long_to_align_in_bounded_time_is_not_aligned(monkeypatch):
    monkeypatch.setattr(alignment, "MAX_CELLS", 4)

    block = align("Một. Hai. Ba.", "One. Two. Three.")

    assert len(block.vi) == 3 and block.links == [] and not block.aligned


@pytest.mark.django_db
def test_an_article_keeps_its_sentences_from_each_save():
    article = ArticleFactory(
        lead_vi="Hà Nội mở rộng hợp tác. Thỏa thuận trị giá 1.200 tỷ đồng.",
        lead_en="Hanoi expands cooperation. The deal is worth 1,200 billion dong.",
        paragraphs=[(CROSSED_VI, "Petrol rose 30%. Electricity rose 10%. Water rose 20%.")],
    )
    article.refresh_from_db()
    lead, paragraph = article.sentences
    assert lead["links"] == [[0, 1, 0, 1], [1, 1, 1, 1]] and lead["ok"]
    assert paragraph["links"] == [] and not paragraph["ok"]
    assert article.alignment_coverage == 40  # 2 of 5 sentences

    article.paragraphs.update(text_en="Electricity rose 10%. Water rose 20%. Petrol rose 30%.")

    article.refresh_from_db()
    assert article.sentences[1]["ok"]
    assert article.alignment_coverage == 100


@pytest.mark.django_db
def test_editors_see_the_coverage_and_the_pairs_it_could_not_align(admin_client):
    ArticleFactory(title_vi="Khớp", paragraphs=[("Một câu.", "One sentence.")])
    crossed = ArticleFactory(
        title_vi="Lệch",
        paragraphs=[(CROSSED_VI, "Electricity rose 10%. Water rose 20%; petrol did too.")],
    )

    listed = admin_client.get("/admin/articles/article/?aligned=some").content.decode()
    page = admin_client.get(f"/admin/articles/article/{crossed.pk}/change/").content.decode()

    assert "Lệch" in listed and "Khớp" not in listed
    assert "<li>đoạn 1: 3 câu tiếng Việt, 2 câu tiếng Anh, 2 cặp đã khớp</li>" in page
    assert Article.objects.get(pk=crossed.pk).alignment_coverage == 75  # the petrol left out
