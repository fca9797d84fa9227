"""Filtered article lists: a category plus two entities with match=all.

Measured in the same run: the whole page through Django (server time, without the page
cache), for the first reader after a change to the content and for the next one (the
list's facets and count kept); the list's own queries (facets, count, first page) as the
app runs them, on the articles' indexed id arrays; and the same list and facets computed
through the join tables instead.
"""

from django.db.models import Count
from django.test import Client

from articles.listing import FACET_SIZE
from articles.models import Article, Category, Entity, Mention
from articles.querysets import FACET_WINDOW
from benchmarks.timing import percentiles
from newsreader.pagecache import content_changed

RUNS = 40


def busiest_entities(category: Category, count: int = 2) -> list[Entity]:
    slugs = (
        Mention.objects.filter(article__category_ids__contains=[category.pk])
        .values("entity__slug")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("entity__slug", flat=True)[:count]
    )
    return list(Entity.objects.filter(slug__in=list(slugs)))


def with_id_arrays(category: Category, entity_ids: list[int]) -> None:
    articles = Article.objects.for_listing().in_category(category)
    articles = articles.with_entities(entity_ids, match_all=True)
    articles.facet_counts(FACET_SIZE, FACET_WINDOW)
    list(articles[:20])


def through_join_tables(category: Category, entity_ids: list[int]) -> None:
    articles = Article.objects.for_listing().in_category(category)
    for entity_id in entity_ids:
        articles = articles.filter(
            pk__in=Mention.objects.filter(entity_id=entity_id).values("article")
        )
    ids = articles.values("pk")
    list(
        Mention.objects.filter(article__in=ids)
        .values("entity")
        .annotate(n=Count("id"))
        .order_by("-n")[:FACET_SIZE]
    )
    list(
        Article.tags.through.objects.filter(article__in=ids)
        .values("tag")
        .annotate(n=Count("id"))
        .order_by("-n")[:FACET_SIZE]
    )
    list(articles.values("source").annotate(n=Count("id")).order_by("-n")[:FACET_SIZE])
    articles.count()
    list(articles[:20])


def run() -> list[dict]:
    category = Category.objects.get(slug="defense-security")
    entities = busiest_entities(category)
    entity_ids = [entity.pk for entity in entities]
    url = f"/?category={category.slug}&" + "&".join(f"entity={e.slug}" for e in entities)
    url += "&match=all"
    client = Client()
    assert client.get(url).status_code == 200
    matches = Article.objects.published().in_category(category).with_entities(entity_ids, True)

    def first_reader(path: str):
        content_changed()
        return client.get(path)

    first_p50, first_p95 = percentiles(lambda: first_reader(url), RUNS)
    page_p50, page_p95 = percentiles(lambda: client.get(url), RUNS)
    arrays_p50, arrays_p95 = percentiles(lambda: with_id_arrays(category, entity_ids), RUNS)
    joins_p50, joins_p95 = percentiles(lambda: through_join_tables(category, entity_ids), RUNS)
    home_first_p50, home_first_p95 = percentiles(lambda: first_reader("/"), RUNS)
    home_p50, home_p95 = percentiles(lambda: client.get("/"), RUNS)
    return [
        {
            "what": f"whole page `{url}` ({matches.count():,} matches), first reader after "
            "a change",
            "p50": first_p50,
            "p95": first_p95,
        },
        {"what": "the same page, the next reader", "p50": page_p50, "p95": page_p95},
        {"what": "its list queries on the indexed id arrays", "p50": arrays_p50, "p95": arrays_p95},
        {
            "what": "the same list and facets through the join tables",
            "p50": joins_p50,
            "p95": joins_p95,
            "ratio": f"{joins_p95 / arrays_p95:.1f}× slower than the id arrays",
        },
        {
            "what": "home page, unfiltered, first reader after a change",
            "p50": home_first_p50,
            "p95": home_first_p95,
        },
        {"what": "home page, the next reader", "p50": home_p50, "p95": home_p95},
    ]
