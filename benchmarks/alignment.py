"""What aligning an article's sentences costs when it is saved (articles.alignment), beside
reading its Vietnamese words (articles.words), which the same save does. No database.

The articles are the translated demo articles (real translations, several sentences a paragraph),
and a long one made of all of them back to back.

    python -m benchmarks.alignment [--runs 200]
"""

import argparse
import time
from pathlib import Path

DEMO = Path(__file__).resolve().parent.parent / "ingest" / "demo"
RUNS = 200


def demo_articles() -> list[list[tuple[str, str]]]:
    """The demo articles' (Vietnamese, English) blocks, the lead first."""
    from ingest.parsing import parse_article

    articles = []
    for vietnamese in sorted(DEMO.glob("*[!n].txt")):
        english = vietnamese.with_suffix(".en.txt")
        if not english.exists():
            continue
        vi = parse_article(vietnamese.read_text(encoding="utf-8")).blocks
        en = parse_article(english.read_text(encoding="utf-8"), "en").blocks
        articles.append(list(zip(vi, en, strict=False)))
    return articles


def rows(runs: int = RUNS) -> list[dict]:
    from articles.alignment import align_article
    from articles.words import text_words
    from benchmarks.timing import percentiles

    articles = demo_articles()
    long_article = [block for article in articles for block in article]
    found = []
    for label, chosen in [
        (f"each of the {len(articles)} demo articles", articles),
        (f"all of them as one article of {len(long_article)} blocks", [long_article]),
    ]:
        aligned = [align_article(article) for article in chosen]
        sentences = sum(alignment.sentence_count for alignment in aligned)
        coverage = [alignment.coverage for alignment in aligned]
        align = percentiles(lambda chosen=chosen: [align_article(a) for a in chosen], runs)
        words = percentiles(
            lambda chosen=chosen: [text_words(vi) for a in chosen for vi, _ in a], runs
        )
        per = len(chosen)
        cpu = (_cpu_ms(align_article, chosen, runs) / per, _cpu_ms(_read_words, chosen, runs) / per)
        found.append(
            {
                "what": f"align the sentences of {label}, per article",
                "p50": align[0] / per,
                "p95": align[1] / per,
                "ratio": f"{sentences / per:.0f} Vietnamese sentences an article, "
                f"{min(coverage)}–{max(coverage)} % aligned; reading its Vietnamese words "
                f"p50 {words[0] / per:.2f} ms ({align[0] / words[0]:.1f}×); processor time "
                f"{cpu[0]:.2f} ms against {cpu[1]:.2f} ms",
            }
        )
    return found


def _read_words(article: list[tuple[str, str]]) -> None:
    from articles.words import text_words

    for vietnamese, _ in article:
        text_words(vietnamese)


def _cpu_ms(action, articles, runs: int) -> float:
    """Mean processor time of the action over every article, in ms: what a shared machine's
    other work does not inflate."""
    started = time.process_time()
    for _ in range(runs):
        for article in articles:
            action(article)
    return (time.process_time() - started) * 1000 / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    options = parser.parse_args()
    from benchmarks.timing import table

    print(table("Sentence alignment when articles are saved, no database", rows(options.runs)))


if __name__ == "__main__":
    main()
