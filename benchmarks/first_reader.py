"""The first reader of a page: each list, search, category, tag and entity page at an
address no cache has seen, over HTTP (gunicorn with 2 workers, DEBUG off, the page
cache on, Redis), with the database warm; beside the next reader of the same address.

Each address is asked three times: once to warm the database, once as the first reader
after a change to the content (which makes every cached page and part of a page stale),
once as the next reader.

    python -m benchmarks.first_reader [--articles 100000] [--checkout ../other]

With --checkout, the server runs another checkout of the site (an earlier version, say)
against the same database, for a side-by-side figure. The server and this process share
the cache in Redis (REDIS_URL, by default redis://127.0.0.1:6379/3), through which a
change reaches the server.
"""

import argparse
import os
import socket
import time
import urllib.parse
import urllib.request
from pathlib import Path

from benchmarks.timing import quantile, table

ROOT = Path(__file__).resolve().parent.parent

ADDRESSES = 40  # of each kind of page
WORKERS = 2
SEARCHES = (
    "an ninh", "quoc phong", "Nhật", "kinh tế", "biển đông", "tên lửa", "hợp tác",
    "chính phủ", "bầu cử", "hải quân", "alliances", "election", "trade", "navy", "missile",
    "dau tu", "xuất khẩu", "ngoại giao", "tổng thống", "khí hậu",
)  # fmt: skip


def busiest(model, field: str) -> list:
    """The ADDRESSES topics of this kind with the most articles."""
    from django.db.models import Count

    counted = model.objects.annotate(n=Count(field)).filter(n__gt=0).order_by("-n")
    return list(counted[:ADDRESSES])


def addresses() -> dict[str, list[str]]:
    """ADDRESSES addresses of each kind of page, from what the corpus holds."""
    from articles.models import Article, Category, Entity, Tag

    pages = Article.objects.published().count() // 20
    tags, entities = busiest(Tag, "articles"), busiest(Entity, "mentions")
    categories = list(Category.objects.all())
    return {
        "home, page n": [f"/?page={n}" for n in _spread(2, min(pages, 500), ADDRESSES)],
        "home filtered by a tag": [f"/?tag={tag.slug}" for tag in tags],
        "category, page n": [
            f"{category.get_absolute_url()}?page={n}"
            for n in range(1, ADDRESSES)
            for category in categories
        ][:ADDRESSES],
        "tag": [tag.get_absolute_url() for tag in tags],
        "entity": [entity.get_absolute_url() for entity in entities],
        "tag and entity (two filters)": [
            f"{tag.get_absolute_url()}?entity={entity.slug}"
            for tag, entity in zip(tags, entities, strict=False)
        ],
        "search": [
            f"/search/?q={urllib.parse.quote_plus(query)}{suffix}"
            for suffix in ("", "&sort=newest")
            for query in SEARCHES
        ],
    }


def local_redis() -> str:
    """The address of a Redis on this machine's usual port, if one answers there."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return ""
    return "redis://127.0.0.1:6379/3"


def _spread(first: int, last: int, count: int) -> list[int]:
    step = max(1, (last - first) // max(1, count - 1))
    return list(range(first, last + 1, step))[:count]


def _milliseconds(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


TITLE = f"First reader over HTTP: gunicorn with {WORKERS} workers, a warm database"


def run(checkout: Path = ROOT) -> list[dict] | str:
    from django.conf import settings

    from benchmarks.load import gunicorn
    from newsreader.pagecache import content_changed

    if not settings.REDIS_URL:
        return "No Redis (REDIS_URL) to share with the server: first-reader figures skipped."
    rows = []
    with gunicorn(page_cache_seconds=300, workers=WORKERS, checkout=checkout) as base:
        healthz = [_milliseconds(base + "/healthz") for _ in range(100)]
        rows.append(
            {"what": "/healthz", "p50": quantile(healthz, 0.5), "p95": quantile(healthz, 0.95)}
        )
        for kind, paths in addresses().items():
            for path in paths:
                _milliseconds(base + path)  # the database warm
            content_changed()
            first = [_milliseconds(base + path) for path in paths]
            following = [_milliseconds(base + path) for path in paths]
            rows.append(
                {
                    "what": f"{kind}: first reader ({len(paths)} addresses)",
                    "p50": quantile(first, 0.5),
                    "p95": quantile(first, 0.95),
                    "ratio": f"next reader p50 {quantile(following, 0.5):.1f} ms, "
                    f"p95 {quantile(following, 0.95):.1f} ms",
                }
            )
    return rows


def main() -> None:
    from benchmarks.setup import fill_to, use_bench_database

    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--checkout", type=Path, default=ROOT)
    options = parser.parse_args()
    os.environ.setdefault("REDIS_URL", local_redis())
    use_bench_database(options.articles)
    fill_to(options.articles)
    print(table(TITLE, run(options.checkout.resolve())))


if __name__ == "__main__":
    main()
