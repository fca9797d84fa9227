"""Every unique query string (?utm_source=1, 2, …) missed every cache layer, ran the list's
queries and was stored for 24 hours, about 55 KB a request. Now a page is kept under the
parameters it understands, with values it could use, so junk shares one entry; every
entry expires; and the sitemaps are kept until the content changes."""

import pytest
from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT

from newsreader import pagecache
from tests.factories import ArticleFactory, EntityFactory, TagFactory, TopicArticleFactory

pytestmark = pytest.mark.django_db

JUNK = [
    *(f"utm_source={n}" for n in range(1, 6)),
    *(f"zzz={n}" for n in range(1, 6)),
    "utm_medium=email&utm_campaign=x&fbclid=1",
    "page=&translated=",  # empty: as if not given
]


class Writes:
    """Every entry written to the cache, with its lifetime."""

    def __init__(self, monkeypatch):
        self.entries: dict[str, float | None] = {}
        for name in ("set", "add", "get_or_set"):
            monkeypatch.setattr(cache, name, self._recording(getattr(cache, name)))
        set_many = cache.set_many

        def recording_set_many(data, timeout=DEFAULT_TIMEOUT, **kwargs):
            for key in data:
                self._note(key, timeout)
            return set_many(data, timeout, **kwargs)

        monkeypatch.setattr(cache, "set_many", recording_set_many)

    def _recording(self, method):
        def recording(key, value, timeout=DEFAULT_TIMEOUT, **kwargs):
            self._note(key, timeout)
            return method(key, value, timeout, **kwargs)

        return recording

    def _note(self, key, timeout) -> None:
        if timeout != 0:  # a lifetime of 0 keeps nothing
            self.entries[key] = timeout

    def new_since(self, before: set[str]) -> set[str]:
        return set(self.entries) - before


@pytest.fixture
def writes(monkeypatch) -> Writes:
    return Writes(monkeypatch)


@pytest.fixture
def pages():
    tag, entity = TagFactory(slug="hai-quan"), EntityFactory(slug="nhat-ban")
    for _ in range(3):
        TopicArticleFactory(tags=[tag], entities=[entity])
    return {
        "home": "/",
        "filtered": "/en/?tag=hai-quan&sort=oldest",
        "search": "/search/?q=hop+tac",
        "tag": "/tags/hai-quan/",
        "entity": "/entities/nhat-ban/?sort=newest",
        "article": ArticleFactory(slug="bai-viet").get_absolute_url() + "?view=en",
        "sitemap": "/sitemap-articles.xml",
    }


def with_junk(url: str, junk: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{junk}"


@pytest.mark.parametrize("page", ["home", "filtered", "search", "tag", "entity", "article"])
def test_junk_in_the_query_string_is_served_from_the_one_cached_entry(
    client, pages, writes, django_assert_num_queries, page
):
    url = pages[page]
    client.get(url)  # (an article page asked for in a reading mode remembers it first)
    first = client.get(with_junk(url, JUNK[0]))
    assert first.status_code == 200
    kept = set(writes.entries)

    for junk in JUNK[1:]:
        with django_assert_num_queries(0):
            response = client.get(with_junk(url, junk))
        assert "Age" in response, junk  # served from the cache
        assert response.content == first.content, junk

    assert writes.new_since(kept) == set()
    assert client.get(url).content == first.content


@pytest.mark.parametrize(
    ("asked", "junk"),
    [
        ("", "view=sideways"),  # not a reading mode: the page shows the reader's own
        ("", "highlight=please"),
        ("view=en", "view=en&view=en&view=en"),
        ("view=en", "view=vi&view=en"),  # the last one counts
    ],
)
def test_values_an_article_page_does_not_use_share_the_entry_without_them(
    client, pages, writes, django_assert_num_queries, asked, junk
):
    url = pages["article"].removesuffix("?view=en")
    client.get(with_junk(url, asked) if asked else url)  # the reader's mode, remembered
    first = client.get(with_junk(url, asked) if asked else url)
    kept = set(writes.entries)

    with django_assert_num_queries(0):
        response = client.get(with_junk(url, junk))

    assert "Age" in response
    assert response.content == first.content
    assert writes.new_since(kept) == set()


BAD_VALUES = {
    "not a choice": ("/", [f"sort=sideways{n}" for n in range(3)]),
    "past the last page": ("/", [f"page={n}" for n in (99, 100, 101)]),
    "a page number padded": ("/", [f"page={'0' * n}1" for n in range(1, 4)]),
    "a date padded": ("/", [f"date_from={'%20' * n}2024-03-10" for n in range(1, 4)]),
    "a date written otherwise": ("/", ["date_from=03/10/2024", "date_from=03/10/24"]),
    "a tag that is not": ("/", [f"tag=khong-co-{n}" for n in range(3)]),
    "a search padded": ("/search/?q=hop+tac", [f"q={'%20' * n}hop+tac" for n in range(1, 4)]),
}


@pytest.mark.parametrize("family", BAD_VALUES)
def test_a_list_shown_for_values_it_would_not_write_keeps_nothing_more(
    client, pages, writes, family
):
    url, variants = BAD_VALUES[family]
    client.get(url)
    path = url.split("?")[0]
    first = client.get(f"{path}?{variants[0]}")
    kept = set(writes.entries)

    for variant in variants[1:]:
        response = client.get(f"{path}?{variant}")
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], variant

    assert "no-store" in first["Cache-Control"]
    assert writes.new_since(kept) == set()


def test_every_entry_in_the_cache_expires(client, pages, writes):
    for url in pages.values():
        assert client.get(url).status_code == 200
        assert client.get(with_junk(url, "utm_source=1")).status_code == 200
    for url in ("/sitemap.xml", "/sitemap-entities.xml", "/search/suggest/?q=nhat"):
        assert client.get(url).status_code == 200

    forever = {key for key, timeout in writes.entries.items() if timeout is None}
    lifetimes = [timeout for timeout in writes.entries.values() if timeout is not None]

    assert forever <= {pagecache.VERSION_KEY, pagecache.CHANGED_AT_KEY}
    assert max(lifetimes) <= pagecache.STALE_SECONDS
    assert any(key.startswith("page:") for key in writes.entries)


def test_a_sitemap_is_kept_until_the_content_changes(client, pages, django_assert_num_queries):
    first = client.get("/sitemap-articles.xml")

    with django_assert_num_queries(0):
        again = client.get("/sitemap-articles.xml?utm_source=1")
    assert again.content == first.content
    assert again["X-Robots-Tag"] == first["X-Robots-Tag"]

    ArticleFactory(slug="bai-moi")
    pagecache.content_changed()  # as once the change commits

    assert b"/articles/bai-moi/" in client.get("/sitemap-articles.xml").content
