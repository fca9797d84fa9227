"""What telling an article's Vietnamese words apart costs when it is saved: the words search
reads (segmentation), and beside it what the page's lengths add (glossary headwords of
several words joined, the syllables of each word counted), over the demo articles and the
shared sample.

Run from the project root: `.venv/bin/python -m benchmarks.word_lengths`. No database.
"""

from pathlib import Path

from articles.words import dictionary, headword_key, inner_words, joined, segment, word_lengths
from benchmarks.timing import percentiles

DEMO = Path(__file__).resolve().parent.parent / "ingest" / "demo"
SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "000_c7c1a47f91e5f97c.txt"
RUNS = 30


def starter_compounds() -> frozenset[str]:
    """The starter glossary's headwords that segmentation reads as several words."""
    lines = (DEMO / "glossary-vi.tsv").read_text("utf-8").splitlines()
    headwords = (headword_key(line.split("\t")[0], "vi") for line in lines if "\t" in line)
    return frozenset(word for word in headwords if " " in word and word not in dictionary())


def articles() -> list[list[str]]:
    """Each Vietnamese demo article (and the sample) as its paragraphs."""
    paths = [path for path in sorted(DEMO.glob("*.txt")) if not path.name.endswith(".en.txt")]
    paths += [SAMPLE] if SAMPLE.exists() else []
    texts = (path.read_text("utf-8").splitlines() for path in paths)
    return [[line for line in lines if line.strip()] for lines in texts]


def rows() -> list[dict]:
    texts, compounds = articles(), starter_compounds()
    paragraphs = [paragraph for text in texts for paragraph in text]
    segmented = [segment(paragraph) for paragraph in paragraphs]
    words = sum(map(len, segmented)) // len(texts)

    def search_words():
        for paragraph in paragraphs:
            inner_words(segment(paragraph))

    def page_lengths():
        for words_of_paragraph in segmented:
            word_lengths(joined(words_of_paragraph, compounds))

    search = [ms / len(texts) for ms in percentiles(search_words, RUNS)]
    page = [ms / len(texts) for ms in percentiles(page_lengths, RUNS)]
    return [
        {
            "what": f"segmentation: a demo article's words for search ({words} words)",
            "p50": search[0],
            "p95": search[1],
        },
        {
            "what": f"then the lengths its page reads ({len(compounds)} glossary compounds)",
            "p50": page[0],
            "p95": page[1],
            "ratio": f"{page[0] / search[0]:.0%} of segmentation",
        },
    ]


if __name__ == "__main__":
    from benchmarks.timing import table

    print(table("Words told apart when an article is saved, no database", rows()))
