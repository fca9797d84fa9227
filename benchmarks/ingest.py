"""Ingestion throughput: a generated 10,000-line NDJSON file imported as `import_articles`
imports it, each article parsed, saved in its own transaction and its entities linked
against every entity in the database.

Reported: articles per second over the whole file, and the time per article (p50, p95).
The imported articles are deleted afterwards, so the benchmark database keeps its size.

    python -m benchmarks.ingest [--items 10000]
"""

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

ITEMS = 10_000
SEED = 20250106
ID_PREFIX = "bench-ingest-"
PARAGRAPHS = 4
WORDS = (25, 45)  # per paragraph


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
    from articles.models import Article
    from newsreader.pagecache import content_changed

    imported = Article.objects.filter(import_ref__startswith=f"ndjson:{ID_PREFIX}")
    Article.history.filter(import_ref__startswith=f"ndjson:{ID_PREFIX}").delete()
    deleted, _ = imported.delete()
    content_changed()
    return deleted


def run(items: int = ITEMS) -> list[dict]:
    from django.conf import settings

    from articles.entities.linking import load_gazetteer
    from ingest.ndjson import import_ndjson

    remove_imported()  # what an interrupted run left
    with tempfile.TemporaryDirectory(prefix="newsreader-bench-") as folder:
        path = Path(folder) / "ingest.ndjson"
        generate_ndjson(path, items)
        started = time.perf_counter()
        gazetteer = load_gazetteer()
        gazetteer.find_mentions("Tôi về Mỹ Tho.", "vi")  # loads underthesea once
        gazetteer_ms = (time.perf_counter() - started) * 1000
        timings, statuses = [], set()
        started = last = time.perf_counter()
        for outcome in import_ndjson(
            path, max_bytes=settings.IMPORT_MAX_BYTES, gazetteer=gazetteer
        ):
            now = time.perf_counter()
            timings.append((now - last) * 1000)
            statuses.add(outcome.status)
            last = now
        elapsed = time.perf_counter() - started
    remove_imported()
    if statuses != {"created"}:
        raise RuntimeError(f"expected every line to be created, got {sorted(statuses)}")
    rate = items / elapsed
    quantiles = statistics.quantiles(timings, n=100)
    return [
        {
            "what": (
                f"ingest a {items:,}-line NDJSON file ({rate:,.0f} articles/s): per article, "
                "parsed, saved in its own transaction, entities linked"
            ),
            "p50": quantiles[49],
            "p95": quantiles[94],
            "ratio": f"{rate:,.0f} articles/s; {elapsed:,.0f} s in all",
        },
        {
            "what": "load the gazetteer of every entity once, before the file",
            "p50": gazetteer_ms,
            "p95": gazetteer_ms,
        },
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=ITEMS)
    parser.add_argument("--articles", type=int, default=0, help="fill the database first")
    options = parser.parse_args()

    from benchmarks.setup import fill_to, use_bench_database

    use_bench_database(options.articles)
    fill_to(options.articles)
    from benchmarks.run import table

    print(table("Ingestion", run(options.items)))


if __name__ == "__main__":
    main()
