"""`make bench`: every benchmark in one run, printed as Markdown tables for the README.

    python -m benchmarks.run [--articles 100000]

Uses its own database (newsreader_bench), filled once with synthetic articles and kept
for later runs.
"""

import argparse
import platform
import time

from benchmarks.setup import use_bench_database


def table(title: str, rows: list[dict]) -> str:
    lines = [f"### {title}", "", "| what | p50 ms | p95 ms | side by side |", "|---|---:|---:|---|"]
    for row in rows:
        lines.append(
            f"| {row['what']} | {row['p50']:.1f} | {row['p95']:.1f} | {row.get('ratio', '')} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    options = parser.parse_args()

    use_bench_database()
    from benchmarks import entity_linking, lists, search
    from benchmarks.setup import fill_to

    started = time.perf_counter()
    fill_to(options.articles)
    print(
        f"\n## Benchmarks: {options.articles:,} articles, {platform.machine()}, "
        f"{time.strftime('%Y-%m-%d')}\n"
    )
    print(table("Filtered lists", lists.run()))
    print(table("Search: ranked first page of 20 results", search.run()))
    print(table("Entity linking, no database", entity_linking.rows()))
    print(f"_Total {time.perf_counter() - started:.0f} s._")


if __name__ == "__main__":
    main()
