"""One story from several sources: near-duplicates are found when articles are saved, and
lists show one card for them, which the reader can open or switch off."""

import importlib
import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from articles import derived
from articles.models import Article, StoryMember
from articles.stories import CREATE_STORY_FUNCTIONS
from tests.factories import ArticleFactory, SourceFactory

# One wire story as three outlets carry it, with their own headlines and small edits.
WIRE = [
    (
        "Triều Tiên phóng tên lửa đạn đạo liên lục địa nhiên liệu rắn",
        "Triều Tiên phóng một tên lửa đạn đạo liên lục địa (ICBM) sử dụng nhiên liệu rắn hôm "
        "12/7, khiến Hàn Quốc và Nhật Bản lập tức triệu tập các cuộc họp an ninh khẩn cấp.",
    ),
    (
        "Bình Nhưỡng thử ICBM nhiên liệu rắn",
        "Triều Tiên hôm 12/7 phóng một tên lửa đạn đạo liên lục địa (ICBM) dùng nhiên liệu rắn, "
        "khiến Hàn Quốc và Nhật Bản lập tức triệu tập các cuộc họp an ninh khẩn cấp, theo "
        "Yonhap.",
    ),
    (
        "Hàn Quốc, Nhật Bản họp khẩn sau vụ phóng ICBM",
        "Hàn Quốc và Nhật Bản lập tức triệu tập các cuộc họp an ninh khẩn cấp sau khi Triều "
        "Tiên phóng một tên lửa đạn đạo liên lục địa (ICBM) sử dụng nhiên liệu rắn hôm 12/7.",
    ),
]
# The same event in other words, and another event naming the same countries.
SAME_EVENT = (
    "Seoul và Tokyo họp khẩn sau vụ phóng Hwasong-18",
    "Quân đội Hàn Quốc cho biết Triều Tiên sáng 12/7 đã bắn một quả tên lửa tầm xa từ khu vực "
    "gần Bình Nhưỡng, bay khoảng 1.000 km trước khi rơi xuống biển; Nhật Bản gọi đây là hành "
    "động khiêu khích nghiêm trọng.",
)
OTHER_EVENT = (
    "Triều Tiên và Hàn Quốc khôi phục đường dây nóng liên Triều",
    "Hai miền Triều Tiên hôm thứ Hai nối lại các kênh liên lạc trực tiếp bị cắt đứt từ năm "
    "ngoái, động thái được Seoul hoan nghênh như một bước đi tích cực nhằm giảm căng thẳng.",
)
ENGLISH_WIRE = [
    (
        "North Korea fires solid-fuel ICBM",
        "North Korea launched a solid-fuel intercontinental ballistic missile (ICBM) on July "
        "12, prompting South Korea and Japan to convene emergency security meetings.",
    ),
    (
        "N.Korea launches solid-fuel intercontinental missile, Seoul says",
        "North Korea launched a solid-fuel intercontinental ballistic missile on Wednesday, "
        "prompting South Korea and Japan to convene emergency national security meetings, "
        "officials said.",
    ),
]


def _story(title_lead, hours=0, source=None, **fields) -> Article:
    title, lead = title_lead
    return ArticleFactory(
        title_vi=title,
        lead_vi=lead,
        title_en="",
        lead_en="",
        source=source or SourceFactory(),
        published_at=timezone.now() - timedelta(days=1) + timedelta(hours=hours),
        **fields,
    )


def _story_of(article: Article) -> int:
    return StoryMember.objects.get(article=article).story_id


@pytest.mark.django_db
def test_it_puts_one_wire_story_from_several_sources_in_one_story():
    first, second, third = (_story(text, hours=n) for n, text in enumerate(WIRE))
    english_first = _story(ENGLISH_WIRE[0], hours=4)
    english_second = _story(ENGLISH_WIRE[1], hours=5)

    assert {_story_of(first), _story_of(second), _story_of(third)} == {first.pk}
    assert _story_of(english_first) == _story_of(english_second) == english_first.pk


@pytest.mark.django_db
def test_it_keeps_other_events_other_days_and_one_source_apart():
    wire = _story(WIRE[0])
    same_event = _story(SAME_EVENT, hours=1)
    other_event = _story(OTHER_EVENT, hours=2)
    a_week_later = _story(WIRE[1], hours=24 * 7)
    same_source = _story(WIRE[2], hours=3, source=wire.source)

    for article in (same_event, other_event, a_week_later, same_source):
        assert _story_of(article) == article.pk
    assert _story_of(wire) == wire.pk


@pytest.mark.django_db
def test_a_story_follows_its_articles_when_they_change_or_go():
    first, second, third = (_story(text, hours=n) for n, text in enumerate(WIRE))

    first.delete()
    assert _story_of(second) == _story_of(third) == second.pk

    second.published_at = third.published_at + timedelta(days=5)
    second.save()
    assert _story_of(second) == second.pk
    assert _story_of(third) == third.pk

    second.published_at = third.published_at - timedelta(hours=1)
    second.save()
    assert _story_of(third) == second.pk
    assert derived.refresh_all() == 0


