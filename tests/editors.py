"""What the admin tests share: clients of their own, and the article form. The tests that
use them read the admin in English (the english_site fixture in conftest.py)."""

from django.test import Client
from django.urls import reverse

from articles.models import Article
from tests.test_it_curates_categories import admin_form_data


def client_for(user) -> Client:
    """A browser of its own, logged in as this user."""
    client = Client()
    client.force_login(user)
    return client


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def open_form(client, article: Article) -> dict[str, list[str]]:
    """What saving the article's change form unchanged would send."""
    return admin_form_data(client, change_url(article), "article_form")


def save(client, article: Article, data: dict[str, list[str]]):
    response = client.post(change_url(article), data)
    assert response.status_code == 302, _errors(response)
    return response


def _errors(response) -> str:
    context = response.context
    if not context or "adminform" not in context:
        return response.content.decode()[:2000]
    formsets = [formset.errors for formset in context["inline_admin_formsets"]]
    return f"{context['adminform'].form.errors} {formsets}"


def pair_prefix(data: dict, text_vi: str) -> str:
    """The form prefix (paragraphs-N) of the pair whose Vietnamese is this text."""
    for name, values in data.items():
        if name.endswith("-text_vi") and values == [text_vi]:
            return name.removesuffix("-text_vi")
    raise AssertionError(f"no pair {text_vi!r} in the form")
