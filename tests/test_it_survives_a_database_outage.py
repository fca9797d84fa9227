"""A real PostgreSQL, stopped and started again under a running gunicorn."""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).parent / "gunicorn"

pytestmark = pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture(scope="module")
def database():
    """A server of its own, outside pytest's temporary folders: pytest takes back others'
    access to those whenever a test process first asks for one, and the server's user must
    keep it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver
    import psycopg

    folder = Path(tempfile.mkdtemp(prefix="newsreader-outage-"))
    server = pgserver.get_server(folder / "pg", cleanup_mode="stop")
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as connection:
        connection.execute('CREATE DATABASE "newsreader"')
    yield server
    server.cleanup()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def site(database):
    environment = {
        **os.environ,
        "DATABASE_URL": database.get_uri("newsreader"),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONN_MAX_AGE": "60",
    }
    for command in (
        ["migrate", "-v0"],
        ["load_demo", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=environment, check=True
        )
    port = free_port()
    gunicorn = subprocess.Popen(
        [str(GUNICORN), "newsreader.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while fetch_or_none(base + "/healthz") is None:
        assert time.monotonic() < deadline, "gunicorn did not start"
        time.sleep(0.2)
    yield base
    gunicorn.terminate()
    gunicorn.wait(10)


def fetch_or_none(url: str):
    try:
        return fetch(url)
    except OSError:
        return None


def stop(database) -> None:
    from pgserver._commands import pg_ctl

    pg_ctl(["-w", "stop", "-m", "fast"], pgdata=database.pgdata, user=database.system_user)


def test_readers_get_a_friendly_503_and_cached_pages_until_the_database_is_back(database, site):
    assert fetch(site + "/")[0] == 200

    stop(database)
    try:
        health_status, health = fetch(site + "/healthz")
        cached_status, cached = fetch(site + "/")
        uncached_status, uncached = fetch(site + "/search/?q=hypersonic")
        admin_status, _ = fetch(site + "/admin/login/")
    finally:
        database.ensure_postgres_running()

    assert (health_status, json.loads(health)["database"]) == (503, "unreachable")
    assert cached_status == 200
    assert "newsreader" in cached
    assert uncached_status == 503
    assert "briefly unavailable" in uncached
    assert "Traceback" not in uncached
    assert admin_status in (200, 503)
    assert fetch(site + "/healthz")[0] == 200
    assert fetch(site + "/search/?q=hypersonic")[0] == 200
