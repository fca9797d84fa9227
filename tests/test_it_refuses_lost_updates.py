import html
import re

import pytest
from django.urls import reverse

from articles import publishing
from articles.models import Article
from tests.editors import (
    change_url,
    client_for,
    open_form,
    pair_prefix,
)
from tests.factories import ArticleFactory

pytestmark = pytest.mark.usefixtures("english_site")


@pytest.fixture
def article(db):
    return ArticleFactory(title_vi="Tiêu đề gốc", paragraphs=[("Một.", "One."), ("Hai.", "Two.")])


@pytest.fixture
def alice(django_user_model):
    return client_for(django_user_model.objects.create_superuser("alice", "a@example.com", "x"))


@pytest.fixture
def bob(django_user_model):
    return client_for(django_user_model.objects.create_superuser("bob", "b@example.com", "x"))


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_second_of_two_saves_of_the_same_version_is_refused(alice, bob, article):
    alices_form = open_form(alice, article)
    bobs_form = open_form(bob, article)
    alices_form["title_vi"] = ["Tiêu đề của Alice"]
    assert alice.post(change_url(article), alices_form).status_code == 302

    bobs_form["title_vi"] = ["Tiêu đề của Bob"]
    bobs_form[f"{pair_prefix(bobs_form, 'Hai.')}-text_en"] = ["Two, as Bob put it."]
    response = bob.post(change_url(article), bobs_form)

    assert response.status_code == 200
    text = page_text(response)
    assert "Someone else saved this article after you opened it" in text
    assert "alice saved it at" in text
    article.refresh_from_db()
    assert article.title_vi == "Tiêu đề của Alice"
    assert article.paragraphs.get(position=2).text_en == "Two."


def test_the_refused_form_keeps_everything_the_editor_typed(alice, bob, article):
    alices_form, bobs_form = open_form(alice, article), open_form(bob, article)
    alices_form["title_vi"] = ["Tiêu đề của Alice"]
    alice.post(change_url(article), alices_form)

    bobs_form["title_vi"] = ["Tiêu đề của Bob"]
    bobs_form[f"{pair_prefix(bobs_form, 'Hai.')}-text_en"] = ["Two, as Bob put it."]
    text = page_text(bob.post(change_url(article), bobs_form))

    assert re.search(r'name="title_vi"[^>]*value="Tiêu đề của Bob"', text)
    assert "Two, as Bob put it." in text


def test_the_refusal_says_what_the_other_editor_changed_and_links_to_their_version(
    alice, bob, article
):
    alices_form, bobs_form = open_form(alice, article), open_form(bob, article)
    alices_form["title_vi"] = ["Tiêu đề của Alice"]
    alice.post(change_url(article), alices_form)

    response = bob.post(change_url(article), bobs_form | {"title_en": ["Bob's title"]})

    text = page_text(response)
    assert "Tiêu đề gốc → Tiêu đề của Alice" in text
    link = re.search(r'href="([^"]+/history/\d+/)"[^>]*>See their version', text)[1]
    their_version = page_text(bob.get(link))
    assert "Tiêu đề của Alice" in their_version
    assert "alice" in their_version


def test_the_editor_can_save_over_the_newer_version_on_purpose(alice, bob, article):
    alices_form, bobs_form = open_form(alice, article), open_form(bob, article)
    alice.post(change_url(article), alices_form | {"title_vi": ["Tiêu đề của Alice"]})
    refused = bob.post(change_url(article), bobs_form | {"title_vi": ["Tiêu đề của Bob"]})
    assert refused.status_code == 200

    response = bob.post(
        change_url(article),
        bobs_form | {"title_vi": ["Tiêu đề của Bob"], "replace_newer": ["on"]},
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title_vi == "Tiêu đề của Bob"


def test_a_form_opened_again_after_the_other_save_goes_through(alice, bob, article):
    open_form(bob, article)
    alice.post(change_url(article), open_form(alice, article) | {"title_vi": ["Của Alice"]})

    fresh = open_form(bob, article)
    response = bob.post(change_url(article), fresh | {"title_en": ["Bob's title"]})

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title_vi, article.title_en) == ("Của Alice", "Bob's title")


def test_each_save_raises_the_version(alice, article):
    before = Article.objects.get(pk=article.pk).version

    alice.post(change_url(article), open_form(alice, article))
    alice.post(change_url(article), open_form(alice, article))

    assert Article.objects.get(pk=article.pk).version == before + 2


def test_a_bulk_publish_after_the_form_was_opened_refuses_the_stale_save(alice, article):
    article.status = Article.Status.DRAFT
    article.save()
    form = open_form(alice, article)
    publishing.publish(Article.objects.filter(pk=article.pk))

    response = alice.post(change_url(article), form)

    assert response.status_code == 200
    assert "Someone else saved this article" in page_text(response)
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED


def test_an_article_added_in_the_admin_needs_no_version(alice, db):
    url = reverse("admin:articles_article_add")
    data = {
        "title_vi": "Bài mới",
        "slug": "bai-moi",
        "lead_vi": "Mở đầu.",
        "status": "draft",
        "paragraphs-TOTAL_FORMS": "1",
        "paragraphs-INITIAL_FORMS": "0",
        "paragraphs-0-text_vi": "Đoạn một.",
    }

    response = alice.post(url, data)

    assert response.status_code == 302
    assert Article.objects.get(slug="bai-moi").version == 1
