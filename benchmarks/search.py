"""Search: p50/p95 of the app's ranked first page, beside a naive ILIKE scan of the same
text in the same run, and of the whole search page. What its ranking costs in relevance,
beside the previous one, is benchmarks/ranking.py."""

from django.db.models import Q
from django.test import Client

from articles.models import Article, Category
from articles.search.query import parse_query
from articles.search.reading import read
from benchmarks.relevance import ranked_before
from benchmarks.timing import percentiles
from newsreader.pagecache import content_changed

RUNS = 30
SLOW_RUNS = 3  # of the naive ILIKE scans and the full rankings, which take seconds each
BIG_CORPUS = 500_000  # where one of those takes up to a minute: run it once, unwarmed


def slow_percentiles(action) -> tuple[float, float]:
    if Article.objects.count() >= BIG_CORPUS:
        return percentiles(action, 1, warmup=0)
    return percentiles(action, SLOW_RUNS, warmup=1)


QUERIES = [
    ("one term", "Nhật", {}),
    ("two terms", "an ninh", {}),
    ("a phrase", '"tên lửa"', {}),
    ("unaccented Vietnamese", "quoc phong", {}),
    ("English", "alliances", {}),
    ("a query and two filters", "an ninh", {"category": "defense-security", "translated": "true"}),
]


def filtered(articles, filters: dict):
    if "category" in filters:
        articles = articles.in_category(Category.objects.get(slug=filters["category"]))
    if filters.get("translated") == "true":
        articles = articles.translated()
    return articles


def ranked_first_page(text: str, filters: dict):
    """The app's first page: the query read (as the view reads it: kept until the content
    changes, so a reader other than the first finds it read), then ranked."""
    articles = filtered(Article.objects.for_listing(), filters)
    query = parse_query(text)
    return list(articles.search(query, read(query))[:20])


def ilike_first_page(text: str, filters: dict):
    """The naive way: scan every article's text for the words; count them, newest first."""
    articles = filtered(Article.objects.published(), filters)
    for word in text.replace('"', "").split():
        articles = articles.filter(
            Q(title_vi__icontains=word)
            | Q(lead_vi__icontains=word)
            | Q(body_vi__icontains=word)
            | Q(title_en__icontains=word)
            | Q(lead_en__icontains=word)
            | Q(body_en__icontains=word)
        )
    articles.count()
    return list(articles.order_by("-published_at").values_list("pk", flat=True)[:20])


def run() -> list[dict]:
    """Every query's ranked page first, then every naive scan: at a million articles the
    table is bigger than this machine's memory, and a scan between two queries would
    leave the next one a cold cache that no reader of a live site meets."""
    client = Client()
    measured = []
    for label, text, filters in QUERIES:
        query = parse_query(text)
        matches = Article.objects.published().search(query, read(query), order_by_rank=False)
        found = len(matches.values_list("pk", flat=True))
        p50, p95 = percentiles(lambda: ranked_first_page(text, filters), RUNS)  # noqa: B023
        before = filtered(Article.objects.for_listing(), filters)
        before_p50, _ = percentiles(lambda: ranked_before(text, before), RUNS)  # noqa: B023

        def search_page(first_reader: bool):
            if first_reader:
                content_changed()
            return client.get("/search/", {"q": text, **filters})  # noqa: B023

        _, first_page_p95 = percentiles(lambda: search_page(True), RUNS)
        _, page_p95 = percentiles(lambda: search_page(False), RUNS)
        measured.append(
            (label, text, filters, found, p50, p95, before_p50, first_page_p95, page_p95)
        )
    rows = []
    for label, text, filters, found, p50, p95, before_p50, first_page_p95, page_p95 in measured:
        naive_p50, _ = slow_percentiles(lambda: ilike_first_page(text, filters))  # noqa: B023
        shown = " ".join([f"`{text}`", *(f"{k}={v}" for k, v in filters.items())])
        rows.append(
            {
                "what": f"{label}: {shown} ({found:,} ranked)",
                "p50": p50,
                "p95": p95,
                "ratio": f"previous ranking p50 {before_p50:.1f} ms; "
                f"ILIKE p50 {naive_p50:,.0f} ms ({naive_p50 / p50:,.0f}× slower); "
                f"whole page p95 {first_page_p95:.0f} ms (first reader after a change), "
                f"{page_p95:.0f} ms (the next)",
            }
        )
    return rows
