import re
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.editors import (
    change_url,
    open_form,
    save,
)
from tests.factories import ArticleFactory, DraftArticleFactory

pytestmark = pytest.mark.usefixtures("english_site")

PUBLICATION = timezone.now().replace(microsecond=0) + timedelta(days=1)


def at(moment):
    """Pretend the clock shows this moment."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture
def scheduled(db):
    return ArticleFactory(title_vi="Tin hẹn giờ", published_at=PUBLICATION)


def test_a_scheduled_article_is_hidden_until_the_very_moment_it_is_due(client, scheduled):
    with at(PUBLICATION - timedelta(microseconds=1)):
        assert client.get(scheduled.get_absolute_url()).status_code == 404
        assert "Tin hẹn giờ" not in client.get("/").content.decode()


def test_a_scheduled_article_appears_at_its_time_without_any_job_running(client, scheduled):
    with at(PUBLICATION):
        assert client.get(scheduled.get_absolute_url()).status_code == 200
        assert "Tin hẹn giờ" in client.get("/").content.decode()


def test_an_editor_schedules_an_article_from_the_form(admin_client, client):
    article = DraftArticleFactory()
    data = open_form(admin_client, article)
    local = timezone.localtime(PUBLICATION)

    data |= {
        "status": ["published"],
        "published_at_0": [local.strftime("%Y-%m-%d")],
        "published_at_1": [local.strftime("%H:%M:%S")],
    }
    save(admin_client, article, data)

    article.refresh_from_db()
    assert (article.status, article.published_at) == (Article.Status.PUBLISHED, PUBLICATION)
    assert client.get(article.get_absolute_url()).status_code == 404
    with at(PUBLICATION):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_publishing_without_a_time_publishes_now(admin_client, client):
    article = DraftArticleFactory()
    data = open_form(admin_client, article) | {"status": ["published"]}

    save(admin_client, article, data)

    article.refresh_from_db()
    assert article.published_at <= timezone.now()
    assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("status", ["draft", "in_review"])
def test_drafts_and_articles_in_review_are_hidden_from_readers(admin_client, client, status):
    article = DraftArticleFactory()
    save(admin_client, article, open_form(admin_client, article) | {"status": [status]})

    assert Article.objects.get(pk=article.pk).status == status
    assert client.get(article.get_absolute_url()).status_code == 404
    assert article.title_vi not in client.get("/").content.decode()


@pytest.mark.parametrize("status", ["draft", "in_review"])
def test_staff_preview_an_unpublished_article_as_readers_will_see_it(admin_client, status):
    article = DraftArticleFactory(status=status, paragraphs=[("Đoạn riêng.", "Own paragraph.")])

    response = admin_client.get(article.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert "notice-draft" in page
    assert "Đoạn riêng." in page and "Own paragraph." in page


def test_the_admin_links_to_the_preview(admin_client):
    article = DraftArticleFactory()

    page = admin_client.get(change_url(article)).content.decode()

    link = re.search(r'<a href="([^"]+)" class="viewsitelink"', page)[1]
    assert (
        admin_client.get(link, follow=True)
        .redirect_chain[-1][0]
        .endswith(article.get_absolute_url())
    )


def test_a_logged_in_reader_who_is_not_staff_gets_no_preview(client, django_user_model):
    article = DraftArticleFactory()
    client.force_login(django_user_model.objects.create_user("reader", password="x"))

    assert client.get(article.get_absolute_url()).status_code == 404
    admin = client.get(reverse("admin:articles_article_changelist"))
    assert admin.status_code == 302 and "/admin/login/" in admin["Location"]
