"""Point Django at a database of its own for benchmarks, filled to a given size."""

import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def bench_database_name(articles: int) -> str:
    return f"newsreader_bench_{articles}"


def use_bench_database(articles: int) -> str:
    """Set DATABASE_URL to the database for a corpus of this size (created if missing)."""
    name = bench_database_name(articles)
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


def fill_to(articles: int, say=print) -> None:
    """Migrate, load the curated starter set, and add synthetic articles up to the size."""
    from django.core.management import call_command

    from articles.corpus import generate_corpus
    from articles.models import Article

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo", verbosity=0)
    missing = articles - Article.objects.count()
    if missing <= 0:
        return
    say(f"Loading {missing:,} synthetic articles…")
    started = time.perf_counter()
    batch = 20_000
    for done in range(0, missing, batch):
        size = min(batch, missing - done)
        generate_corpus(size, seed=done + articles, refresh=done + size >= missing)
    elapsed = time.perf_counter() - started
    say(f"  loaded in {elapsed:.0f} s ({missing / elapsed:,.0f} articles/s, membership included)")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
