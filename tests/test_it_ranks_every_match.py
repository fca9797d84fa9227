"""Search ranks every match, not only the latest: the best article of a common word is on
the first page however old it is, and a reader may ask for the latest first instead."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import derived
from articles.models import Article, Paragraph, TitleTerm
from articles.querysets import SEARCH_CANDIDATES
from tests.factories import ArticleFactory, SourceFactory
from tests.test_it_searches import indexed, listed, search

BEST = "An ninh mạng: an ninh trước hết"


def stored(count: int, **fields) -> None:
    """`count` published articles, one an hour back from now, saved in one batch as an
    import saves them."""
    source = SourceFactory()
    now = timezone.now()
    articles = [
        ArticleFactory.build(
            source=source,
            published_at=now - timedelta(hours=n),
            lead_vi_changed_at=now,
            lead_en_changed_at=now,
            **fields,
        )
        for n in range(count)
    ]
    paragraphs = [
        [Paragraph(position=1, text_vi="Tin ngắn.", vi_changed_at=now, en_changed_at=now)]
        for _ in articles
    ]
    derived.create_articles(articles, paragraphs, [[] for _ in articles])


@pytest.fixture
def a_common_word_and_its_best_article_years_ago():
    # more recent matches than any kind of match the search reads latest first
    stored(SEARCH_CANDIDATES + 20, title_vi="Tin trong nước", lead_vi="Bàn về an ninh.")
    indexed(title_vi=BEST, published_at=timezone.now() - timedelta(days=800))


@pytest.mark.django_db
def test_the_best_article_of_a_common_word_is_on_the_first_page_however_old(
    client, a_common_word_and_its_best_article_years_ago
):
    assert listed(search(client, "an ninh"))[0] == BEST
    assert listed(search(client, "an ninh", sort="relevance"))[0] == BEST


@pytest.mark.django_db
def test_sorted_by_newest_the_matches_come_latest_first(
    client, a_common_word_and_its_best_article_years_ago
):
    newest = list(
        Article.objects.filter(lead_vi="Bàn về an ninh.")
        .order_by("-published_at")
        .values_list("title_vi", flat=True)[:20]
    )

    shown = listed(search(client, "an ninh", sort="newest"))

    assert shown == newest and BEST not in shown


@pytest.mark.django_db
def test_a_title_is_weighed_by_how_many_words_it_has(client):
    indexed(title_vi="Tàu ngầm", published_at=timezone.now() - timedelta(days=10))
    indexed(title_vi="Hải quân nhận thêm một chiếc tàu ngầm mới và nhiều tàu khác")

    assert listed(search(client, "tàu ngầm")) == [
        "Tàu ngầm",
        "Hải quân nhận thêm một chiếc tàu ngầm mới và nhiều tàu khác",
    ]


@pytest.mark.django_db
def test_an_article_keeps_its_title_terms_in_step_with_its_title(client):
    article = indexed(title_vi="Tàu ngầm")
    article.title_vi = "Đất hiếm"
    article.save()

    terms = set(TitleTerm.objects.filter(article=article).values_list("term", flat=True))

    assert {"dat", "hiem", "w:dathiem"} <= terms and "tau" not in terms
    assert listed(search(client, "tàu ngầm")) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sort", ["", "NEWEST", "relevance' OR 1=1 --", "x" * 5_000, "newest\x00", "best"]
)
def test_an_odd_sort_gets_a_page_not_an_error(client, sort):
    indexed(title_vi="Đất hiếm")

    response = client.get("/en/search/", {"q": "đất hiếm", "sort": sort})

    assert response.status_code == 200


@pytest.mark.django_db
def test_a_search_ranking_some_of_its_matches_says_it_shows_the_best(
    client, a_common_word_and_its_best_article_years_ago
):
    page = search(client, "an ninh").content.decode()

    shown = re.search(r'<p class="result-count">([^<]*)</p>', page)[1]
    assert re.fullmatch(r"The best \d+ matches", shown.strip())
    assert "not every match is counted" in page


@pytest.mark.django_db
def test_a_newer_article_with_a_longer_title_ranks_above_older_short_titles(client):
    """Title holders are read level by level, leaving out the levels too low to reach a
    first page: a title that weighs less than twenty older ones, but is newer, still
    outranks them once recency counts."""
    stored(SEARCH_CANDIDATES + 20, title_vi="Tin trong nước", lead_vi="Bàn về an ninh.")
    now = timezone.now()
    for n in range(20):
        indexed(title_vi=f"An ninh số {n}", published_at=now - timedelta(days=90 + n))
    newer = "Bàn cách giữ an ninh cảng biển"
    indexed(title_vi=newer, published_at=now - timedelta(days=6))

    assert listed(search(client, "an ninh"))[0] == newer


@pytest.mark.django_db
def test_the_ranking_search_is_measured_against_still_ranks(
    a_common_word_and_its_best_article_years_ago,
):
    """`make bench` sets search beside the ranking it had before (benchmarks.ranking)."""
    from articles.search.query import parse_query
    from articles.search.reading import read
    from benchmarks.ranking import ids, previous_ranking

    query = parse_query("an ninh")
    ranked = ids(previous_ranking(Article.objects.published(), query, read(query)), 1000)
    assert len(ranked) == SEARCH_CANDIDATES + 21
    assert Article.objects.get(title_vi=BEST).pk in ranked
