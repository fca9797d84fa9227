"""Filtered article lists: a category plus two entities with match=all.

Measured two ways in the same run: the whole page through Django (server time), and
the list's own queries with stored category membership against the same category rule
evaluated at query time.
"""

from django.db.models import Count
from django.test import Client

from articles.models import Article, Category, Entity, Mention
from benchmarks.timing import percentiles

RUNS = 40


def busiest_entities(category: Category, count: int = 2) -> list[Entity]:
    slugs = (
        Mention.objects.filter(article__categories=category)
        .values("entity__slug")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("entity__slug", flat=True)[:count]
    )
    return list(Entity.objects.filter(slug__in=list(slugs)))


def first_page(articles) -> None:
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

    listing = Article.objects.for_listing()
    stored = listing.filter(categories=category).with_entities(entity_ids, match_all=True)
    live = listing.selected_by(category).with_entities(entity_ids, match_all=True)
    page_p50, page_p95 = percentiles(lambda: client.get(url), RUNS)
    stored_p50, stored_p95 = percentiles(lambda: first_page(stored), RUNS)
    live_p50, live_p95 = percentiles(lambda: first_page(live), RUNS)
    return [
        {
            "what": f"whole page `{url}` ({stored.count():,} matches)",
            "p50": page_p50,
            "p95": page_p95,
        },
        {"what": "list queries, stored membership", "p50": stored_p50, "p95": stored_p95},
        {
            "what": "list queries, the rule evaluated at query time",
            "p50": live_p50,
            "p95": live_p95,
            "ratio": f"{live_p95 / stored_p95:.1f}× slower than stored",
        },
    ]
