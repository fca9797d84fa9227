"""`make bench`: every benchmark in one run, printed as Markdown tables for the README.

    python -m benchmarks.run [--articles 100000] [--skip-ingest] [--skip-load] [--skip-memory]

(--skip-ingest also skips the benchmark of finding stories as articles are saved;
--skip-memory the translation memory's, whose table of a million pairs takes 15 minutes
to build the first time.)

Uses a database of its own per corpus size (newsreader_bench_100000, …), filled once with
synthetic articles and kept for later runs.
"""

import argparse
import os
import platform
import time

from benchmarks import first_reader
from benchmarks.setup import use_bench_database
from benchmarks.timing import table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument(
        "--load-seconds", type=int, default=18, help="wrk per page, in turns with /healthz"
    )
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument(
        "--skip-memory", action="store_true", help="the translation memory's million pairs"
    )
    parser.add_argument("--ingest-items", type=int, default=100_000, help="NDJSON lines")
    options = parser.parse_args()

    os.environ.setdefault("REDIS_URL", first_reader.local_redis())
    use_bench_database(options.articles)
    from benchmarks import (
        alignment,
        entity_linking,
        ingest,
        instructions,
        lists,
        load,
        memory,
        ranking,
        related,
        search,
        search_sql,
        stories,
        tag_rules,
        word_lengths,
    )
    from benchmarks.setup import fill_to

    started = time.perf_counter()
    fill_to(options.articles)
    print(
        f"\n## Benchmarks: {options.articles:,} articles, {platform.machine()}, "
        f"{time.strftime('%Y-%m-%d')}\n"
    )
    print(table("Filtered lists", lists.run()))
    # before the naive scans of search, which leave a cold cache no reader meets
    print(table("Related coverage: the end of an article page, uncached", related.run()))
    print(search_sql.as_table(search_sql.run()))
    print(table("Search: ranked first page of 20 results", search.run()))
    print(table(ranking.TITLE, ranking.run()))
    print(table("Entity linking, no database", entity_linking.rows()))
    print(table("Words told apart when an article is saved, no database", word_lengths.rows()))
    print(table("Sentence alignment when articles are saved, no database", alignment.rows()))
    print(table("Tag rules over the stored articles", tag_rules.run()))
    if not options.skip_memory:
        print(table("Translation memory", memory.run()))
    if not options.skip_ingest:
        print(table("Ingestion: NDJSON with entity linking", ingest.run(options.ingest_items)))
        print(table("Stories: found when articles are saved", stories.run()))
    if not options.skip_load:
        print(table(first_reader.TITLE, first_reader.run()))
        print(instructions.as_table(instructions.run()))
        print(load.as_table(load.run(options.load_seconds)))
    print(f"_Total {time.perf_counter() - started:.0f} s._")


if __name__ == "__main__":
    main()
