"""Every list has a feed that keeps its filters, searches included: a saved search a feed
reader can follow, newest first, kept by the page cache as its list page is."""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import quote_plus

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from tests.factories import (
    CategoryFactory,
    EntityFactory,
    SourceFactory,
    TagFactory,
    TopicArticleFactory,
)

pytestmark = pytest.mark.django_db

QUOC_PHONG = quote_plus("quốc phòng")
# The published articles, newest first
AIR_DEFENCE = "Quốc phòng thử hệ thống phòng không"
LAUNCH = "Nhật Bản phóng tên lửa"
PATROL = "Hải quân tuần tra vì quốc phòng"
GOLD = "Giá vàng tăng"
NEWEST_FIRST = [AIR_DEFENCE, LAUNCH, PATROL, GOLD]


@pytest.fixture(autouse=True)
def articles():
    """Four published articles, an hour apart; a draft and a scheduled article that would
    match every feed below."""
    now = timezone.now()
    missiles = TagFactory(slug="ten-lua", name_vi="Tên lửa", name_en="Missiles")
    navy = TagFactory(slug="hai-quan", name_vi="Hải quân", name_en="Navy")
    japan = EntityFactory(slug="nhat-ban", name_vi="Nhật Bản", name_en="Japan")
    reuters = SourceFactory(slug="reuters", name="Reuters")
    CategoryFactory(
        slug="quoc-phong",
        name_vi="Quốc phòng",
        name_en="Defense & Security",
        any_tags=[missiles, navy],
    )
    topics = {"tags": [missiles], "entities": [japan]}
    for hours, title_vi, title_en, lead_vi, extra in [
        (1, AIR_DEFENCE, "Air defence test", "Thử nghiệm.", {**topics, "source": reuters}),
        (2, LAUNCH, "Japan launches a missile", "Bộ Quốc phòng Nhật cho biết.", topics),
        (3, PATROL, "", "Tàu ra khơi.", {"tags": [navy], "source": reuters}),
        (4, GOLD, "Gold rises", "Giá vàng trong nước tăng mạnh.", {}),
    ]:
        TopicArticleFactory(
            title_vi=title_vi,
            title_en=title_en,
            lead_vi=lead_vi,
            lead_en="In English." if title_en else "",
            paragraphs=[("Một đoạn.", "A paragraph." if title_en else "")],
            published_at=now - timedelta(hours=hours),
            **extra,
        )
    hidden = {"lead_vi": "Bộ Quốc phòng.", "tags": [missiles], "entities": [japan]}
    TopicArticleFactory(
        title_vi="Quốc phòng bản nháp", status=Article.Status.DRAFT, published_at=None, **hidden
    )
    TopicArticleFactory(
        title_vi="Quốc phòng sắp đăng", published_at=now + timedelta(days=1), **hidden
    )


def parsed(response):
    assert response.status_code == 200
    feed = feedparser.parse(
        response.content, response_headers={"content-type": response["Content-Type"]}
    )
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


def feed(client, url: str):
    return parsed(client.get(url))


def titles(feed) -> list[str]:
    return [entry.title for entry in feed.entries]


def listed(response) -> list[str]:
    """The Vietnamese titles of a list page's articles."""
    return re.findall(
        r'<h2 class="card-title"><a href="[^"]*" lang="vi">([^<]*)</a>', response.text
    )


def head_feeds(response) -> list[tuple[str, str, str]]:
    """The (type, href, title) of each feed a page links in its head."""
    head = response.text.split("</head>")[0]
    found = re.findall(
        r'<link rel="alternate" type="(application/(?:rss|atom)\+xml)" href="([^"]+)" '
        r'title="([^"]+)">',
        head,
    )
    return [(kind, unescape(href), unescape(title)) for kind, href, title in found]


def beside_the_results(response) -> list[str]:
    """The feeds a list page links beside its results, for readers."""
    aside = response.text.split('<section class="feeds"')[1].split("</section>")[0]
    return [unescape(href) for href in re.findall(r'<a href="([^"]+)" type="application/', aside)]


# --- Searches ------------------------------------------------------------------------------


