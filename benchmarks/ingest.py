"""Ingestion throughput, side by side: a generated NDJSON file of 100,000 lines saved the
way `import_articles` saves it, in batches (bulk inserts, one transaction, one entity
linking pass and one refresh of derived data per batch), and a prefix of the same file
saved one article at a time (batch_size=1: a transaction, a linking pass and a refresh
per article).

Reported: articles per second each way and their ratio, the time per batch and per
article (p50, p95), and the peak memory (RSS) of the batched run, which must not grow
with the file: the file is read a line at a time, and the benchmark keeps only a count
of each status. The imported articles and their history are deleted before and after,
so the benchmark database keeps its size.

    python -m benchmarks.ingest [--items 100000] [--one-at-a-time 1000] [--articles N]
"""

import argparse
import json
import random
import resource
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

ITEMS = 100_000
ONE_AT_A_TIME = 1_000  # lines of the same file saved one at a time: the slow way
SEED = 20250106
ID_PREFIX = "bench-ingest-"
PARAGRAPHS = 4
WORDS = (25, 45)  # per paragraph
MAX_RSS_MB = 500


def generate_ndjson(path: Path, items: int, seed: int = SEED) -> None:
    """Bilingual articles from the demo articles' words, naming the database's entities."""
    from articles.models import Entity, Tag
    from benchmarks.corpus import demo_vocabulary

    rng = random.Random(seed)
    vocabulary = demo_vocabulary()
    names = list(Entity.objects.values_list("name_vi", "name_en")[:2000]) or [("Mỹ", "US")]
    tags = list(Tag.objects.values_list("name_vi", flat=True)) or ["Thế giới"]

    def paragraph_pair() -> tuple[str, str]:
        count = rng.randint(*WORDS)
        vietnamese = rng.choices(vocabulary.vietnamese, k=count)
        english = rng.choices(vocabulary.english, k=count)
        for _ in range(2):
            name_vi, name_en = rng.choice(names)
            position = rng.randrange(count)
            vietnamese.insert(position, name_vi)
            english.insert(position, name_en)
        return (
            " ".join(vietnamese).capitalize() + ".",
            " ".join(english).capitalize() + ".",
        )

    with path.open("w", encoding="utf-8") as file:
        for number in range(items):
            lead_vi, lead_en = paragraph_pair()
            pairs = [paragraph_pair() for _ in range(PARAGRAPHS)]
            line = {
                "id": f"{ID_PREFIX}{number}",
                "title_vi": " ".join(lead_vi.split()[:10]),
                "lead_vi": lead_vi,
                "paragraphs_vi": [vietnamese for vietnamese, _ in pairs],
                "title_en": " ".join(lead_en.split()[:10]),
                "lead_en": lead_en,
                "paragraphs_en": [english for _, english in pairs],
                "source": "Reuters",
                "source_url": f"https://bench.example/{ID_PREFIX}{number}",
                "published_at": "2025-01-06T08:00:00+07:00",
                "tags": rng.sample(tags, min(2, len(tags))),
            }
            file.write(json.dumps(line, ensure_ascii=False) + "\n")


