import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    DraftArticleFactory,
    EntityAliasFactory,
    EntityFactory,
)

pytestmark = pytest.mark.usefixtures("english_site")

CHANGELIST = reverse("admin:articles_article_changelist")


def run_action(admin_client, action: str, articles, **extra):
    return admin_client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [a.pk for a in articles], "index": "0", **extra},
    )


def reload(article: Article) -> Article:
    return Article.objects.get(pk=article.pk)


@pytest.mark.django_db
def test_publishing_drafts_in_bulk_shows_them_to_readers_now(admin_client, client):
    drafts = DraftArticleFactory.create_batch(2)

    response = run_action(admin_client, "publish", drafts)

    assert response.status_code == 302
    for draft in drafts:
        article = reload(draft)
        assert article.status == Article.Status.PUBLISHED
        assert article.published_at <= timezone.now()
        assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_publishing_in_bulk_keeps_a_scheduled_time(admin_client, client):
    later = timezone.now() + timedelta(days=2)
    draft = DraftArticleFactory(published_at=later)

    run_action(admin_client, "publish", [draft])

    assert (reload(draft).status, reload(draft).published_at) == ("published", later)
    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_unpublishing_in_bulk_hides_articles_again(admin_client, client):
    articles = ArticleFactory.create_batch(2)

    run_action(admin_client, "unpublish", articles)

    for article in articles:
        assert reload(article).status == Article.Status.DRAFT
        assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_bulk_publishing_is_recorded_in_each_articles_history(admin_client):
    draft = DraftArticleFactory()
    version = draft.version

    run_action(admin_client, "publish", [draft])

    revisions = list(Article.history.filter(id=draft.pk))
    assert [r.history_change_reason for r in revisions] == [
        "Published",
        "As it was before its first recorded change",
    ]
    assert revisions[0].history_user.username == "admin"
    assert reload(draft).version == version + 1


@pytest.mark.django_db
def test_relinking_in_bulk_finds_an_alias_added_since(admin_client):
    article = ArticleFactory(lead_vi="Hoa Kỳ và Nhật Bản hợp tác.", paragraphs=[])
    other = ArticleFactory(lead_vi="Thời tiết đẹp.", lead_en="Fine weather.", paragraphs=[])
    usa = EntityFactory(name_vi="Mỹ", name_en="United States of America")
    EntityAliasFactory(entity=usa, text="Hoa Kỳ", language="vi")
    assert reload(article).entity_ids == []

    run_action(admin_client, "relink", [article, other])

    assert reload(article).entity_ids == [usa.pk]
    assert "Hoa Kỳ" in reload(article).entity_names
    assert reload(other).entity_ids == []


@pytest.mark.django_db
def test_adding_articles_to_a_category_asks_which_then_pins_them(admin_client, client):
    articles = ArticleFactory.create_batch(2)
    left_out = ArticleFactory()
    opinion = CategoryFactory(name_vi="Bình luận")

    asked = run_action(admin_client, "add_to_category", articles)
    assert asked.status_code == 200
    page = html.unescape(asked.content.decode())
    assert all(str(a) in page for a in articles) and "Bình luận" in page

    response = admin_client.post(
        CHANGELIST,
        {
            "action": "add_to_category",
            "_selected_action": [a.pk for a in articles],
            "category": opinion.pk,
        },
    )

    assert response.status_code == 302
    assert set(opinion.articles.all()) == set(articles)
    assert left_out not in opinion.articles.all()
    listing = client.get(opinion.get_absolute_url()).content.decode()
    assert all(a.title_vi in listing for a in articles)
