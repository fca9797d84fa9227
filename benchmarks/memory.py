"""Translation memory at a million translated paragraphs: the lookup the editing page runs
for each untranslated paragraph (articles.desk.memory), on a table of the same shape as the
paragraphs' with the same indexes, filled here with synthetic pairs (words drawn from the
demo articles, as the corpus's are) and kept for later runs. Cheaper than a million
articles, and what the lookup reads is the paragraphs alone.

Each lookup is for a paragraph close to one stored (a tenth of its words changed), or for
one like none (fresh words): the case where the index finds nothing to show.

    python -m benchmarks.memory [--paragraphs 1000000]

Run alone, it uses a database of its own (newsreader_bench_memory); in `make bench`, the
corpus's.
"""

import random
import time

PARAGRAPHS = 1_000_000
RUNS = 200
SEED = 20261207
BATCH = 50_000


def table_name(paragraphs: int) -> str:
    return f"bench_memory_{paragraphs}"


def fill(paragraphs: int, say=print) -> str:
    """The table of synthetic approved pairs, created and indexed once."""
    from django.db import connection

    from articles.desk.memory import CREATE_KEYS_FUNCTION, index_sql
    from benchmarks.corpus import demo_vocabulary

    table = table_name(paragraphs)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [table])
        if cursor.fetchone()[0]:
            for statement in index_sql(table, prefix=table):  # as this version reads it
                cursor.execute(statement)
            return table
        say(f"Filling {table} with {paragraphs:,} translated paragraphs…")
        cursor.execute(CREATE_KEYS_FUNCTION)  # as migrated, in case this one is not yet
        started = time.perf_counter()
        cursor.execute(
            f"CREATE UNLOGGED TABLE {table}_filling (id bigint PRIMARY KEY, article_id bigint, "
            "text_vi text, text_en text, vi_changed_at timestamptz DEFAULT now(), "
            "en_changed_at timestamptz DEFAULT now())"
        )
        rng, vocabulary = random.Random(SEED), demo_vocabulary()
        for start in range(0, paragraphs, BATCH):
            rows = [
                (pk, pk // 6, *_pair(rng, vocabulary))
                for pk in range(start + 1, min(start + BATCH, paragraphs) + 1)
            ]
            columns = "id, article_id, text_vi, text_en"
            with cursor.cursor.copy(f"COPY {table}_filling ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for statement in index_sql(f"{table}_filling", prefix=table):
            cursor.execute(statement)
        cursor.execute(f"ALTER TABLE {table}_filling RENAME TO {table}")
        cursor.execute(f"VACUUM ANALYZE {table}")
        say(f"  filled and indexed in {time.perf_counter() - started:.0f} s")
    return table


def _pair(rng, vocabulary) -> tuple[str, str]:
    words = rng.randint(30, 60)  # as the corpus's paragraphs
    return _sentence(rng.choices(vocabulary.vietnamese, k=words)), _sentence(
        rng.choices(vocabulary.english, k=words)
    )


def _sentence(words: list[str]) -> str:
    text = " ".join(words)
    return text[:1].upper() + text[1:] + "."


def _close_to(rng, text: str) -> str:
    """The text with a tenth of its words replaced by others of it."""
    words = text.rstrip(".").split()
    for _ in range(max(1, len(words) // 10)):
        words[rng.randrange(len(words))] = rng.choice(words)
    return " ".join(words) + "."


def run(paragraphs: int = PARAGRAPHS) -> list[dict]:
    from django.db import connection

    from articles.desk.memory import suggestions
    from benchmarks.corpus import demo_vocabulary
    from benchmarks.timing import percentiles

    table = fill(paragraphs)
    rng = random.Random(SEED + 1)
    with connection.cursor() as cursor:
        ids = rng.sample(range(1, paragraphs + 1), RUNS)
        cursor.execute(f"SELECT id, text_vi FROM {table} WHERE id = ANY(%s)", [ids])
        stored = cursor.fetchall()
    close = [(pk, _close_to(rng, text)) for pk, text in stored]
    vocabulary = demo_vocabulary()
    fresh = [_pair(rng, vocabulary)[0] for _ in range(RUNS)]
    found = []

    def near():
        pk, text = close[len(found) % len(close)]
        best = suggestions([text], table=table)[0]
        found.append(any(suggestion.article_id == pk // 6 for suggestion in best))

    queue = iter(fresh * 2)

    def unlike():
        suggestions([next(queue)], table=table)

    rows = []
    p50, p95 = percentiles(near, RUNS)
    hits = sum(found[3:])  # after the warm-up
    rows.append(
        {
            "what": f"suggestions for a paragraph close to one of {paragraphs:,} translated",
            "p50": p50,
            "p95": p95,
            "ratio": f"{hits} of {RUNS} found the paragraph it was made from (goal: p95 ≤ 50 ms)",
        }
    )
    p50, p95 = percentiles(unlike, RUNS)
    rows.append(
        {
            "what": "suggestions for a paragraph like none stored",
            "p50": p50,
            "p95": p95,
            "ratio": "",
        }
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT max(similarity(newsreader_fold(text_vi), newsreader_fold(%s))) FROM {table}",
            [close[0][1]],
        )
    naive = (time.perf_counter() - started) * 1000
    rows.append(
        {
            "what": "the same without the index: similarity to every paragraph, once",
            "p50": naive,
            "p95": naive,
            "ratio": f"{naive / rows[0]['p50']:,.0f}× the indexed p50",
        }
    )
    return rows


def main() -> None:
    import argparse

    from benchmarks.setup import use_bench_database

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paragraphs", type=int, default=PARAGRAPHS)
    options = parser.parse_args()
    use_bench_database(0, name="memory")  # a database of its own: no articles needed
    from django.core.management import call_command

    from benchmarks.timing import table

    call_command("migrate", verbosity=0)
    print(table("Translation memory", run(options.paragraphs)))


if __name__ == "__main__":
    main()
