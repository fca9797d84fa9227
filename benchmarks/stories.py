"""What finding stories costs when articles are saved (articles.stories): a generated
NDJSON file of wire stories, each carried twice, by two sources (the second copy under
another headline, a word short and an hour later), saved in batches as `import_articles`
saves it. Reported: the time spent finding stories per saved article, beside the whole
save's, and how many copies joined the story of their original. The imported articles are
deleted after, so the benchmark database keeps its size.

    python -m benchmarks.stories [--items 2000] [--articles N]
"""

import argparse
import json
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ITEMS = 2_000  # originals and their copies


@contextmanager
def timing_stories(spent: list[float]):
    """Record how long each call of articles.derived.find_stories takes, in seconds."""
    from articles import derived

    original = derived.find_stories

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - started)

    derived.find_stories = timed
    try:
        yield
    finally:
        derived.find_stories = original


def with_copies(originals: Path, path: Path) -> int:
    """Each line of `originals`, then its copy from another source; returns the lines."""
    lines = 0
    with originals.open(encoding="utf-8") as source, path.open("w", encoding="utf-8") as file:
        for line in source:
            item = json.loads(line)
            copy = {
                **item,
                "id": f"{item['id']}-copy",
                "source": "AFP",
                "source_url": f"{item['source_url']}-copy",
                "title_vi": "Theo AFP, " + item["title_vi"],
                "lead_vi": item["lead_vi"].rsplit(" ", 1)[0] + ".",
                "published_at": "2025-01-06T09:00:00+07:00",
            }
            file.write(line)
            file.write(json.dumps(copy, ensure_ascii=False) + "\n")
            lines += 2
    return lines


def run(items: int = ITEMS) -> list[dict]:
    from django.conf import settings
    from django.db.models import F

    from articles.models import Article, StoryMember
    from benchmarks.ingest import ID_PREFIX, generate_ndjson, remove_imported
    from benchmarks.timing import quantile
    from ingest.ndjson import read_file
    from ingest.saving import BATCH, save

    remove_imported()
    spent: list[float] = []
    per_article, created = [], 0  # ms finding stories per saved article, batch by batch
    with tempfile.TemporaryDirectory(prefix="newsreader-bench-") as folder:
        originals, path = Path(folder) / "originals.ndjson", Path(folder) / "copies.ndjson"
        generate_ndjson(originals, items // 2, seed=7)
        lines = with_copies(originals, path)
        started = time.perf_counter()
        with timing_stories(spent):
            counted = 0.0
            for outcome in save(read_file(path, settings.IMPORT_MAX_BYTES)):
                created += outcome.status == "created"
                if created % BATCH == 0 and outcome.status == "created":
                    per_article.append((sum(spent) - counted) * 1000 / BATCH)
                    counted = sum(spent)
        elapsed = time.perf_counter() - started
    copies = Article.objects.filter(
        import_ref__startswith=f"ndjson:{ID_PREFIX}", import_ref__endswith="-copy"
    )
    joined = StoryMember.objects.filter(article__in=copies).exclude(story_id=F("article")).count()
    remove_imported()
    if created != lines:
        raise RuntimeError(f"expected {lines:,} articles created, got {created:,}")
    saving_ms = elapsed * 1000 / lines
    stories_ms = sum(spent) * 1000 / lines
    return [
        {
            "what": (
                f"find the stories of {lines:,} saved articles, each wire story from two "
                f"sources, in batches of {BATCH}: per saved article"
            ),
            "p50": quantile(per_article, 0.5),
            "p95": quantile(per_article, 0.95),
            "ratio": (
                f"{stories_ms:.1f} ms of the {saving_ms:.1f} ms saving an article takes "
                f"({stories_ms / saving_ms:.0%}); {joined:,} of {lines // 2:,} copies joined "
                "their original's story"
            ),
        },
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=ITEMS, help="NDJSON lines")
    parser.add_argument("--articles", type=int, default=100_000, help="corpus size")
    options = parser.parse_args()

    from benchmarks.setup import fill_to, use_bench_database

    use_bench_database(options.articles)
    fill_to(options.articles)
    from benchmarks.timing import table

    print(table("Stories: found when articles are saved", run(options.items)))


if __name__ == "__main__":
    main()
