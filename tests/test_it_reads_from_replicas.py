"""Read replicas, with a second real PostgreSQL database standing in for a replica.

The replica is a copy of the primary taken just before an editor retitled its article,
and it never catches up: the title on a page says which database it was read from.
"""

import http.client
import os
import re
import runpy
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

import psycopg
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).parent / "gunicorn"
PIN_SECONDS = 2
EDITOR, PASSWORD = "editor", secrets.token_urlsafe(12)
ON_THE_PRIMARY, ON_THE_REPLICA = "Retitled on the primary", "Not yet retitled on the replica"

needs_gunicorn = pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed")

SEED = """
import os
from django.contrib.auth import get_user_model
from django.core.management import call_command
from tests.factories import ArticleFactory

call_command("migrate", verbosity=0)
get_user_model().objects.create_superuser(os.environ["EDITOR"], password=os.environ["PASSWORD"])
ArticleFactory(slug="retitled", title_vi=os.environ["TITLE"], title_en=os.environ["TITLE"])
"""
# read on every request (lists keep the ids of their articles until the content changes)
ARTICLE = "/articles/retitled/"

PUBLISHED_TITLES = """
from articles.models import Article
print(sorted(Article.objects.published().values_list("title_en", flat=True)))
"""


class Server:
    """The PostgreSQL server the tests run against, wherever settings found it (a
    DATABASE_URL, or the embedded server's socket, which is among the OPTIONS)."""

    def __init__(self, database: dict):
        fields = {key: database[key.upper()] for key in ("host", "port", "user", "password")}
        self.fields = {key: str(value) for key, value in fields.items() if value}
        self.options = database.get("OPTIONS", {})

    def execute(self, sql: str, parameters=(), database: str = "postgres") -> None:
        with psycopg.connect(
            dbname=database, autocommit=True, **self.options, **self.fields
        ) as connection:
            connection.execute(sql, parameters)

    def url(self, name: str) -> str:
        user, password, host, port = (
            quote(self.fields.get(key, ""), safe="") for key in ("user", "password", "host", "port")
        )
        credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
        query = f"?{urlencode(self.options)}" if self.options else ""
        return f"postgres://{credentials}{host}{':' + port if port else ''}/{name}{query}"


def manage(*arguments: str, **environment: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env={
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": "replica-tests",
            "DATABASE_REPLICA_URLS": "",
            **environment,
        },
        stdout=subprocess.PIPE,
        text=True,
    )


def finish(*commands: subprocess.Popen) -> list[str]:
    outputs = [command.communicate()[0] for command in commands]
    assert all(command.returncode == 0 for command in commands), outputs
    return outputs


