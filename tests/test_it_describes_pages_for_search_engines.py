import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest

from articles import sitemaps
from articles.models import Entity
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    DraftArticleFactory,
    EntityFactory,
    TagFactory,
    TopicArticleFactory,
    mention,
)

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
SITE = "http://testserver"


@pytest.fixture
def article():
    japan = EntityFactory(slug="nhat-ban", name_vi="Nhật Bản", name_en="Japan")
    nato = EntityFactory(slug="nato", kind=Entity.Kind.ORGANISATION, name_vi="NATO", name_en="NATO")
    hanoi = EntityFactory(slug="ha-noi", name_vi="Hà Nội", name_en="Hanoi")
    navy = TagFactory(slug="hai-quan", name_vi="Hải quân", name_en="Navy")
    article = TopicArticleFactory(
        slug="tuan-tra",
        title_vi="Hà Nội và Tokyo bàn về tuần tra",
        title_en="Hanoi and Tokyo discuss patrols",
        lead_vi="Hải quân Nhật Bản tăng cường tuần tra.",
        lead_en="Japan's navy steps up its patrols.",
        author="Minh Ngọc",
        source_url="https://example.com/original",
        published_at=datetime(2025, 11, 6, 15, 4, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
        tags=[navy],
    )
    mention(article, japan, count=4)
    mention(article, hanoi, nato, count=1)
    CategoryFactory(slug="bien-dong", any_tags=[navy])
    return article


def xml(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def sitemap_urls(client, url: str) -> dict[str, dict[str, str]]:
    """{location: {hreflang: alternate location}} of one sitemap page."""
    urlset = xml(client, url)
    assert urlset.tag == f"{{{NS['s']}}}urlset"
    return {
        entry.findtext("s:loc", namespaces=NS): {
            link.get("hreflang"): link.get("href") for link in entry.findall("x:link", NS)
        }
        for entry in urlset.findall("s:url", NS)
    }


def both_versions(path: str) -> dict[str, dict[str, str]]:
    versions = {"vi": SITE + path, "en": f"{SITE}/en{path}", "x-default": SITE + path}
    return {SITE + path: versions, f"{SITE}/en{path}": versions}


def head_links(html: str, rel: str) -> list[tuple[str, str]]:
    """(hreflang, href) of each <link rel=…> without a type (feeds have one)."""
    return [
        (unescape(hreflang or ""), unescape(href))
        for hreflang, href in re.findall(
            rf'<link rel="{rel}"(?: hreflang="([^"]+)")? href="([^"]+)">', html
        )
    ]


def meta(html: str, name: str) -> str:
    (content,) = re.findall(rf'<meta (?:property|name)="{name}" content="([^"]*)">', html)
    return unescape(content)


def json_ld(html: str) -> dict:
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


def test_the_sitemap_index_lists_a_sitemap_for_each_kind_of_page(client, article):
    index = xml(client, "/sitemap.xml")

    assert index.tag == f"{{{NS['s']}}}sitemapindex"
    assert [entry.findtext("s:loc", namespaces=NS) for entry in index] == [
        f"{SITE}/sitemap-{section}.xml"
        for section in ("pages", "articles", "categories", "entities", "tags")
    ]
    articles_entry = index[1]
    assert articles_entry.findtext("s:lastmod", namespaces=NS).startswith(
        article.updated_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%Y-%m-%dT%H:%M")
    )


def test_the_sitemap_lists_each_published_page_in_both_languages_with_alternates(client, article):
    DraftArticleFactory(slug="ban-nhap")

    assert sitemap_urls(client, "/sitemap-pages.xml") == both_versions("/")
    assert sitemap_urls(client, "/sitemap-articles.xml") == both_versions("/articles/tuan-tra/")
    assert sitemap_urls(client, "/sitemap-categories.xml") == both_versions(
        "/categories/bien-dong/"
    )
    assert sitemap_urls(client, "/sitemap-tags.xml") == both_versions("/tags/hai-quan/")
    assert set(sitemap_urls(client, "/sitemap-entities.xml")) == {
        SITE + path
        for slug in ("nhat-ban", "nato", "ha-noi")
        for path in (f"/entities/{slug}/", f"/en/entities/{slug}/")
    }


def test_a_large_sitemap_is_split_into_pages_the_index_points_to(client, monkeypatch):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 4)
    for number in range(5):
        ArticleFactory(slug=f"bai-{number}")

    pages = [
        entry.findtext("s:loc", namespaces=NS)
        for entry in xml(client, "/sitemap.xml")
        if "articles" in entry.findtext("s:loc", namespaces=NS)
    ]
    listed = [set(sitemap_urls(client, page.removeprefix(SITE))) for page in pages]

    assert pages == [f"{SITE}/sitemap-articles.xml"] + [
        f"{SITE}/sitemap-articles.xml?p={n}" for n in (2, 3)
    ]
    assert [len(urls) for urls in listed] == [4, 4, 2]
    assert set().union(*listed) == {
        SITE + prefix + f"/articles/bai-{number}/" for number in range(5) for prefix in ("", "/en")
    }


def test_robots_txt_lets_crawlers_in_and_points_them_at_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {SITE}/sitemap.xml",
    ]


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("/articles/tuan-tra/?view=en&highlight=1", "/articles/tuan-tra/"),
        ("/en/articles/tuan-tra/?view=interleaved", "/en/articles/tuan-tra/"),
        ("/?tag=hai-quan&sort=oldest&page=1", "/"),
        ("/?tag=hai-quan&page=2", "/?page=2"),
        ("/en/tags/hai-quan/?entity=nato", "/en/tags/hai-quan/"),
        ("/search/?q=Nh%E1%BA%ADt&source=reuters", "/search/?q=Nh%E1%BA%ADt"),
    ],
)
def test_each_page_names_its_canonical_url_without_filters_or_reading_modes(
    client, article, url, canonical
):
    html = client.get(url).content.decode()

    assert head_links(html, "canonical") == [("", SITE + canonical)]
    assert meta(html, "og:url") == SITE + canonical


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_each_page_points_to_its_version_in_the_other_language(client, article, prefix):
    html = client.get(f"{prefix}/entities/nhat-ban/?page=2&sort=oldest").content.decode()

    assert head_links(html, "alternate") == [
        ("vi", f"{SITE}/entities/nhat-ban/?page=2"),
        ("x-default", f"{SITE}/entities/nhat-ban/?page=2"),
        ("en", f"{SITE}/en/entities/nhat-ban/?page=2"),
    ]


