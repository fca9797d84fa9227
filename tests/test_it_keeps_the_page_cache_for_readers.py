"""Readers keep their cached pages until what they read has changed and the change is
committed: logins, logouts, reading and admin forms that saved nothing leave the cache
alone. A cached page says in its Age header how many seconds ago it was rendered."""

import pytest
from django.db import OperationalError, transaction
from django.test import Client
from django.urls import reverse

from articles.models import Article
from newsreader import pagecache
from tests.editors import change_url, client_for, open_form, save
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    EntityFactory,
    TagFactory,
    TopicArticleFactory,
)

LOGIN = reverse("admin:login")
LOGOUT = reverse("admin:logout")


class Clock:
    """The page cache's time.time(), moved on by the test."""

    now = 1_700_000_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(pagecache, "time", clock)
    return clock


@pytest.fixture
def commit(db):
    """What committing would do to what waits for the test's transaction (which itself
    never commits): run its on-commit callbacks, and forget them."""

    def run() -> None:
        connection = transaction.get_connection()
        waiting, connection.run_on_commit = connection.run_on_commit, []
        for _sids, callback, _robust in waiting:
            callback()

    return run


@pytest.fixture
def article(commit) -> Article:
    article = ArticleFactory(title_vi="Tin ban đầu")
    commit()
    return article


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("editor", password="right-password")


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# --- What leaves the cache alone -------------------------------------------------------------


def logs_in(browser: Client) -> None:
    response = browser.post(LOGIN, {"username": "editor", "password": "right-password"})
    assert response.status_code == 302


def fails_to_log_in(browser: Client) -> None:
    assert browser.post(LOGIN, {"username": "editor", "password": "wrong"}).status_code == 200


def logs_in_and_out(browser: Client) -> None:
    logs_in(browser)
    assert browser.post(LOGOUT).status_code == 200
    assert "_auth_user_id" not in browser.session


def logs_out_without_being_logged_in(browser: Client) -> None:
    assert browser.post(LOGOUT).status_code == 302  # to /admin/, which asks for a login


