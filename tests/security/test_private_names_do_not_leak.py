"""An entity named only in drafts, in articles in review or in scheduled articles had a
public page (200), was listed in /sitemap-entities.xml and was suggested by
/search/suggest/; tags likewise. Now readers are served only entities and tags with at
least one published article (Entity.objects.public(), Tag.objects.public()); staff may
still open their pages."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Entity, Tag
from tests.factories import (
    ArticleFactory,
    EntityAliasFactory,
    EntityFactory,
    TagFactory,
    TopicArticleFactory,
    mention,
    retag,
)

pytestmark = pytest.mark.django_db

UNPUBLISHED = {
    "a draft": {"status": Article.Status.DRAFT, "published_at": None},
    "an article in review": {"status": Article.Status.IN_REVIEW, "published_at": None},
    "a scheduled article": {
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() + timedelta(days=1),
    },
}


@pytest.fixture(params=UNPUBLISHED)
def secret(request) -> tuple[Entity, Tag]:
    """A person and a tag named only in an unpublished article, beside a public article."""
    TopicArticleFactory(title_vi="Tin công khai", entities=[EntityFactory()], tags=[TagFactory()])
    person = EntityFactory(
        slug="nguoi-bi-mat",
        kind=Entity.Kind.PERSON,
        name_vi="Nguyễn Bí Mật",
        name_en="Nguyen Bi Mat",
    )
    EntityAliasFactory(entity=person, text="Ông Bí Mật", language="vi")
    tag = TagFactory(slug="chuyen-mat", name_vi="Chuyện mật", name_en="Secret affair")
    article = ArticleFactory(title_vi="Nguyễn Bí Mật", **UNPUBLISHED[request.param])
    mention(article, person)
    retag(article, tag)
    return person, tag


def text(response) -> str:
    return response.content.decode()


def suggested(client, typed: str) -> list[str]:
    response = client.get("/search/suggest/", {"q": typed})
    return [result["label"] for result in json.loads(response.content)["results"]]


def test_its_page_is_not_found(client, secret):
    assert client.get("/entities/nguoi-bi-mat/").status_code == 404
    assert client.get("/en/entities/nguoi-bi-mat/").status_code == 404
    assert client.get("/tags/chuyen-mat/").status_code == 404


def test_its_feeds_are_not_found(client, secret):
    for kind, slug in (("entities", "nguoi-bi-mat"), ("tags", "chuyen-mat")):
        url = reverse("feeds:rss", kwargs={"language": "vi", "kind": kind, "slug": slug})
        assert client.get(url).status_code == 404


def test_the_sitemaps_do_not_list_it(client, secret):
    entities = text(client.get("/sitemap-entities.xml"))
    tags = text(client.get("/sitemap-tags.xml"))

    assert "/entities/" in entities and "/tags/" in tags  # the public ones are listed
    assert "nguoi-bi-mat" not in entities
    assert "chuyen-mat" not in tags


@pytest.mark.parametrize("typed", ["Nguyễn Bí", "nguyen bi mat", "Bi Mat", "ong bi mat"])
def test_the_search_box_does_not_suggest_it(client, secret, typed):
    assert suggested(client, typed) == []


def test_search_does_not_offer_it_as_did_you_mean(client, secret):
    html = text(client.get("/search/", {"q": "Nguyen Bi Matt"}))

    assert "did-you-mean" not in html
    assert "Bí Mật" not in html


@pytest.mark.parametrize(
    ("query", "label"), [("entity=nguoi-bi-mat", "Entity"), ("tag=chuyen-mat", "Tag")]
)
def test_a_filter_by_it_names_nothing(client, secret, query, label):
    html = text(client.get(f"/en/?{query}"))

    assert "Nguyễn Bí Mật" not in html and "Chuyện mật" not in html
    assert 'class="chip"' not in html
    assert f"{label}: nothing is called" in html


def test_its_facets_are_not_shown(client, secret):
    html = text(client.get("/"))

    assert "Tin công khai" in html
    assert "Bí Mật" not in html and "Chuyện mật" not in html


def test_staff_may_still_open_its_page(admin_client, secret):
    assert admin_client.get("/entities/nguoi-bi-mat/").status_code == 200
    assert admin_client.get("/tags/chuyen-mat/").status_code == 200


def test_once_an_article_naming_it_is_published_it_is_public(client, secret):
    Article.objects.exclude(title_vi="Tin công khai").update(
        status=Article.Status.PUBLISHED, published_at=timezone.now()
    )

    assert client.get("/entities/nguoi-bi-mat/").status_code == 200
    assert client.get("/tags/chuyen-mat/").status_code == 200
    assert "nguoi-bi-mat" in text(client.get("/sitemap-entities.xml"))
    assert suggested(client, "nguyen bi") == ["Nguyễn Bí Mật / Nguyen Bi Mat"]


def test_public_entities_and_tags_are_those_with_a_published_article(secret):
    person, tag = secret

    assert person not in Entity.objects.public()
    assert tag not in Tag.objects.public()
    assert Entity.objects.public().count() == Tag.objects.public().count() == 1