def remove_imported() -> int:
    """Delete the benchmark's articles, the rows that refer to them and their history, a
    table at a time (a delete through the ORM would load and signal every row). The
    tables are vacuumed after, so that each run starts from the same state: no dead rows,
    and no index entries waiting to be merged."""
    from django.db import connection, transaction

    from articles.models import Article
    from newsreader.pagecache import content_changed

    articles, history = Article._meta.db_table, Article.history.model._meta.db_table
    chosen = f"SELECT id FROM {articles} WHERE import_ref LIKE %s"
    pattern = [f"ndjson:{ID_PREFIX}%"]
    referring = [
        (relation.related_model._meta.db_table, relation.field.column)
        for relation in Article._meta.get_fields(include_hidden=True)
        if relation.auto_created and not relation.concrete and relation.one_to_many
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for table, column in referring:
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({chosen})", pattern)
        cursor.execute(f"DELETE FROM {history} WHERE import_ref LIKE %s", pattern)
        cursor.execute(f"DELETE FROM {articles} WHERE import_ref LIKE %s", pattern)
        deleted = cursor.rowcount
    if deleted:
        content_changed()
    with connection.cursor() as cursor:
        for table in (articles, history, *(table for table, _column in referring)):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return deleted


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _timed(outcomes: Iterable, every: int) -> tuple[Counter, list[float], float, list[float]]:
    """Statuses counted, the milliseconds each run of `every` outcomes took, the seconds
    in all, and the peak RSS after each of those runs."""
    statuses: Counter = Counter()
    timings, peaks = [], []
    started = last = time.perf_counter()
    for count, outcome in enumerate(outcomes, start=1):
        statuses[outcome.status] += 1
        if count % every == 0:
            now = time.perf_counter()
            timings.append((now - last) * 1000)
            last = now
            peaks.append(_peak_rss_mb())
    return statuses, timings, time.perf_counter() - started, peaks


def _expect_created(statuses: Counter, items: int) -> None:
    if statuses != Counter(created=items):
        raise RuntimeError(f"expected {items:,} articles created, got {dict(statuses)}")


def _p50_p95(timings: list[float]) -> tuple[float, float]:
    if len(timings) < 2:
        return (timings or [0.0])[0], (timings or [0.0])[0]
    quantiles = statistics.quantiles(timings, n=100)
    return quantiles[49], quantiles[94]


@contextmanager
def topic_counts_off():
    """The article table without its topic-counting triggers (articles.topics), for a run
    side by side; what is imported meanwhile is removed before they are back."""
    from django.db import connection

    from articles.topics import TRIGGERS

    with connection.cursor() as cursor:
        for trigger in TRIGGERS:
            cursor.execute(f"ALTER TABLE articles_article DISABLE TRIGGER {trigger}")
    try:
        yield
    finally:
        remove_imported()
        with connection.cursor() as cursor:
            for trigger in TRIGGERS:
                cursor.execute(f"ALTER TABLE articles_article ENABLE TRIGGER {trigger}")


def run(items: int = ITEMS, one_at_a_time: int = ONE_AT_A_TIME) -> list[dict]:
    from django.conf import settings

    from articles.entities.linking import current_gazetteer, load_gazetteer
    from articles.entities.matching import segment_words
    from benchmarks.stories import timing_stories
    from ingest.ndjson import read_file
    from ingest.saving import BATCH, save

    one_at_a_time = min(one_at_a_time, items)
    remove_imported()  # what an interrupted run left
    with tempfile.TemporaryDirectory(prefix="newsreader-bench-") as folder:
        path = Path(folder) / "ingest.ndjson"
        generate_ndjson(path, items)
        started = time.perf_counter()
        load_gazetteer()
        gazetteer_ms = (time.perf_counter() - started) * 1000
        current_gazetteer()
        segment_words("Tôi về Mỹ Tho.")  # underthesea loaded before either run
        segment_words.cache_clear()
        before_mb = _peak_rss_mb()

        stories: list[float] = []
        with timing_stories(stories):
            statuses, batch_ms, elapsed, peaks = _timed(
                save(read_file(path, settings.IMPORT_MAX_BYTES)), every=BATCH
            )
        segmentations = segment_words.cache_info().misses
        peak_mb = _peak_rss_mb()
        remove_imported()
        _expect_created(statuses, items)

        with topic_counts_off():
            segment_words.cache_clear()
            _, uncounted_ms, uncounted_elapsed, _ = _timed(
                save(read_file(path, settings.IMPORT_MAX_BYTES)), every=BATCH
            )

        segment_words.cache_clear()
        prefix = islice(read_file(path, settings.IMPORT_MAX_BYTES), one_at_a_time)
        statuses, article_ms, single_elapsed, _ = _timed(save(prefix, batch_size=1), every=1)
        remove_imported()
        _expect_created(statuses, one_at_a_time)

    rate, single_rate = items / elapsed, one_at_a_time / single_elapsed
    tenth_mb = peaks[max(0, len(peaks) // 10 - 1)] if peaks else peak_mb
    batch_p50, batch_p95 = _p50_p95(batch_ms)
    single_p50, single_p95 = _p50_p95(article_ms)
    if peak_mb > MAX_RSS_MB:
        print(f"Warning: peak RSS {peak_mb:,.0f} MB is above {MAX_RSS_MB} MB.")
    return [
        {
            "what": (
                f"save a {items:,}-line NDJSON file in batches of {BATCH} "
                f"({rate:,.0f} articles/s, {segmentations:,} segmentations): per batch"
            ),
            "p50": batch_p50,
            "p95": batch_p95,
            "ratio": (
                f"{rate:,.0f} articles/s, {rate / single_rate:,.1f}× one at a time; "
                f"{elapsed:,.0f} s in all; peak RSS {peak_mb:,.0f} MB "
                f"({before_mb:,.0f} before the file, {tenth_mb:,.0f} after its first tenth)"
            ),
        },
        {
            "what": "the same batches without counting their topics (articles.topics)",
            "p50": _p50_p95(uncounted_ms)[0],
            "p95": _p50_p95(uncounted_ms)[1],
            "ratio": (
                f"{items / uncounted_elapsed:,.0f} articles/s: counting costs "
                f"{(elapsed - uncounted_elapsed) * 1000 / items:,.1f} ms a saved article "
                f"({elapsed / uncounted_elapsed - 1:+.0%})"
            ),
        },
        {
            "what": "of which finding their stories (articles.stories): per saved article, mean",
            "p50": sum(stories) * 1000 / items,
            "p95": sum(stories) * 1000 / items,
            "ratio": f"{sum(stories) / elapsed:.0%} of the batched run, {sum(stories):,.0f} s",
        },
        {
            "what": (
                f"save the first {one_at_a_time:,} lines one article at a time "
                f"({single_rate:,.0f} articles/s): per article"
            ),
            "p50": single_p50,
            "p95": single_p95,
            "ratio": f"{single_rate:,.0f} articles/s; {single_elapsed:,.0f} s in all",
        },
        {
            "what": "load the gazetteer of every entity once, before the file",
            "p50": gazetteer_ms,
            "p95": gazetteer_ms,
        },
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=ITEMS, help="NDJSON lines")
    parser.add_argument(
        "--one-at-a-time", type=int, default=ONE_AT_A_TIME, help="lines saved one at a time"
    )
    parser.add_argument("--articles", type=int, default=100_000, help="corpus size")
    options = parser.parse_args()

    from benchmarks.setup import fill_to, use_bench_database

    use_bench_database(options.articles)
    fill_to(options.articles)
    from benchmarks.timing import table

    print(table("Ingestion: NDJSON with entity linking", run(options.items, options.one_at_a_time)))


if __name__ == "__main__":
    main()
