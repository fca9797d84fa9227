"""An embedded PostgreSQL server under var/, used when DATABASE_URL is not set."""

import logging
import warnings
from pathlib import Path

DATABASE_NAME = "newsreader"

logger = logging.getLogger(__name__)


def embedded_database_url(data_dir: Path, database: str = DATABASE_NAME) -> str:
    """Start (or reuse) the server in data_dir and return a URL for the project's database.

    The server outlives the process that started it, so every manage.py command and the
    test run share one instance instead of paying for a start each time.
    """
    import psycopg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        import pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode=None)
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database]
        ).fetchone()
        if not exists:
            logger.info("Creating database %s in %s", database, data_dir)
            connection.execute(f'CREATE DATABASE "{database}"')
    return server.get_uri(database)
