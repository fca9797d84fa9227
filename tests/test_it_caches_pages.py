import pytest
from django.core.cache import cache

from newsreader.pagecache import VERSION_KEY
from tests.factories import ArticleFactory


@pytest.fixture
def article(db):
    return ArticleFactory(title_vi="Tin ban đầu")


def test_an_anonymous_reader_gets_a_cached_page_without_touching_the_database(
    client, article, django_assert_num_queries
):
    client.get("/")

    with django_assert_num_queries(0):
        response = client.get("/")

    assert "Tin ban đầu" in response.content.decode()


def test_staff_always_get_a_fresh_article_page(client, admin_client, article):
    client.get(article.get_absolute_url())
    article.title_vi = "Tin đã sửa"
    article.save()  # the content version changes only once this commits

    assert "Tin đã sửa" in admin_client.get(article.get_absolute_url()).content.decode()
    assert "Tin đã sửa" not in client.get(article.get_absolute_url()).content.decode()


def test_an_unchanged_article_page_answers_a_conditional_get_with_304(client, article):
    first = client.get(article.get_absolute_url())

    again = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""


def test_each_reading_mode_is_cached_separately(client, article):
    client.get(article.get_absolute_url() + "?view=en")
    client.cookies.pop("reading_mode", None)

    html = client.get(article.get_absolute_url()).content.decode()

    assert 'class="article mode-parallel' in html


def test_a_page_asks_the_cache_for_the_content_version_once(client, article, monkeypatch):
    """Every kept part of a page is keyed on the content version; with a shared cache
    each read is a round trip, so a request reads it once and keeps it."""
    asked = []
    get_or_set = cache.get_or_set

    def counting_get_or_set(key, *args, **kwargs):
        asked.append(key)
        return get_or_set(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get_or_set", counting_get_or_set)

    for url in ("/", "/search/?q=ban", article.get_absolute_url()):
        asked.clear()
        assert client.get(url).status_code == 200
        assert asked.count(VERSION_KEY) == 1, url


def test_the_embedded_cache_keeps_ten_thousand_entries(settings):
    if settings.REDIS_URL:
        pytest.skip("Redis is sized by its own maxmemory")
    cache.clear()
    for number in range(10_000):  # five thousand pages, each with its copy for outages
        cache.set(f"entry:{number}", number)

    assert cache.get("entry:0") == 0