@pytest.fixture(scope="module")
def databases():
    """A primary with an editor and an article, and a replica copied from it just before
    the article was retitled on the primary."""
    server = Server(settings.DATABASES["default"])
    prefix = f"newsreader_replica_test_{os.getpid()}"
    primary, replica = f"{prefix}_primary", f"{prefix}_replica"
    server.execute(f'CREATE DATABASE "{primary}"')
    try:
        finish(
            manage(
                "shell",
                "-v0",
                "-c",
                SEED,
                DATABASE_URL=server.url(primary),
                EDITOR=EDITOR,
                PASSWORD=PASSWORD,
                TITLE=ON_THE_REPLICA,
            ),
            manage("collectstatic", "--noinput", "-v0", DATABASE_URL=server.url(primary)),
        )
        server.execute(f'CREATE DATABASE "{replica}" TEMPLATE "{primary}"')
        server.execute(
            # as an editor's save does: a new version, so pages render it anew
            "UPDATE articles_article SET title_vi = %s, title_en = %s, updated_at = now()",
            [ON_THE_PRIMARY, ON_THE_PRIMARY],
            database=primary,
        )
        yield server.url(primary), server.url(replica)
    finally:
        for name in (replica, primary):
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def site(databases):
    primary, replica = databases
    port = free_port()
    gunicorn = subprocess.Popen(
        [str(GUNICORN), "newsreader.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": primary,
            "DATABASE_REPLICA_URLS": replica,
            "REPLICA_PIN_SECONDS": str(PIN_SECONDS),
            "PAGE_CACHE_SECONDS": "0",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1",
            "CONN_MAX_AGE": "60",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not Browser(port).answers("/healthz"):
        assert gunicorn.poll() is None, "gunicorn exited"
        assert time.monotonic() < deadline, "gunicorn did not start"
        time.sleep(0.2)
    yield port
    gunicorn.terminate()
    gunicorn.wait(10)


@dataclass
class Page:
    status: int
    html: str
    set_cookies: SimpleCookie


class Browser:
    """Keeps cookies as a browser does over plain http (the site's are all Secure, which
    a real browser would only send over https) and forgets each when its Max-Age is up."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, tuple[str, float]] = {}

    def answers(self, path: str) -> bool:
        try:
            return self.request("GET", path).status == 200
        except OSError:
            return False

    def get(self, path: str) -> Page:
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, str]) -> Page:
        return self.request("POST", path, urlencode(form))

    def request(self, method: str, path: str, body: str | None = None) -> Page:
        now = time.monotonic()
        sent = "; ".join(
            f"{name}={value}" for name, (value, expires) in self.cookies.items() if expires > now
        )
        headers = {"Cookie": sent} if sent else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            page = Page(response.status, response.read().decode(), SimpleCookie())
            for header in response.headers.get_all("Set-Cookie") or []:
                page.set_cookies.load(header)
        finally:
            connection.close()
        for name, cookie in page.set_cookies.items():
            lifetime = float(cookie["max-age"]) if cookie["max-age"] else float("inf")
            self.cookies[name] = (cookie.value, time.monotonic() + lifetime)
        return page

    def log_in(self, username: str, password: str) -> Page:
        form = self.get("/admin/login/").html
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        return self.post(
            "/admin/login/?next=/admin/",
            {
                "csrfmiddlewaretoken": token,
                "username": username,
                "password": password,
                "next": "/admin/",
            },
        )


@needs_gunicorn
def test_readers_read_an_article_from_the_replica(site):
    page = Browser(site).get(ARTICLE)

    assert page.status == 200
    assert ON_THE_REPLICA in page.html
    assert ON_THE_PRIMARY not in page.html
    assert "pin_primary" not in page.set_cookies


@needs_gunicorn
def test_an_editor_who_logs_in_reads_from_the_primary_until_the_pin_expires(site):
    browser = Browser(site)

    logged_in = browser.log_in(EDITOR, PASSWORD)

    assert logged_in.status == 302
    pin = logged_in.set_cookies["pin_primary"]
    assert pin["max-age"] == str(PIN_SECONDS)
    assert pin["httponly"] and pin["secure"]
    assert pin["samesite"] == "Lax"
    pinned = browser.get(ARTICLE).html
    assert ON_THE_PRIMARY in pinned
    assert ON_THE_REPLICA not in pinned

    time.sleep(PIN_SECONDS)
    unpinned = browser.get(ARTICLE).html

    assert ON_THE_REPLICA in unpinned
    assert ON_THE_PRIMARY not in unpinned


@needs_gunicorn
def test_after_a_change_in_the_admin_every_reader_reads_the_primary_for_a_moment(site):
    editor = Browser(site)
    editor.log_in(EDITOR, PASSWORD)
    assert ON_THE_REPLICA in Browser(site).get(ARTICLE).html  # a login changes no content

    form = editor.get("/admin/articles/tag/add/").html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    added = editor.post(
        "/admin/articles/tag/add/",
        {
            "csrfmiddlewaretoken": token,
            **{"slug": "navy", "name_vi": "Hải quân", "name_en": "Navy", "minimum_count": 1},
        },
    )
    assert added.status == 302

    another_reader = Browser(site).get(ARTICLE).html
    assert ON_THE_PRIMARY in another_reader  # not a page a lagging replica would render

    time.sleep(PIN_SECONDS)
    assert ON_THE_REPLICA in Browser(site).get(ARTICLE).html


@needs_gunicorn
def test_management_commands_read_from_the_primary(databases):
    primary, replica = databases

    (titles,) = finish(
        manage(
            "shell",
            "-v0",
            "-c",
            PUBLISHED_TITLES,
            DATABASE_URL=primary,
            DATABASE_REPLICA_URLS=replica,
        )
    )

    assert titles.strip() == repr([ON_THE_PRIMARY])


def settings_from(monkeypatch, **environment: str) -> dict:
    """The settings module as it reads this environment."""
    monkeypatch.setenv("DATABASE_URL", "postgres://newsreader@primary.example:5432/newsreader")
    monkeypatch.delenv("DATABASE_REPLICA_URLS", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "newsreader" / "settings.py"))


def test_each_replica_url_becomes_a_database_connected_like_the_primary(monkeypatch):
    databases = settings_from(
        monkeypatch,
        CONN_MAX_AGE="30",
        DATABASE_REPLICA_URLS="postgres://reader@one.example/newsreader,\n"
        " postgres://reader@two.example/newsreader   postgres://reader@three.example/news",
    )["DATABASES"]

    assert list(databases) == ["default", "replica_1", "replica_2", "replica_3"]
    assert [database["HOST"] for database in databases.values()] == [
        "primary.example",
        "one.example",
        "two.example",
        "three.example",
    ]
    assert all(database["CONN_MAX_AGE"] == 30 for database in databases.values())
    assert all(database["CONN_HEALTH_CHECKS"] for database in databases.values())
    assert databases["replica_2"]["TEST"] == {"MIRROR": "default"}


def test_without_replicas_there_is_only_the_primary(monkeypatch):
    configured = settings_from(monkeypatch, DATABASE_REPLICA_URLS=" , ")

    assert list(configured["DATABASES"]) == ["default"]
    assert configured["DATABASE_ROUTERS"] == []


def test_a_replica_that_is_not_postgresql_stops_start_up_without_showing_its_password(
    monkeypatch,
):
    with pytest.raises(ImproperlyConfigured) as refusal:
        settings_from(
            monkeypatch,
            DATABASE_REPLICA_URLS="postgres://reader@one.example/db mysql://reader:s3cret@two/db",
        )

    assert str(refusal.value) == (
        "DATABASE_REPLICA_URLS must point at PostgreSQL (postgres://…), not mysql://…"
    )


def test_a_malformed_replica_url_stops_start_up(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_REPLICA_URLS must point at"):
        settings_from(monkeypatch, DATABASE_REPLICA_URLS="replica.example:5432")
