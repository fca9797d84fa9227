"""Correction notes: a change in substance to a published article, told to its readers at
its foot in both languages with the date, and recorded in its history."""

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from articles.models import Article, Correction
from tests.editors import change_url, open_form, save
from tests.factories import ArticleFactory, DraftArticleFactory

pytestmark = pytest.mark.usefixtures("english_site")


def test_a_correction_is_dated_at_the_foot_of_the_article_in_both_languages(admin_client, client):
    article = ArticleFactory(lead_vi="Có 42 người bị thương.", lead_en="42 people were hurt.")
    data = open_form(admin_client, article)
    data["lead_vi"], data["lead_en"] = ["Có 24 người bị thương."], ["24 people were hurt."]
    data["is_correction"] = ["on"]
    data["correction_vi"] = ["Bản trước ghi sai số người bị thương là 42."]
    data["correction_en"] = ["An earlier version gave the number of injured as 42."]
    save(admin_client, article, data)

    html = client.get(article.get_absolute_url()).content.decode()
    foot = html[html.index('class="article-footer"') :]
    correction = Correction.objects.get(article=article)
    assert "Bản trước ghi sai số người bị thương là 42." in foot
    assert "An earlier version gave the number of injured as 42." in foot
    made_at = timezone.localtime(correction.made_at)
    assert f'<time datetime="{made_at.isoformat()}">{date_format(made_at)}</time>' in foot
    latest = Article.history.filter(id=article.pk).latest("history_date")
    assert latest.history_change_reason.startswith("Correction: Bản trước ghi sai")


def test_a_typo_fix_tells_readers_nothing(admin_client, client):
    article = ArticleFactory(lead_vi="Có 42 ngừoi.", lead_en="42 people.")
    data = open_form(admin_client, article)
    data["lead_vi"] = ["Có 42 người."]
    save(admin_client, article, data)

    assert 'class="corrections"' not in client.get(article.get_absolute_url()).content.decode()


def test_a_correction_needs_a_note_and_a_published_article(admin_client):
    article = ArticleFactory()
    data = open_form(admin_client, article)
    data["is_correction"] = ["on"]
    response = admin_client.post(change_url(article), data)
    assert response.status_code == 200 and "Say what changed" in response.content.decode()

    draft = DraftArticleFactory()
    html = admin_client.get(change_url(draft)).content.decode()
    assert 'name="is_correction"' not in html
    assert not Correction.objects.exists()