def test_a_search_links_its_rss_and_atom_feeds_in_its_head_and_beside_the_results(client):
    response = client.get(f"/search/?tag=ten-lua&q={QUOC_PHONG}&sort=oldest&page=1")

    query = f"?q={QUOC_PHONG}&tag=ten-lua"  # no order (a feed is newest first), no page
    expected = [
        (f"application/{kind}+xml", f"/feeds/{language}/search/{kind}/{query}")
        for language in ("vi", "both", "en")
        for kind in ("rss", "atom")
    ]
    assert [(kind, href) for kind, href, _title in head_feeds(response)] == expected
    assert head_feeds(response)[0][2] == "Tìm kiếm: quốc phòng · Thẻ: Tên lửa — Tiếng Việt (RSS)"
    assert beside_the_results(response) == [href for _kind, href in expected]


def test_a_saved_search_follows_the_newest_matching_published_articles(client):
    followed = feed(client, f"/feeds/vi/search/rss/?q={QUOC_PHONG}")

    assert followed.feed.title == "Tìm kiếm: quốc phòng — newsreader"
    assert followed.feed.link == f"http://testserver/search/?q={QUOC_PHONG}"
    assert titles(followed) == [AIR_DEFENCE, LAUNCH, PATROL]  # no draft, nothing scheduled


def test_a_saved_search_in_english_follows_the_translated_matches_in_english(client):
    followed = feed(client, f"/feeds/en/search/atom/?q={QUOC_PHONG}&source=reuters")

    assert followed.feed.title == "Search: quốc phòng · Source: Reuters — newsreader"
    assert followed.feed.link == f"http://testserver/en/search/?q={QUOC_PHONG}&source=reuters"
    assert titles(followed) == ["Air defence test"]


@pytest.mark.parametrize("query", ["", "?q=", "?q=%20%20", "?q=!!!", "?tag=ten-lua"])
def test_a_search_feed_without_a_word_to_search_for_is_not_found(client, query):
    assert client.get(f"/feeds/vi/search/rss/{query}").status_code == 404


# --- Filtered lists ------------------------------------------------------------------------

FILTERED_LISTS = [
    "/?tag=ten-lua&source=reuters",
    "/?translated=false",
    "/categories/quoc-phong/?source=reuters&sort=oldest",
    "/tags/ten-lua/?entity=nhat-ban",
    "/entities/nhat-ban/?entity_type=place&date_from=2000-01-01",
    f"/search/?q={QUOC_PHONG}&category=quoc-phong&sort=relevance",
    "/en/categories/quoc-phong/?tag=hai-quan&tag=ten-lua&match=any",
]


@pytest.mark.parametrize("page", FILTERED_LISTS)
def test_a_filtered_list_links_feeds_of_what_it_lists_newest_first(client, page):
    response = client.get(page)
    path, query = re.sub("^/en(?=/)", "", page).split("?")
    kept = "&".join(p for p in query.split("&") if not p.startswith(("sort=", "page=")))

    linked = [href for _kind, href, _title in head_feeds(response)]
    assert sorted(linked) == sorted(
        f"/feeds/{language}{path}{kind}/?{kept}"
        for language in ("vi", "en", "both")
        for kind in ("rss", "atom")
    )
    for href in linked:
        if "/vi/" in href:
            shown = set(listed(response))
            assert titles(feed(client, href)) == [t for t in NEWEST_FIRST if t in shown], href


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/feeds/vi/rss/", "Tin mới nhất — newsreader"),
        ("/feeds/en/rss/?translated=true", "Has an English translation: yes — newsreader"),
        (
            "/feeds/en/categories/quoc-phong/atom/?tag=ten-lua",
            "Defense & Security · Tag: Missiles — newsreader",
        ),
        (
            "/feeds/both/tags/ten-lua/rss/?entity=nhat-ban",
            "Tên lửa / Missiles · Thực thể: Nhật Bản / Japan — newsreader",
        ),
    ],
)
def test_a_feeds_title_says_what_it_follows(client, url, title):
    assert feed(client, url).feed.title == title


