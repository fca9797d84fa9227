import re
from datetime import timedelta
from html import unescape

import feedparser
import pytest
from django.utils import timezone

from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    DraftArticleFactory,
    EntityFactory,
    TagFactory,
    TopicArticleFactory,
)

pytestmark = pytest.mark.django_db

TOPIC_PATHS = {
    "site": "",
    "category": "categories/bien-dong/",
    "entity": "entities/nhat-ban/",
    "tag": "tags/hai-quan/",
}
TRANSLATED = {
    "vi": "Nhật Bản tăng cường tuần tra",
    "en": "Japan steps up patrols",
    "both": "Nhật Bản tăng cường tuần tra / Japan steps up patrols",
}
UNTRANSLATED = "Tàu cá trở về cảng an toàn"
UNRELATED = {
    "vi": "Giá vàng tăng",
    "en": "Gold prices rise",
    "both": "Giá vàng tăng / Gold prices rise",
}


@pytest.fixture
def articles():
    """Newest first: an article on nothing in particular, a Vietnamese-only one on the
    navy and Japan, and a translated one on the navy and Japan; and a draft."""
    now = timezone.now()
    navy = TagFactory(slug="hai-quan", name_vi="Hải quân", name_en="Navy")
    japan = EntityFactory(slug="nhat-ban", name_vi="Nhật Bản", name_en="Japan")
    TopicArticleFactory(
        slug="tuan-tra",
        title_vi=TRANSLATED["vi"],
        title_en=TRANSLATED["en"],
        lead_vi="Hải quân Nhật Bản tăng cường tuần tra.",
        lead_en="Japan's navy steps up its patrols.",
        author="Minh Ngọc",
        published_at=now - timedelta(hours=3),
        tags=[navy],
        entities=[japan],
    )
    TopicArticleFactory(
        slug="tau-ca",
        title_vi=UNTRANSLATED,
        title_en="",
        lead_vi="Các tàu cá đã về cảng.",
        lead_en="",
        paragraphs=[("Chỉ có tiếng Việt.", "")],
        published_at=now - timedelta(hours=2),
        tags=[navy],
        entities=[japan],
    )
    ArticleFactory(
        slug="gia-vang",
        title_vi=UNRELATED["vi"],
        title_en=UNRELATED["en"],
        lead_vi="Giá vàng trong nước tăng mạnh.",
        lead_en="Gold prices rose sharply.",
        published_at=now - timedelta(hours=1),
    )
    DraftArticleFactory(title_vi="Bản nháp về hải quân")
    CategoryFactory(slug="bien-dong", name_vi="Biển Đông", name_en="East Sea", any_tags=[navy])


def parsed(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(
        response.content, response_headers={"content-type": response["Content-Type"]}
    )
    assert feed.bozo == 0, f"{url}: {feed.get('bozo_exception')}"
    return feed


def expected_titles(kind: str, language: str) -> list[str]:
    titles = [] if kind != "site" else [UNRELATED[language]]
    if language != "en":
        titles.append(UNTRANSLATED)
    return [*titles, TRANSLATED[language]]


@pytest.mark.usefixtures("articles")
@pytest.mark.parametrize("kind", TOPIC_PATHS)
@pytest.mark.parametrize("language", ["vi", "en", "both"])
@pytest.mark.parametrize(("feed_format", "version"), [("rss", "rss20"), ("atom", "atom10")])
def test_every_feed_parses_cleanly_and_lists_the_published_articles_newest_first(
    client, kind, language, feed_format, version
):
    feed = parsed(client, f"/feeds/{language}/{TOPIC_PATHS[kind]}{feed_format}/")

    assert feed.version == version
    assert [entry.title for entry in feed.entries] == expected_titles(kind, language)
    assert feed.feed.language == ("en" if language == "en" else "vi")


@pytest.mark.usefixtures("articles")
def test_an_english_feed_reads_in_english_and_links_to_the_english_pages(client):
    feed = parsed(client, "/feeds/en/tags/hai-quan/atom/")

    assert feed.feed.title == "Navy — newsreader"
    assert feed.feed.link == "http://testserver/en/tags/hai-quan/"
    (entry,) = feed.entries
    assert entry.link == "http://testserver/en/articles/tuan-tra/"
    assert unescape(entry.summary) == "<p>Japan's navy steps up its patrols.</p>"
    assert entry.author == "Minh Ngọc"
    assert [tag.term for tag in entry.tags] == ["Navy"]


@pytest.mark.usefixtures("articles")
def test_a_vietnamese_feed_reads_in_vietnamese_and_links_to_the_pages_at_the_root(client):
    feed = parsed(client, "/feeds/vi/categories/bien-dong/rss/")

    assert feed.feed.title == "Biển Đông — newsreader"
    assert feed.feed.link == "http://testserver/categories/bien-dong/"
    assert [entry.link for entry in feed.entries] == [
        "http://testserver/articles/tau-ca/",
        "http://testserver/articles/tuan-tra/",
    ]
    assert [tag.term for tag in feed.entries[1].tags] == ["Hải quân"]
    assert feed.entries[1].published_parsed is not None


@pytest.mark.usefixtures("articles")
def test_a_feed_in_both_languages_gives_both_leads_each_marked_with_its_language(client):
    feed = parsed(client, "/feeds/both/entities/nhat-ban/rss/")

    translated = feed.entries[1]
    assert unescape(translated.summary) == (
        '<p lang="vi">Hải quân Nhật Bản tăng cường tuần tra.</p>'
        '<p lang="en">Japan\'s navy steps up its patrols.</p>'
    )
    assert feed.feed.title == "Nhật Bản / Japan — newsreader"


@pytest.mark.usefixtures("articles")
@pytest.mark.parametrize(
    "url",
    [
        "/feeds/fr/rss/",
        "/feeds/vi/tags/khong-co/rss/",
        "/feeds/en/entities/khong-co/atom/",
        "/feeds/both/categories/khong-co/rss/",
        "/feeds/vi/authors/nobody/rss/",
    ],
)
def test_a_feed_of_something_that_does_not_exist_is_not_found(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.usefixtures("articles")
def test_a_feed_costs_the_same_few_queries_however_many_articles_it_lists(
    client, django_assert_num_queries
):
    # the tag; its latest published articles; their tags
    with django_assert_num_queries(3):
        client.get("/feeds/both/tags/hai-quan/rss/")


@pytest.mark.usefixtures("articles")
@pytest.mark.parametrize(
    ("page", "feed_path"),
    [
        ("/", ""),
        ("/categories/bien-dong/", "categories/bien-dong/"),
        ("/entities/nhat-ban/", "entities/nhat-ban/"),
        ("/tags/hai-quan/", "tags/hai-quan/"),
        ("/en/", ""),
        ("/en/tags/hai-quan/", "tags/hai-quan/"),
    ],
)
def test_each_list_page_links_its_feeds_in_every_language_for_feed_readers_to_find(
    client, page, feed_path
):
    html = client.get(page).content.decode()

    linked = re.findall(
        r'<link rel="alternate" type="application/(rss|atom)\+xml" href="([^"]+)"', html
    )
    assert sorted(href for _kind, href in linked) == sorted(
        f"/feeds/{language}/{feed_path}{feed_format}/"
        for language in ("vi", "en", "both")
        for feed_format in ("rss", "atom")
    )
    for _kind, href in linked:
        parsed(client, href)