def posts_an_admin_form_without_logging_in(browser: Client) -> None:
    response = browser.post(reverse("admin:articles_source_add"), {"name": "AFP", "slug": "afp"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "visitor_does",
    [
        logs_in,
        fails_to_log_in,
        logs_in_and_out,
        logs_out_without_being_logged_in,
        posts_an_admin_form_without_logging_in,
    ],
)
def test_a_reader_keeps_the_cached_page_whoever_logs_in_or_out(
    client, article, editor, commit, clock, visitor_does
):
    client.get("/")
    version = pagecache.version()
    clock.now += 5

    visitor_does(Client())
    commit()

    assert pagecache.version() == version
    assert client.get("/")["Age"] == "5"


def test_reading_every_kind_of_page_leaves_cached_pages_alone(client, commit, clock):
    tag, entity = TagFactory(), EntityFactory()
    category = CategoryFactory(any_tags=[tag])
    article = TopicArticleFactory(title_vi="Tin ban đầu", tags=[tag], entities=[entity])
    commit()
    client.get("/")
    version = pagecache.version()
    clock.now += 5
    pages = {
        "/": 200,
        "/en/": 200,
        "/search/?q=ban+đầu": 200,
        "/search/suggest/?q=Nơi": 200,
        article.get_absolute_url(): 200,
        f"{article.get_absolute_url()}?view=en": 200,
        category.get_absolute_url(): 200,
        tag.get_absolute_url(): 200,
        entity.get_absolute_url(): 200,
        reverse("feeds:rss", kwargs={"language": "vi"}): 200,
        reverse("feeds:atom", kwargs={"language": "both", "kind": "tags", "slug": tag.slug}): 200,
        "/sitemap.xml": 200,
        "/sitemap-articles.xml": 200,
        "/robots.txt": 200,
        "/healthz": 200,
        LOGIN: 200,
        "/admin/": 302,
        "/articles/khong-co-bai-nay/": 404,
    }

    other_reader = Client()
    for url, status in pages.items():
        assert other_reader.get(url).status_code == status, url
        assert other_reader.head(url).status_code == status, url
    commit()

    assert pagecache.version() == version
    assert client.get("/")["Age"] == "5"


def test_an_admin_form_that_saved_nothing_leaves_cached_pages_alone(
    client, article, editor, commit, clock
):
    client.get(article.get_absolute_url())
    version = pagecache.version()
    clock.now += 5
    editing = client_for(editor)
    data = open_form(editing, article)
    data["title_vi"] = [""]

    response = editing.post(change_url(article), data)
    commit()

    assert response.status_code == 200
    assert "title_vi" in response.context["adminform"].form.errors
    assert pagecache.version() == version
    response = client.get(article.get_absolute_url())
    assert response["Age"] == "5"
    assert "Tin ban đầu" in text(response)


# --- What makes pages fresh, once committed --------------------------------------------------


def test_an_article_saved_in_the_admin_reaches_readers_once_committed(
    client, article, editor, django_capture_on_commit_callbacks
):
    client.get(article.get_absolute_url())
    version = pagecache.version()
    editing = client_for(editor)
    data = open_form(editing, article)
    data["title_vi"] = ["Tin đã sửa"]

    with django_capture_on_commit_callbacks() as callbacks:
        save(editing, article, data)

    assert pagecache.version() == version
    before_commit = client.get(article.get_absolute_url())
    assert "Age" in before_commit
    assert "Tin ban đầu" in text(before_commit)
    for callback in callbacks:
        callback()
    assert pagecache.version() > version
    after_commit = client.get(article.get_absolute_url())
    assert "Age" not in after_commit
    assert "Tin đã sửa" in text(after_commit)


def test_a_change_rolled_back_leaves_cached_pages_alone(client, article, commit):
    client.get(article.get_absolute_url())
    version = pagecache.version()

    with pytest.raises(RuntimeError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(title_vi="Tin bỏ dở")
        raise RuntimeError
    commit()

    assert pagecache.version() == version
    assert "Tin ban đầu" in text(client.get(article.get_absolute_url()))


def test_a_bulk_update_from_the_shell_reaches_readers_once_committed(
    client, article, django_capture_on_commit_callbacks
):
    client.get("/")
    client.get(article.get_absolute_url())
    version = pagecache.version()

    with django_capture_on_commit_callbacks() as callbacks:
        Article.objects.filter(pk=article.pk).update(title_vi="Tin sửa hàng loạt")

    assert pagecache.version() == version
    for callback in callbacks:
        callback()
    assert pagecache.version() > version
    assert "Tin sửa hàng loạt" in text(client.get("/"))
    assert "Tin sửa hàng loạt" in text(client.get(article.get_absolute_url()))


# --- How old a cached page is ----------------------------------------------------------------


def test_a_cached_page_says_how_many_seconds_ago_it_was_rendered(client, article, clock):
    assert "Age" not in client.get("/")  # rendered for this request

    clock.now += 0.5
    assert client.get("/")["Age"] == "0"
    clock.now += 7
    assert client.get("/")["Age"] == "7"
    clock.now += 30
    assert client.get("/")["Age"] == "37"


def test_the_copy_served_while_the_database_is_down_says_how_old_it_is(
    client, article, commit, clock, monkeypatch
):
    client.get("/")
    clock.now += 90
    Article.objects.filter(pk=article.pk).update(title_vi="Tin mới")
    commit()

    def database_down(*args, **kwargs):
        raise OperationalError("the database is unreachable")

    monkeypatch.setattr("articles.views.list_page", database_down)
    response = client.get("/")

    assert response["Age"] == "90"
    assert response["Cache-Control"] == "no-store"
    assert "Tin ban đầu" in text(response)