def test_a_feed_links_its_list_and_itself_with_the_filters_in_the_lists_order(client):
    followed = feed(client, "/feeds/en/tags/ten-lua/atom/?source=reuters&entity=nhat-ban&x=1")

    assert followed.feed.link == "http://testserver/en/tags/ten-lua/?entity=nhat-ban&source=reuters"
    (self_link,) = [link.href for link in followed.feed.links if link.rel == "self"]
    assert self_link == (
        "http://testserver/feeds/en/tags/ten-lua/atom/?entity=nhat-ban&source=reuters"
    )


def test_a_filter_that_names_nothing_gives_an_empty_feed_that_says_why_and_is_not_kept(
    client,
):
    response = client.get("/feeds/en/rss/?tag=khong-co")
    followed = parsed(response)

    assert followed.entries == []
    assert followed.feed.description == "Tag: nothing is called “khong-co”."
    assert "no-store" in response["Cache-Control"]
    assert head_feeds(client.get("/?tag=khong-co")) == []  # no feed to follow


# --- Cost ----------------------------------------------------------------------------------

FEED_COSTS = [
    # the matching articles with their sources; their tags
    ("/feeds/vi/rss/", "/", 2),
    # the tag; the entity named in the query string; the matching articles with their
    # sources; their tags
    ("/feeds/en/tags/ten-lua/atom/?entity=nhat-ban", "/en/tags/ten-lua/?entity=nhat-ban", 4),
    # the category, tag, entity and source named in the query string; the matching
    # articles with their sources; their tags
    (
        f"/feeds/both/search/rss/?q={QUOC_PHONG}&category=quoc-phong&tag=ten-lua"
        "&entity=nhat-ban&source=reuters",
        f"/search/?q={QUOC_PHONG}&category=quoc-phong&tag=ten-lua&entity=nhat-ban&source=reuters",
        6,
    ),
]


@pytest.mark.parametrize(("url", "page", "budget"), FEED_COSTS)
def test_a_feed_costs_no_more_than_its_list_page_and_the_next_reader_gets_it_kept(
    client, django_assert_max_num_queries, django_assert_num_queries, url, page, budget
):
    with CaptureQueriesContext(connection) as list_page:
        client.get(page)
    with django_assert_max_num_queries(budget):
        first = client.get(url)

    with django_assert_num_queries(0):
        again = client.get(url)

    assert budget <= len(list_page)
    assert "Age" in again and "Age" not in first
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]


def test_the_same_filters_in_any_order_or_with_junk_are_one_kept_feed(
    client, django_assert_num_queries
):
    first = client.get("/feeds/vi/rss/?tag=ten-lua&tag=hai-quan&source=reuters")

    for same in [
        "/feeds/vi/rss/?source=reuters&tag=hai-quan&tag=ten-lua",
        "/feeds/vi/rss/?tag=hai-quan&source=reuters&tag=ten-lua&tag=hai-quan",
        "/feeds/vi/rss/?utm_source=x&tag=ten-lua&tag=hai-quan&source=reuters&sort=oldest",
        "/feeds/vi/rss/?tag=ten-lua&tag=hai-quan&source=reuters&page=7&q=ignored",
    ]:
        with django_assert_num_queries(0):
            response = client.get(same)
        assert "Age" in response, same
        assert response.content == first.content, same


@pytest.mark.parametrize(
    ("kind", "content_type"),
    [
        ("rss", "application/rss+xml; charset=utf-8"),
        ("atom", "application/atom+xml; charset=utf-8"),
    ],
)
def test_a_saved_search_names_the_sites_address_whatever_the_host(
    client, settings, kind, content_type
):
    settings.SITE_URL = "https://news.example.org"

    response = client.get(f"/feeds/en/search/{kind}/?q={QUOC_PHONG}", HTTP_HOST="localhost")
    followed = parsed(response)

    assert response["Content-Type"] == content_type
    links = [followed.feed.link, *(entry.link for entry in followed.entries)]
    links += [link.href for link in followed.feed.links]
    assert all(link.startswith("https://news.example.org/") for link in links), links
