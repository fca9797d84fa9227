"""Tag rules over the stored articles: applying a changed rule to every article that may
use its words (and those holding the tag), and previewing it over the newest 2,000 of them,
as the admin's rule tester does.

    python -m benchmarks.tag_rules [--articles 100000]
"""

import argparse
import time

GOAL_SECONDS = 30
TAG = "missiles"
ADDED_WORDS = "phòng không, đánh chặn"


def run() -> list[dict]:
    from articles.admin.tags import PREVIEW_LIMIT
    from articles.derived import apply_tag_rules
    from articles.models import Article, Tag
    from articles.tagging import rule_outcome

    tag = Tag.objects.get(slug=TAG)
    apply_tag_rules([tag])  # in line with its saved rule, whatever an earlier run left
    rule = tag.words_vi
    total = Article.objects.count()
    rows = []
    try:
        tag.words_vi = f"{rule}, {ADDED_WORDS}"
        started = time.perf_counter()
        preview = rule_outcome(tag, limit=PREVIEW_LIMIT)
        preview_ms = (time.perf_counter() - started) * 1000
        tag.save(update_fields=["words_vi"])
        started = time.perf_counter()
        widened = apply_tag_rules([tag])
        widened_s = time.perf_counter() - started
    finally:
        tag.words_vi = rule
        tag.save(update_fields=["words_vi"])
        started = time.perf_counter()
        restored = apply_tag_rules([tag])
        restored_s = time.perf_counter() - started
    for what, seconds, outcome in (
        (f"add “{ADDED_WORDS}” to the rule of “{TAG}” and apply it", widened_s, widened),
        ("take them out again and apply it", restored_s, restored),
    ):
        rows.append(
            {
                "what": f"{what}: every stored article ({total:,})",
                "p50": seconds * 1000,
                "p95": seconds * 1000,
                "ratio": (
                    f"{outcome.checked:,} read, {len(outcome.gained):,} gained, "
                    f"{len(outcome.lost):,} lost; {seconds:.1f} s (goal ≤ {GOAL_SECONDS} s)"
                ),
            }
        )
    rows.append(
        {
            "what": f"preview the changed rule over the newest {PREVIEW_LIMIT:,} candidates",
            "p50": preview_ms,
            "p95": preview_ms,
            "ratio": f"{len(preview.gained):,} would gain, {len(preview.lost):,} would lose",
        }
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, help="corpus size")
    options = parser.parse_args()

    from benchmarks.setup import fill_to, use_bench_database

    use_bench_database(options.articles)
    fill_to(options.articles)
    from benchmarks.timing import table

    print(table("Tag rules over the stored articles", run()))


if __name__ == "__main__":
    main()
