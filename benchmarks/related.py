"""What an article page ends with, uncached: its related articles (the query on its own, as
every article page runs it), how common its tags and entities are (PostgreSQL's
statistics), the articles on its story from other sources, the three together, and the
whole page for the first reader after a change. Each run reads another of a sample of
published articles, spread over the whole corpus, as readers' visits are.

    python -m benchmarks.related [--articles 100000]
"""

import random
from itertools import cycle

RUNS = 200
SEED = 20251207


def sample(count: int = RUNS) -> list:
    """Published articles with topics, drawn evenly from the corpus, with their stories."""
    from articles.models import Article

    ids = list(Article.objects.published().values_list("pk", flat=True).order_by("pk"))
    chosen = random.Random(SEED).sample(ids, min(count, len(ids)))
    articles = Article.objects.select_related("story_member").without_search_columns()
    found = articles.in_bulk(chosen)
    return [found[pk] for pk in chosen if found[pk].tag_ids or found[pk].entity_ids]


def run() -> list[dict]:
    from django.db import connection
    from django.test import Client

    from articles.models import Article
    from articles.related import coverage, rarity
    from benchmarks.timing import percentiles
    from newsreader.pagecache import content_changed

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article, articles_storymember")  # as autovacuum would
    articles = sample()
    member = {article.pk: getattr(article, "story_member", None) for article in articles}
    weighed = {article.pk: rarity(article) for article in articles}
    next_article = cycle(articles).__next__

    def related_query():
        article = next_article()
        known = weighed[article.pk]
        Article.objects.related_ids(article, known.weights, known.keys, known.rare)

    def frequencies():
        article = next_article()
        Article.objects.topic_counts(article.tag_ids, article.entity_ids)

    def on_the_story():
        article = next_article()
        known = weighed[article.pk]
        Article.objects.story_ids(article, member[article.pk], known.keys["entity_ids"])

    def all_of_it():
        article = next_article()
        coverage(article, member[article.pk])

    client = Client()

    def whole_page():
        content_changed()
        assert client.get(next_article().get_absolute_url()).status_code == 200

    rows = []
    for what, action in (
        (
            "related articles: the query (the ids of the best 5 of at most 200 candidates)",
            related_query,
        ),
        ("how common its tags and entities are (pg_stats)", frequencies),
        ("articles on its story from other sources (their ids)", on_the_story),
        ("all three, and the cards they show, as an article page asks them", all_of_it),
        ("whole article page, first reader after a change", whole_page),
    ):
        p50, p95 = percentiles(action, len(articles))
        rows.append({"what": what, "p50": p50, "p95": p95})
    rows[0]["ratio"] = f"{len(articles)} articles, each read once per row"
    return rows


def main() -> None:
    from benchmarks.setup import run_alone

    run_alone(__doc__, "Related coverage: the end of an article page, uncached", run)


if __name__ == "__main__":
    main()
