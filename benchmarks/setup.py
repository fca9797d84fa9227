"""Point Django at a database of its own for benchmarks, filled to a given size."""

import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def bench_database_name(articles: int | str) -> str:
    return f"newsreader_bench_{articles}"


def use_bench_database(articles: int, name: str | None = None) -> str:
    """Set DATABASE_URL to the database for a corpus of this size, or of this name
    (created if missing)."""
    name = bench_database_name(name or articles)
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        import psycopg

        parts = urlsplit(url)
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as connection:
            if not connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone():
                connection.execute(f'CREATE DATABASE "{name}"')
        url = urlunsplit(parts._replace(path=f"/{name}"))
    else:
        sys.path.insert(0, str(ROOT))
        from newsreader.embedded_db import embedded_database_url

        url = embedded_database_url(ROOT / "var" / "postgres", name)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsreader.settings")
    os.environ["DEBUG"] = "0"
    os.environ["PAGE_CACHE_SECONDS"] = "0"  # time the pages themselves, not the page cache
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    return url


def start_django(databases: dict[str, dict]) -> None:
    """Set Django up in a process started afresh, on the databases of the process that
    started it (a test's own, say)."""
    import django
    from django.conf import settings

    settings.DATABASES.update(databases)
    django.setup()


BULK_LOAD = 50_000  # from this many new articles on, the text indexes are built afterwards


def fill_to(articles: int, say=print) -> None:
    """Migrate, load the curated starter set, and add synthetic articles up to the size.

    A big load goes three times faster without the full-text indexes, which PostgreSQL
    then builds once, with the memory to do it in one pass, and faster again written by a
    process for each core.
    """
    from django.core.management import call_command

    from articles.models import Article
    from benchmarks.corpus import fill_corpus

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo", verbosity=0)
    missing = articles - Article.objects.count()
    if missing >= BULK_LOAD:
        _drop_text_indexes()
    if missing > 0:
        say(f"Loading {missing:,} synthetic articles…")
        started = time.perf_counter()
        fill_corpus(  # a resumed fill writes new text
            missing,
            seed=articles - missing,
            workers=(os.cpu_count() or 1) if missing >= BULK_LOAD else 1,
        )
        elapsed = time.perf_counter() - started
        say(
            f"  loaded in {elapsed:.0f} s ({missing / elapsed:,.0f} articles/s, membership "
            "included)"
        )
    started = time.perf_counter()
    built = _build_missing_text_indexes()
    if built:
        say(f"  full-text indexes built in {time.perf_counter() - started:.0f} s")
    if missing > 0 or built:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _text_indexes() -> list:
    from articles.models import Article
    from articles.search.sql import TEXT_INDEXES

    return [index for index in Article._meta.indexes if index.name in TEXT_INDEXES]


def _drop_text_indexes() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for index in _text_indexes():
            cursor.execute(f'DROP INDEX IF EXISTS "{index.name}"')


def _build_missing_text_indexes() -> bool:
    """Build any full-text index a bulk load left out (or an interrupted one), side by
    side, each on a connection of its own: PostgreSQL builds a GIN index on one core.
    Say if any was missing."""
    from django.db import connection

    from articles.models import Article

    with connection.cursor() as cursor:
        existing = connection.introspection.get_constraints(cursor, Article._meta.db_table)
    missing = [index for index in _text_indexes() if index.name not in existing]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(_build_index, missing))
    return bool(missing)


def _build_index(index) -> None:
    from django.db import connection

    from articles.models import Article

    try:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
        with connection.schema_editor() as editor:
            editor.add_index(Article, index)
    finally:
        connection.close()  # each thread has a connection of its own


def run_alone(description: str, title: str, run) -> None:
    """A benchmark module run on its own: `python -m benchmarks.<name> [--articles N]`
    fills the corpus to that size and prints run()'s rows as a table."""
    import argparse

    parser = argparse.ArgumentParser(description=description.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, help="corpus size")
    options = parser.parse_args()
    use_bench_database(options.articles)
    fill_to(options.articles)
    from benchmarks.timing import table

    print(table(title, run()))
