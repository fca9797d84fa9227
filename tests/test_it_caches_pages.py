import pytest
from django.core.cache import cache

from newsreader import pagecache
from newsreader.pagecache import VERSION_KEY, remember
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


@pytest.mark.parametrize("path", ["/", "/en/", "/search/?q=tin"])
def test_a_kept_page_carries_the_headers_of_the_page_first_rendered(client, article, path):
    fresh = client.get(path)

    kept = client.get(path)

    assert "Age" not in fresh and "Age" in kept
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Language", "ETag"):
        assert kept[header] == fresh[header], header
    assert kept.get("Vary") == fresh.get("Vary")
    assert kept.content == fresh.content


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


def round_trips(monkeypatch, methods: tuple[str, ...], many: str) -> list[tuple[str, list]]:
    """Every call of these methods of the cache, each a round trip with a shared cache:
    (method, keys); `many` takes several keys. A call made inside another (the local
    cache's get_many() calls get()) is not one of its own."""
    calls, inside = [], []
    for method in methods:
        original = getattr(cache, method)

        def counting(key, *args, _method=method, _original=original, **kwargs):
            if not inside:
                calls.append((_method, list(key) if _method == many else [key]))
            inside.append(_method)
            try:
                return _original(key, *args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(cache, method, counting)
    return calls


@pytest.fixture
def cache_calls(monkeypatch) -> list[tuple[str, list]]:
    """Every read of the cache: (method, keys)."""
    return round_trips(monkeypatch, ("get", "get_many", "get_or_set"), many="get_many")


def test_a_page_asks_the_cache_for_the_content_version_once(client, article, cache_calls):
    """Every kept part of a page is keyed on the content version; with a shared cache
    each read is a round trip, so a request reads it once and keeps it."""
    cache.set(VERSION_KEY, 1, None)  # as after a site's first request
    for url in ("/", "/search/?q=ban", article.get_absolute_url()):
        cache_calls.clear()
        assert client.get(url).status_code == 200
        assert sum(VERSION_KEY in keys for _method, keys in cache_calls) == 1, url


def test_a_kept_page_costs_one_round_trip_to_the_cache(client, article, cache_calls):
    for url in ("/", "/search/?q=ban", article.get_absolute_url()):
        first = client.get(url)
        cache_calls.clear()
        again = client.get(url)

        assert again.content == first.content
        assert "Age" in again
        assert len(cache_calls) == 1, (url, cache_calls)


@pytest.fixture
def cache_writes(monkeypatch) -> list[tuple[str, list]]:
    """Every write to the cache: (method, keys)."""
    return round_trips(monkeypatch, ("set", "set_many"), many="set_many")


def test_a_first_reader_keeps_the_page_and_its_parts_in_a_write_for_each_expiry(
    client, article, cache_writes
):
    """What a page's first reader made (the page, its parts, their list) is written once
    they have the response, the entries that expire alike together."""
    for url in ("/", "/search/?q=ban", article.get_absolute_url()):
        cache_writes.clear()
        first = client.get(url)

        assert len(cache_writes) <= 2, (url, cache_writes)
        again = client.get(url)
        assert again.content == first.content
        assert "Age" in again, url


def test_the_embedded_cache_keeps_ten_thousand_entries(settings):
    if settings.REDIS_URL:
        pytest.skip("Redis is sized by its own maxmemory")
    cache.clear()
    for number in range(10_000):  # ten thousand pages, each its own copy for outages
        cache.set(f"entry:{number}", number)

    assert cache.get("entry:0") == 0


def test_a_new_release_reads_nothing_the_last_one_kept(monkeypatch):
    """Kept parts of pages are Python objects, which the next release of the code may not
    read: a page served right after a release renders them again."""
    assert remember(("a part",), lambda: "as the last release made it") == (
        "as the last release made it"
    )
    monkeypatch.setattr(pagecache, "RELEASE", "the next release")

    assert remember(("a part",), lambda: "as this one makes it") == "as this one makes it"


def test_a_release_is_named_by_its_code_and_templates(settings, tmp_path):
    for name in ("articles/views.py", "newsreader/settings.py", "templates/jinja2/base.html"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("first")
    settings.BASE_DIR = tmp_path
    first = pagecache._release()

    (tmp_path / "templates/jinja2/base.html").write_text("second")

    assert pagecache._release() != first


def test_a_page_rendered_again_from_its_kept_parts_reads_them_in_one_round_trip(
    client, article, cache_calls, settings
):
    """With a shared cache each read is a round trip: a page that is not kept whole (or
    not yet) reads the content version, the page and the list of its parts in one, then
    every part it renders from in one more."""
    settings.PAGE_CACHE_SECONDS = 0  # pages are rendered each time, from their kept parts
    for url in ("/", "/search/?q=ban", article.get_absolute_url()):
        first = client.get(url)
        cache_calls.clear()
        again = client.get(url)

        assert again.content == first.content
        assert len(cache_calls) == 2, (url, cache_calls)


def test_parts_read_ahead_are_those_of_the_current_content(
    client, article, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/")
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        article.title_vi = "Tin đã sửa"
        article.save()

    assert "Tin đã sửa" in client.get("/").content.decode()