def test_the_story_functions_are_created_as_the_code_defines_them():
    migration = importlib.import_module("articles.migrations.0018_story_clusters")
    assert migration.STORY_FUNCTIONS == CREATE_STORY_FUNCTIONS


# --- Lists -------------------------------------------------------------------------------------


def cards(response) -> list[tuple[str, list[str]]]:
    """Each card of the list: its title, and the titles of the other sources it opens to."""
    assert response.status_code == 200
    found = []
    for card in re.findall(r'<article class="card">(.*?)</article>', response.text, re.S):
        title = re.search(r'<h2 class="card-title"><a [^>]*>([^<]*)</a>', card)[1]
        others = re.findall(r'<li>\s*<a href="[^"]*" lang="\w+">([^<]*)</a>', card)
        found.append((unescape(title), [unescape(other) for other in others]))
    return found


def result_count(response) -> str:
    text = re.search(r'<p class="result-count">(.*?)</p>', response.text, re.S)[1]
    return unescape(re.sub(r"<[^>]+>", "", text))


@pytest.fixture
def wire_story():
    """One story from three sources, the last published first, and an article of its own."""
    first, second, third = (_story(text, hours=n) for n, text in enumerate(WIRE))
    alone = _story(OTHER_EVENT, hours=-5)
    return first, second, third, alone


@pytest.mark.django_db
def test_a_list_shows_one_story_from_several_sources_as_one_card(client, wire_story):
    first, second, third, alone = wire_story

    response = client.get("/")

    assert cards(response) == [
        (third.title_vi, [second.title_vi, first.title_vi]),
        (alone.title_vi, []),
    ]
    assert '<details class="story-sources">' in response.text
    assert "<summary>+2 nguồn</summary>" in response.text
    assert result_count(response).startswith("2 câu chuyện từ 4 bài viết")


@pytest.mark.django_db
def test_the_reader_can_list_every_article_apart(client, wire_story):
    first, second, third, alone = wire_story
    together = client.get("/en/")
    assert "Show every article" in together.text

    apart = client.get("/en/?stories=apart")

    assert cards(apart) == [(article.title_vi, []) for article in (third, second, first, alone)]
    assert result_count(apart).startswith("4 articles")
    assert 'href="?">One card per story</a>' in apart.text


@pytest.mark.django_db
def test_stories_are_counted_and_paginated_as_cards(client, settings, wire_story):
    settings.ARTICLES_PER_PAGE = 1
    first, second, third, alone = wire_story

    pages = [client.get(f"/?page={number}") for number in (1, 2)]

    assert [cards(page) for page in pages] == [
        [(third.title_vi, [second.title_vi, first.title_vi])],
        [(alone.title_vi, [])],
    ]
    assert 'rel="next" href="?page=2"' in pages[0].text


@pytest.mark.django_db
def test_a_filtered_list_opens_to_the_sources_it_holds(client, wire_story):
    first = wire_story[0]

    response = client.get(f"/?source={first.source.slug}")

    assert cards(response) == [(first.title_vi, [])]
    assert result_count(response).startswith("1 bài viết")


@pytest.mark.django_db
def test_search_results_show_one_card_per_story(client, wire_story):
    first, second, third, _alone = wire_story

    response = client.get("/search/?q=nhiên liệu rắn")

    assert cards(response) == [(third.title_vi, [second.title_vi, first.title_vi])]


@pytest.mark.django_db
def test_search_results_are_counted_paged_and_kept_apart_as_lists_are(client, settings, wire_story):
    settings.ARTICLES_PER_PAGE = 1
    first, second, third, _alone = wire_story
    asked = {"q": "nhiên liệu rắn", "sort": "newest"}

    together = client.get("/en/search/", asked)
    apart = [
        client.get("/en/search/", asked | {"stories": "apart", "page": number})
        for number in (1, 2, 3)
    ]

    assert result_count(together).startswith("1 story from 3 articles")
    assert [cards(page) for page in apart] == [
        [(article.title_vi, [])] for article in (third, second, first)
    ]
    assert result_count(apart[0]).startswith("3 articles")
    assert 'rel="next" href="?' in apart[1].text


@pytest.mark.django_db
@pytest.mark.parametrize("stories", [1, 6])
def test_a_list_of_stories_costs_the_same_queries_however_many_there_are(
    client, django_assert_max_num_queries, settings, stories
):
    settings.PAGE_CACHE_SECONDS = 0  # every request reaches the view
    for day in range(stories):
        for n, text in enumerate(WIRE):
            _story(text, hours=n - 24 * 7 * day)

    # the facet counts, the topics of the four facets (categories, tags, entities,
    # sources) together, the stories told more than once and how many articles they leave
    # out of the list, the page of articles with their sources, the other articles of
    # their stories, those articles' cards, the navigation
    with django_assert_max_num_queries(8):
        response = client.get("/")
    assert len(cards(response)) == stories
    assert all(len(others) == 2 for _title, others in cards(response))
