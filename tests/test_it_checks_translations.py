"""Checks on every translated pair: each flag says what it saw, each has its false alarm
that must stay quiet, and an editor's dismissal holds for the pair as it stands."""

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.derived import relink_articles
from articles.desk.checks import (
    check_pairs,
    entities_apart,
    numbers_apart,
    quotes_apart,
)
from articles.models import CheckDismissal, Paragraph
from tests.editors import change_url
from tests.factories import ArticleFactory, EntityFactory

pytestmark = pytest.mark.usefixtures("english_site")


@pytest.mark.parametrize(
    ("vietnamese", "english", "apart"),
    [
        ("Tòa tháp cao 420 mét.", "The 42-metre tower.", (["420"], ["42"])),
        ("Hôm 12/7, ông nói.", "On July 21, he said.", (["12/7"], ["July 21"])),
        (
            "Thiệt hại 2.500 tỷ đồng.",
            "Damage of 25,000 billion dong.",
            (["2.500 tỷ"], ["25,000 billion"]),
        ),
        ("Năm 2024 có 300 ca.", "There were 300 cases.", (["2024"], [])),
        ("Dự án 1,5 tỷ USD.", "A $15 billion project.", (["1,5 tỷ"], ["15 billion"])),
    ],
)
def test_numbers_that_disagree_are_flagged_with_what_was_seen(vietnamese, english, apart):
    assert numbers_apart(vietnamese, english) == apart


@pytest.mark.parametrize(
    ("vietnamese", "english"),
    [
        ("Có 1.200 người tham dự.", "Some 1,200 people attended."),
        ("Ngày 14/3, ông nói.", "On March 14, he said."),
        ("Ngày 14/3/2024.", "On 14 March 2024."),
        ("Dự án 1,5 tỷ USD.", "A $1.5 billion project."),
        ("Dự án 1.500 triệu USD.", "A $1.5 billion project."),
        ("Có 420 triệu người.", "There are 420 million people."),
        ("Ba người bị thương.", "3 people were hurt."),
        ("Tăng 20% trong tháng 3.", "Up 20 percent in March."),
        ("Lúc 15h30 ngày 2/9.", "At 3.30pm on September 2."),
        ("Virus COVID-19 và nhóm G7.", "COVID-19 and the G7."),
    ],
)
def test_the_same_numbers_written_each_languages_way_are_not_flagged(vietnamese, english):
    assert numbers_apart(vietnamese, english) is None


def test_an_entity_named_on_one_side_only_is_flagged():
    assert entities_apart({1: "Nhật Bản", 2: "Hoa Kỳ"}, {1: "Japan"}) == (["Hoa Kỳ"], [])
    assert entities_apart({1: "Xứ Phù Tang"}, {1: "Japan"}) is None  # an alias is the entity
    # a name the linker reads as part of another (U.S. Forces Japan), or inside a word
    names = {1: ["Nhật Bản", "Japan"], 2: ["Nga", "Russia"]}
    assert entities_apart({1: "Nhật Bản"}, {}, "", "U.S. Forces Japan (USFJ)", names) is None
    assert entities_apart({2: "Nga"}, {}, "", "Russian President Vladimir Putin", names) is None
    assert entities_apart({2: "Nga"}, {}, "", "President Vladimir Putin", names) == (["Nga"], [])


def test_a_pair_far_longer_than_the_articles_own_ratio_is_flagged():
    usual = [
        (
            "Một câu tiếng Việt khá dài để đo độ dài của bản dịch. " * 2,
            "An English sentence of about the same length here. " * 2,
        )
    ] * 3
    long = (
        "Một câu ngắn về thời tiết hôm nay ở Hà Nội.",
        "A short sentence about the weather in Hanoi today, " * 4,
    )
    flags = check_pairs([*usual, long])
    assert [(flag.block, flag.kind) for flag in flags] == [(3, "length")]
    assert check_pairs(usual) == []  # a whole article at its own ratio is not


def test_times_of_day_are_not_numbers_to_compare():
    assert numbers_apart("vào khoảng 10h sáng", "at around 10 a.m.") is None
    assert numbers_apart("phát thải ròng bằng 0 vào năm 2050", "net-zero emissions by 2050") is None
    assert numbers_apart("trong tháng 5", "in May") is None


