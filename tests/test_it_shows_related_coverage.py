"""Each article page ends with more on its story from other sources, and related articles:
those sharing its rarer tags and entities first, recent ones before old ones."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import (
    DraftArticleFactory,
    EntityFactory,
    SourceFactory,
    TagFactory,
    TopicArticleFactory,
)
from tests.test_it_groups_stories import OTHER_EVENT, SAME_EVENT, WIRE


def section(response, heading: str) -> list[str]:
    """The titles listed under the heading at the end of the article page, in order."""
    assert response.status_code == 200
    found = re.search(
        rf"<h2 id=\"[^\"]*\">{re.escape(heading)}</h2>\s*<ul class=\"coverage-list\">(.*?)</ul>",
        response.content.decode(),
        re.S,
    )
    if not found:
        return []
    titles = re.findall(r'<a href="[^"]*" lang="\w+">([^<]*)</a>', found[1])
    return [unescape(title) for title in titles]


def related(response) -> list[str]:
    return section(response, "Bài liên quan")


def on_the_story(response) -> list[str]:
    return section(response, "Thêm về câu chuyện này")


def _days_ago(days: float):
    return timezone.now() - timedelta(days=days)


def _analyze() -> None:
    """Let PostgreSQL's statistics know how common each topic is (autovacuum does it on a
    live site)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")


@pytest.mark.django_db
def test_an_article_ends_with_the_published_articles_that_share_its_topics(client):
    japan, korea, weather = EntityFactory.create_batch(3)
    navy = TagFactory()
    article = TopicArticleFactory(title_vi="Bài chính", entities=[japan], tags=[navy])
    # published more than three days apart: related, not the same story
    TopicArticleFactory(title_vi="Cùng nói về Nhật", entities=[japan], published_at=_days_ago(5))
    TopicArticleFactory(title_vi="Cùng thẻ hải quân", tags=[navy], published_at=_days_ago(6))
    TopicArticleFactory(title_vi="Nói về Hàn Quốc", entities=[korea, weather])
    DraftArticleFactory(title_vi="Bản nháp về Nhật")
    for draft in DraftArticleFactory._meta.model.objects.filter(title_vi="Bản nháp về Nhật"):
        draft.tags.set([navy])

    shown = related(client.get(article.get_absolute_url()))

    assert shown == ["Cùng nói về Nhật", "Cùng thẻ hải quân"]


@pytest.mark.django_db
def test_it_shows_five_related_articles_at_most(client):
    japan = EntityFactory()
    article = TopicArticleFactory(entities=[japan])
    TopicArticleFactory.create_batch(7, entities=[japan], published_at=_days_ago(5))

    assert len(related(client.get(article.get_absolute_url()))) == 5


@pytest.mark.django_db
def test_a_rare_entity_in_common_weighs_more_than_a_common_one(client):
    everywhere, rare = EntityFactory.create_batch(2)
    TopicArticleFactory.create_batch(30, entities=[everywhere], published_at=_days_ago(20))
    article = TopicArticleFactory(title_vi="Bài chính", entities=[everywhere, rare])
    TopicArticleFactory(title_vi="Chung thực thể hiếm", entities=[rare], published_at=_days_ago(9))
    TopicArticleFactory(
        title_vi="Chung thực thể phổ biến", entities=[everywhere], published_at=_days_ago(5)
    )
    _analyze()

    shown = related(client.get(article.get_absolute_url()))

    assert shown[0] == "Chung thực thể hiếm"


@pytest.mark.django_db
def test_of_two_articles_sharing_as_much_the_recent_one_comes_first(client):
    japan = EntityFactory()
    article = TopicArticleFactory(entities=[japan])
    TopicArticleFactory(title_vi="Cũ", entities=[japan], published_at=_days_ago(400))
    TopicArticleFactory(title_vi="Mới", entities=[japan], published_at=_days_ago(5))

    assert related(client.get(article.get_absolute_url())) == ["Mới", "Cũ"]


@pytest.mark.django_db
def test_other_sources_on_the_same_event_are_shown_apart(client):
    north_korea, south_korea = EntityFactory.create_batch(2)
    topics = {"entities": [north_korea, south_korea], "title_en": "", "lead_en": ""}
    (title, lead), wire_source = WIRE[0], SourceFactory()
    article = TopicArticleFactory(title_vi=title, lead_vi=lead, source=wire_source, **topics)
    title, lead = WIRE[1]
    copy = TopicArticleFactory(title_vi=title, lead_vi=lead, published_at=_days_ago(0.1), **topics)
    title, lead = SAME_EVENT
    other_words = TopicArticleFactory(
        title_vi=title, lead_vi=lead, published_at=_days_ago(0.2), **topics
    )
    title, lead = WIRE[2]
    TopicArticleFactory(
        title_vi=title, lead_vi=lead, source=wire_source, published_at=_days_ago(0.3), **topics
    )
    title, lead = OTHER_EVENT
    other_event = TopicArticleFactory(
        title_vi=title, lead_vi=lead, published_at=_days_ago(0.4), **topics
    )

    response = client.get(article.get_absolute_url())

    assert on_the_story(response) == [copy.title_vi, other_words.title_vi]
    assert other_event.title_vi in related(response)
    assert copy.title_vi not in related(response)


@pytest.mark.django_db
def test_an_article_without_topics_ends_with_nothing_more(client):
    article = TopicArticleFactory()
    TopicArticleFactory()

    page = client.get(article.get_absolute_url()).content.decode()

    assert "Bài liên quan" not in page
    assert "Thêm về câu chuyện này" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("others", [0, 12])
def test_the_article_page_query_count_does_not_grow_with_related_articles(
    client, django_assert_max_num_queries, settings, others
):
    settings.PAGE_CACHE_SECONDS = 0  # every request reaches the view
    japan, navy = EntityFactory(), TagFactory()
    (title, lead), (copy_title, copy_lead) = WIRE[:2]
    article = TopicArticleFactory(title_vi=title, lead_vi=lead, entities=[japan], tags=[navy])
    TopicArticleFactory.create_batch(  # the same story from other sources
        others, title_vi=copy_title, lead_vi=copy_lead, entities=[japan], tags=[navy]
    )
    TopicArticleFactory.create_batch(others, entities=[japan], published_at=_days_ago(10))
    _analyze()

    # the article's version; then, to render it, the article with its source and story,
    # its paragraphs, its tags, its corrections, its mentions with their entities; how
    # common its tags and entities are; the articles on its story; the related articles'
    # ids, then their cards; the navigation
    with django_assert_max_num_queries(11):
        first = client.get(article.get_absolute_url())
    # the next reader: the article's version only, the rest is kept until it changes
    with django_assert_max_num_queries(1):
        again = client.get(article.get_absolute_url())
    assert again.content == first.content
    assert len(on_the_story(first)) + len(related(first)) == min(2 * others, 10)
