import html
import re

import pytest
from django.urls import reverse

from articles.models import Category
from tests.factories import CategoryFactory, TagFactory, TopicArticleFactory
from tests.test_it_curates_categories import admin_form_data, ids

pytestmark = pytest.mark.usefixtures("english_site")


@pytest.fixture
def navy(db):
    return TagFactory()


@pytest.fixture
def army(db):
    return TagFactory()


@pytest.fixture
def naval_articles(navy):
    return [TopicArticleFactory(title_vi=f"Hải quân {n}", tags=[navy]) for n in range(12)]


@pytest.fixture
def military_article(army):
    return TopicArticleFactory(title_vi="Lục quân", tags=[army])


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_change_page_says_how_many_articles_the_rule_matches_with_a_sample(
    admin_client, navy, naval_articles, military_article
):
    category = CategoryFactory(any_tags=[navy])

    page = text(admin_client.get(reverse("admin:articles_category_change", args=[category.pk])))

    assert "12 articles match." in page
    assert "The latest 10:" in page
    assert len(re.findall(r"Hải quân \d+", page)) == 10
    assert "Lục quân" not in page


def test_the_preview_shows_what_the_rule_as_typed_would_select_without_saving_it(
    admin_client, navy, army, naval_articles, military_article
):
    category = CategoryFactory(any_tags=[navy])
    url = reverse("admin:articles_category_change", args=[category.pk])
    data = admin_form_data(admin_client, url, "category_form")

    data["any_tags"] = ids(army)
    preview = admin_client.post(
        reverse("admin:articles_category_preview", args=[category.pk]), data
    )

    assert preview.status_code == 200
    page = text(preview)
    assert "1 article matches." in page and "Lục quân" in page
    assert "Hải quân" not in page
    assert list(Category.objects.get(pk=category.pk).any_tags.all()) == [navy]
    assert len(category.articles.all()) == 12


def test_the_form_has_a_preview_button_that_opens_in_a_new_tab(admin_client, navy):
    category = CategoryFactory(any_tags=[navy])

    page = text(admin_client.get(reverse("admin:articles_category_change", args=[category.pk])))

    button = re.search(r"<button[^>]*formaction[^>]*>", page)[0]
    assert (
        f'formaction="{reverse("admin:articles_category_preview", args=[category.pk])}"' in button
    )
    assert 'formtarget="_blank"' in button


def test_a_new_category_can_be_previewed_before_it_is_first_saved(
    admin_client, navy, naval_articles
):
    preview = admin_client.post(
        reverse("admin:articles_category_preview"), {"any_tags": ids(navy), "name_vi": ""}
    )

    assert "12 articles match." in text(preview)
    assert not Category.objects.exists()


def test_a_rule_that_selects_nothing_says_so(admin_client, naval_articles):
    category = CategoryFactory()

    page = text(admin_client.get(reverse("admin:articles_category_change", args=[category.pk])))

    assert "0 articles match." in page