@pytest.mark.parametrize(
    ("prefix", "title", "locale", "other_locale"),
    [
        ("", "Hà Nội và Tokyo bàn về tuần tra", "vi_VN", "en_GB"),
        ("/en", "Hanoi and Tokyo discuss patrols", "en_GB", "vi_VN"),
    ],
)
def test_an_article_describes_itself_for_social_links(
    client, article, prefix, title, locale, other_locale
):
    html = client.get(f"{prefix}/articles/tuan-tra/").content.decode()

    assert meta(html, "og:type") == "article"
    assert meta(html, "og:title") == title
    assert meta(html, "og:description") in (article.lead_vi, article.lead_en)
    assert meta(html, "og:locale") == locale
    assert meta(html, "og:locale:alternate") == other_locale
    assert meta(html, "og:site_name") == "newsreader"
    assert meta(html, "article:published_time") == "2025-11-06T15:04:00+07:00"
    assert meta(html, "article:tag") in ("Hải quân", "Navy")
    assert meta(html, "twitter:card") == "summary"


def test_a_list_page_describes_itself_for_social_links(client, article):
    html = client.get("/en/tags/hai-quan/").content.decode()

    assert meta(html, "og:type") == "website"
    assert meta(html, "og:title") == "Navy"
    assert '<script type="application/ld+json">' not in html


def test_an_article_carries_news_article_structured_data_about_its_entities(client, article):
    data = json_ld(client.get("/articles/tuan-tra/").content.decode())

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Hà Nội và Tokyo bàn về tuần tra"
    assert data["alternativeHeadline"] == "Hanoi and Tokyo discuss patrols"
    assert data["inLanguage"] == "vi"
    assert data["datePublished"] == "2025-11-06T15:04:00+07:00"
    assert abs(datetime.fromisoformat(data["dateModified"]) - article.updated_at) < timedelta(
        seconds=1
    )
    assert data["url"] == data["mainEntityOfPage"] == f"{SITE}/articles/tuan-tra/"
    assert data["author"] == [{"@type": "Person", "name": "Minh Ngọc"}]
    assert data["isBasedOn"] == "https://example.com/original"
    assert data["keywords"] == ["Hải quân"]
    # about: the most mentioned (Japan) and the one in the title (Hanoi); mentions: the rest
    assert data["about"] == [
        {
            "@type": "Place",
            "name": "Nhật Bản",
            "alternateName": "Japan",
            "url": f"{SITE}/entities/nhat-ban/",
        },
        {
            "@type": "Place",
            "name": "Hà Nội",
            "alternateName": "Hanoi",
            "url": f"{SITE}/entities/ha-noi/",
        },
    ]
    assert data["mentions"] == [
        {"@type": "Organization", "name": "NATO", "url": f"{SITE}/entities/nato/"}
    ]


def test_the_english_page_describes_the_article_in_english(client, article):
    data = json_ld(client.get("/en/articles/tuan-tra/").content.decode())

    assert (data["headline"], data["inLanguage"]) == ("Hanoi and Tokyo discuss patrols", "en")
    assert data["alternativeHeadline"] == "Hà Nội và Tokyo bàn về tuần tra"
    assert data["about"][0]["name"] == "Japan"
    assert data["about"][0]["url"] == f"{SITE}/en/entities/nhat-ban/"


def test_an_untranslated_article_is_described_in_vietnamese_on_the_english_page(client):
    ArticleFactory(slug="chi-tieng-viet", title_vi="Chỉ tiếng Việt", title_en="", lead_en="")

    data = json_ld(client.get("/en/articles/chi-tieng-viet/").content.decode())

    assert (data["headline"], data["inLanguage"]) == ("Chỉ tiếng Việt", "vi")
    assert "alternativeHeadline" not in data
    assert "about" not in data and "mentions" not in data


def test_structured_data_cannot_break_out_of_its_script_block(client):
    title = 'Tin nóng </script><script>alert("x")</script> & <!-- hết'
    ArticleFactory(slug="nguy-hiem", title_vi=title)

    html = client.get("/articles/nguy-hiem/").content.decode()

    assert "<script>alert" not in html
    assert json_ld(html)["headline"] == title