def test_a_quote_on_one_side_only_is_flagged():
    quoted = "Ông nói: “Chúng tôi sẽ không lùi bước trước áp lực”."
    assert quotes_apart(quoted, "He said they would not back down under pressure.") == (
        ["Chúng tôi sẽ không lùi bước trước áp lực"],
        [],
    )
    assert quotes_apart(quoted, "He said: “We will not back down under pressure.”") is None
    assert quotes_apart("Gọi là “Chùa Vàng”.", "Called the Golden Pagoda.") is None  # a name
    assert quotes_apart("cảnh báo “hậu quả nghiêm trọng”", "warned of grave consequences") is None


# --- On the editing page and in the list ----------------------------------------------------


@pytest.fixture
def flagged(db):
    EntityFactory(name_vi="Nhật Bản", name_en="Japan")
    return ArticleFactory(
        paragraphs=[
            ("Tòa tháp cao 420 mét ở Nhật Bản.", "The 42-metre tower in Japan."),
            ("Có 1.200 người tham dự ngày 14/3.", "Some 1,200 people attended on March 14."),
            ("Nhật Bản mở cửa.", "The country reopens."),
        ]
    )


def test_the_editing_page_shows_each_flag_beside_its_pair(admin_client, flagged):
    flagged.refresh_from_db()
    assert flagged.needs_checking
    assert sorted((flag["block"], flag["kind"]) for flag in flagged.translation_checks) == [
        (1, "numbers"),
        (3, "entities"),
    ]

    html = admin_client.get(change_url(flagged)).content.decode()

    assert "Numbers differ: 420 in the Vietnamese only; 42 in the English only." in html
    assert "Nhật Bản named in the Vietnamese only." in html
    assert html.count('class="desk-dismiss"') == 2


def test_needs_checking_lists_flagged_and_stale_articles(admin_client, flagged):
    clean = ArticleFactory(title_vi="Bài sạch", paragraphs=[("Có 1.200 người.", "1,200 people.")])
    stale = ArticleFactory(title_vi="Bài cũ", paragraphs=[("Một.", "One.")])
    Paragraph.objects.filter(article=stale).update(text_vi="Một!", vi_changed_at=timezone.now())
    url = reverse("admin:articles_article_changelist") + "?checking=yes"

    html = admin_client.get(url).content.decode()

    assert flagged.title_vi in html and "Bài cũ" in html
    assert clean.title_vi not in html


def test_a_dismissed_flag_stays_dismissed_until_its_pair_changes(admin_client, flagged):
    flagged.refresh_from_db()
    flag = next(f for f in flagged.translation_checks if f["kind"] == "entities")
    dismiss = reverse("admin:articles_article_dismiss", args=[flagged.pk])

    admin_client.post(dismiss, {"flag": f"entities:{flag['pair']}"})
    admin_client.post(
        dismiss,
        {
            "flag": "numbers:"
            + next(f["pair"] for f in flagged.translation_checks if f["kind"] == "numbers")
        },
    )

    flagged.refresh_from_db()
    assert not flagged.needs_checking
    assert "Nhật Bản named" not in admin_client.get(change_url(flagged)).content.decode()
    # a re-read of the same text (a re-link) keeps the editor's word
    relink_articles([flagged.pk])
    flagged.refresh_from_db()
    assert not flagged.needs_checking and CheckDismissal.objects.count() == 2
    # a new text is a new pair: what the check sees in it is shown again
    paragraph = Paragraph.objects.get(article=flagged, position=3)
    paragraph.text_en = "The country reopens its borders."
    paragraph.save()
    flagged.refresh_from_db()
    assert flagged.needs_checking


def test_a_flag_cannot_be_dismissed_by_a_get_or_with_nonsense(admin_client, flagged):
    dismiss = reverse("admin:articles_article_dismiss", args=[flagged.pk])
    assert admin_client.get(dismiss).status_code == 404
    assert admin_client.post(dismiss, {"flag": "numbers:'; drop"}).status_code == 400
    assert not CheckDismissal.objects.exists()
