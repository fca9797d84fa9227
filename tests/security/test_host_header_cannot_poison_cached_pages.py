"""`curl -H 'Host: localhost:6666' /?sort=oldest` was cached under the page's path alone:
the next plain visitor got a canonical link, og:url and JSON-LD pointing at localhost:6666,
and the 24-hour copy kept for outages served it on. Now pages, feeds, sitemaps and
robots.txt name SITE_URL whatever the Host header says, and where it is unset (in
development) the page cache keys pages on the scheme and host they name."""

import json
import re
from html import unescape

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from newsreader import pagecache
from tests.factories import EntityFactory, TagFactory, TopicArticleFactory

pytestmark = pytest.mark.django_db

ATTACKER_HOST = "localhost:6666"
SITE = "https://news.example.org"
NAMESPACES = ("http://www.w3.org/", "http://www.sitemaps.org/", "https://schema.org")


@pytest.fixture
def article():
    return TopicArticleFactory(
        slug="tuan-tra", tags=[TagFactory(slug="hai-quan")], entities=[EntityFactory()]
    )


def attack(url: str):
    return Client().get(url, HTTP_HOST=ATTACKER_HOST)


def named_addresses(response) -> list[str]:
    """Every absolute URL a page, feed, sitemap or robots.txt names."""
    return re.findall(r"https?://[^\s\"'<>]+", unescape(response.content.decode()))


def canonical(response) -> str:
    (href,) = re.findall(r'<link rel="canonical" href="([^"]+)">', response.content.decode())
    return unescape(href)


def json_ld(response) -> dict:
    (block,) = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(block)


def test_a_forged_host_does_not_reach_the_next_visitor_of_a_list(client, article):
    attacked = attack("/?sort=oldest")
    assert canonical(attacked) == f"http://{ATTACKER_HOST}/"  # its own page, as it asked

    response = client.get("/?sort=oldest")

    assert canonical(response) == "http://testserver/"
    assert ATTACKER_HOST not in response.content.decode()


def test_a_forged_host_does_not_reach_the_next_reader_of_an_article(client, article):
    attack(article.get_absolute_url())

    response = client.get(article.get_absolute_url())

    assert json_ld(response)["url"] == "http://testserver/articles/tuan-tra/"
    assert ATTACKER_HOST not in response.content.decode()


def test_the_copy_kept_for_an_outage_is_not_the_forged_one(client, article, monkeypatch):
    client.get("/?sort=oldest")
    attack("/?sort=oldest")
    pagecache.content_changed()  # the fresh copies are gone; the ones for outages are not

    def database_down(*args, **kwargs):
        raise OperationalError("the database is unreachable")

    monkeypatch.setattr("articles.views.list_page", database_down)
    response = client.get("/?sort=oldest")

    assert response["Cache-Control"] == "no-store"  # the copy kept for outages
    assert canonical(response) == "http://testserver/"
    assert ATTACKER_HOST not in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/?sort=oldest",
        "/en/",
        "/articles/tuan-tra/",
        "/tags/hai-quan/",
        "/search/?q=hop+tac",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-entities.xml",
        "/sitemap-tags.xml",
        "/robots.txt",
        reverse("feeds:rss", kwargs={"language": "vi"}),
        reverse("feeds:atom", kwargs={"language": "both", "kind": "tags", "slug": "hai-quan"}),
        "/feeds/en/search/rss/?q=hop+tac&tag=hai-quan",
    ],
)
def test_with_a_site_url_every_address_names_the_site_whatever_the_host(
    client, article, settings, url
):
    settings.SITE_URL = SITE

    attacked = attack(url)
    response = client.get(url)

    for served in (attacked, response):
        assert served.status_code == 200, url
        addresses = named_addresses(served)
        assert addresses, url
        assert [a for a in addresses if not a.startswith((f"{SITE}/", *NAMESPACES))] == []
