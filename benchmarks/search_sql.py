"""A search's ranked matches, as its first reader's page reads them: for each search of
benchmarks.first_reader, the one query that ranks its matches with their stories and
topics (for its count, its facets and every page), timed in one process against a warm
database: the median of RUNS runs, and how many matches it ranked.

    python -m benchmarks.search_sql [--articles 100000] [--checkout ../other]

With --checkout, another checkout's query is timed too, in processes alternated with this
one's, ROUNDS times each, against the same database, so that the machine's drift falls
on both alike; each figure is the median of its rounds.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7
ROUNDS = 3


def timed() -> dict[str, tuple[float, int]]:
    """In the measured process: each search's ranked matches, (median ms, matches)."""
    from django.http import QueryDict

    from articles.listing import ListQuery
    from articles.models import Article
    from articles.search.query import parse_query
    from benchmarks.first_reader import SEARCHES

    figures = {}
    for text in SEARCHES:
        asked = ListQuery(QueryDict(""), Article.objects.for_cards(), parse_query(text))
        samples, rows = [], []
        for _ in range(RUNS + 1):  # the first to warm up
            started = time.perf_counter()
            rows = asked.matching().summary_rows()
            samples.append((time.perf_counter() - started) * 1000)
        figures[text] = (statistics.median(samples[1:]), len(rows))
    return figures


def measured(checkout: Path) -> dict[str, tuple[float, int]]:
    # the environment use_bench_database() set: the database, DEBUG off
    finished = subprocess.run(
        [sys.executable, __file__, "--time"], cwd=checkout, capture_output=True, text=True
    )
    if finished.returncode:
        raise RuntimeError(finished.stderr)
    return json.loads(finished.stdout)


def run(checkout: Path | None = None) -> list[dict]:
    versions = {"now": ROOT} | ({"other": checkout} if checkout and checkout != ROOT else {})
    rounds: dict[str, list[dict]] = {name: [] for name in versions}
    for _ in range(ROUNDS):
        for name, path in versions.items():
            rounds[name].append(measured(path))
    rows = []
    for text, (_ms, matches) in rounds["now"][0].items():
        row = {"query": text, "matches": matches}
        for name in versions:
            row[name] = statistics.median(figures[text][0] for figures in rounds[name])
        if "other" in versions:
            row["other matches"] = rounds["other"][0][text][1]
        rows.append(row)
    return rows


def as_table(rows: list[dict]) -> str:
    other = "other" in rows[0] if rows else False
    lines = ["### A search's ranked matches, as its first reader's page reads them", ""]
    if other:
        lines += [
            "| query | ms | matches | other checkout: ms | matches |",
            "|---|---:|---:|---:|---:|",
        ]
        lines += [
            f"| `{row['query']}` | {row['now']:.1f} | {row['matches']} | "
            f"{row['other']:.1f} | {row['other matches']} |"
            for row in rows
        ]
    else:
        lines += ["| query | ms | matches |", "|---|---:|---:|"]
        lines += [f"| `{row['query']}` | {row['now']:.1f} | {row['matches']} |" for row in rows]
    return "\n".join(lines) + "\n"


def main() -> None:
    if sys.argv[1:2] == ["--time"]:
        sys.path.insert(0, os.getcwd())  # the checkout measured
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsreader.settings")
        import django

        django.setup()
        print(json.dumps(timed()))
        return
    from benchmarks.setup import fill_to, use_bench_database

    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--checkout", type=Path, default=None)
    options = parser.parse_args()
    use_bench_database(options.articles)
    fill_to(options.articles)
    print(as_table(run(options.checkout.resolve() if options.checkout else None)))


if __name__ == "__main__":
    main()
