"""Tag rules over the stored articles: a new tag's rule applied to every stored article,
the same rule widened and applied again, and a preview of the change over the newest 2,000
articles that may use its words, as the admin's rule tester shows it.

    python -m benchmarks.tag_rules [--articles 100000]
"""

import time

GOAL_SECONDS = 30
SLUG = "bench-rule"
WORDS = "siêu thanh, đạn đạo"
WIDENED = "siêu thanh, đạn đạo, tên lửa"


def run() -> list[dict]:
    from articles.admin.tags import PREVIEW_LIMIT
    from articles.derived import apply_tag_rules
    from articles.models import Article, Tag
    from articles.tagging import rule_outcome

    Tag.objects.filter(slug=SLUG).delete()  # what an interrupted run left
    total = Article.objects.count()
    tag = Tag.objects.create(slug=SLUG, name_vi="Vũ khí", name_en="Weapons", words_vi=WORDS)
    rows = []
    try:
        started = time.perf_counter()
        created = apply_tag_rules([tag])
        created_s = time.perf_counter() - started
        tag.words_vi = WIDENED
        started = time.perf_counter()
        preview = rule_outcome(tag, limit=PREVIEW_LIMIT)
        preview_ms = (time.perf_counter() - started) * 1000
        tag.save(update_fields=["words_vi"])
        started = time.perf_counter()
        widened = apply_tag_rules([tag])
        widened_s = time.perf_counter() - started
    finally:
        tag.delete()
    for what, seconds, outcome in (
        (f"a new tag's rule “{WORDS}” applied", created_s, created),
        (f"the rule widened to “{WIDENED}” and applied", widened_s, widened),
    ):
        rows.append(
            {
                "what": f"{what} to every stored article ({total:,})",
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
            "what": f"preview of the widened rule over the newest {PREVIEW_LIMIT:,} candidates",
            "p50": preview_ms,
            "p95": preview_ms,
            "ratio": f"{len(preview.gained):,} would gain, {len(preview.lost):,} would lose",
        }
    )
    return rows


def main() -> None:
    from benchmarks.setup import run_alone

    run_alone(__doc__, "Tag rules over the stored articles", run)


if __name__ == "__main__":
    main()
