"""A list's feed takes the list's query string, which anyone can write. Characters XML
cannot hold (a control character in a filter value made Django's feed writer raise, a
U+FFFF in a search made a feed no reader could parse), oversized searches, thousands of
values and made-up ones must give a well-formed feed or a clear 4xx, never a 500, and
keep nothing more in the cache than the feeds readers follow."""

from urllib.parse import quote

import feedparser
import pytest

from tests.factories import CategoryFactory, EntityFactory, TagFactory, TopicArticleFactory
from tests.security.test_junk_query_strings_share_one_cache_entry import Writes

pytestmark = pytest.mark.django_db

FEEDS = ["/feeds/vi/rss/", "/feeds/en/tags/hai-quan/atom/", "/feeds/both/search/rss/?q=hop+tac"]
NOT_IN_XML = ["%01", "%0B", "%1F", "%00", "%EF%BF%BE", "%EF%BF%BF", "%ED%A0%80", "%FF%FE"]
ODD_VALUES = [
    *NOT_IN_XML,
    "%E2%80%AE",  # right-to-left override
    "%22",  # an unbalanced quote
    "-",
    "OR",
    "OR+OR+-",
    "-%22hop+tac%22",
    "%3Cscript%3E",
    "0001-01-01",
    "9999-12-31",
    "99999-01-01",
    "-1",
    "9" * 40,
]
PARAMETERS = ["q", "category", "tag", "entity", "match", "entity_type", "source"]
PARAMETERS += ["date_from", "date_to", "translated"]


@pytest.fixture(autouse=True)
def site():
    tag = TagFactory(slug="hai-quan", name_vi="Hải quân", name_en="Navy")
    entity = EntityFactory(slug="nhat-ban")
    CategoryFactory(slug="quoc-phong", any_tags=[tag])
    for _ in range(3):
        TopicArticleFactory(tags=[tag], entities=[entity])


@pytest.fixture
def writes(monkeypatch) -> Writes:
    return Writes(monkeypatch)


def with_query(feed: str, query: str) -> str:
    return f"{feed}{'&' if '?' in feed else '?'}{query}"


def assert_a_feed_or_a_4xx(response, url: str) -> None:
    assert response.status_code < 500, url
    if response.status_code == 200:
        parsed = feedparser.parse(
            response.content, response_headers={"content-type": response["Content-Type"]}
        )
        assert parsed.bozo == 0, (url, parsed.get("bozo_exception"))
    else:
        assert response.status_code in (400, 404), url


@pytest.mark.parametrize("feed", FEEDS)
@pytest.mark.parametrize("name", PARAMETERS)
def test_an_odd_value_of_any_filter_gives_a_well_formed_feed_or_a_4xx(client, feed, name):
    for value in ODD_VALUES:
        for query in (f"{name}={value}", f"{name}=nhat{value}ban&{name}=x"):
            url = with_query(feed, query)
            assert_a_feed_or_a_4xx(client.get(url), url)


@pytest.mark.parametrize("character", NOT_IN_XML)
def test_a_character_xml_cannot_hold_never_reaches_the_feed(client, character):
    for url in (
        f"/feeds/vi/search/rss/?q=hop{character}tac",
        f"/feeds/en/rss/?tag=hai{character}quan",
        f"/feeds/en/rss/?date_from=2024{character}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_a_feed_or_a_4xx(response, url)


def test_an_oversized_search_is_cut_as_the_search_page_cuts_it_and_not_kept(client, writes):
    typed = "hợp tác " * 2_000
    client.get("/feeds/vi/search/rss/?q=hop+tac")
    kept = set(writes.entries)

    response = client.get(f"/feeds/vi/search/rss/?q={quote(typed)}")
    title = feedparser.parse(response.content).feed.title

    assert response.status_code == 200
    assert title == f"Tìm kiếm: {typed.strip()[:200].rsplit(' ', 1)[0]} — newsreader"
    assert "no-store" in response["Cache-Control"]
    assert writes.new_since(kept) == set()


def test_more_parameters_than_a_request_may_carry_are_refused(client):
    query = "&".join(f"tag=t{n}" for n in range(1_001))

    assert client.get(f"/feeds/vi/rss/?{query}").status_code == 400


def test_hundreds_of_made_up_values_give_an_empty_feed_and_are_not_kept(client, writes):
    client.get("/feeds/vi/rss/")
    kept = set(writes.entries)
    query = "&".join(f"tag=khong-co-{n}" for n in range(500))

    response = client.get(f"/feeds/vi/rss/?{query}")

    assert response.status_code == 200
    assert feedparser.parse(response.content).entries == []
    assert "no-store" in response["Cache-Control"]
    assert writes.new_since(kept) == set()


@pytest.mark.parametrize("feed", FEEDS)
def test_junk_and_values_the_site_does_not_write_keep_nothing_more(client, writes, feed):
    client.get(feed)
    kept = set(writes.entries)

    for n in range(5):
        for junk in (
            f"utm_source={n}",
            f"sort=sideways{n}",
            f"page={n}",
            f"tag=khong-co-{n}",
            f"date_from={'%20' * (n + 1)}2024-03-10",
            f"translated=perhaps{n}",
            f"q={'%20' * (n + 1)}hop+tac",
        ):
            url = with_query(feed, junk)
            assert_a_feed_or_a_4xx(client.get(url), url)

    assert writes.new_since(kept) == set()
