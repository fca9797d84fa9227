"""Smaller gaps: a staff preview of a draft could be kept on the way; pages that vary by
the reading-mode cookie did not say so; `check --deploy` was not clean with the production
defaults; HSTS preload was on by default; the reading-mode cookie was not Secure under
HTTPS."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import ArticleFactory, DraftArticleFactory

ROOT = Path(__file__).resolve().parents[2]
SITE = "https://news.example.org"


def in_production(*command: str, **environment: str) -> subprocess.CompletedProcess:
    """manage.py run with DEBUG off, a secret key and `environment`, as `make serve` does."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "ALLOWED_HOSTS", "SITE_URL")
        and not key.startswith("SECURE_")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env={**inherited, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def setting(name: str, **environment: str) -> str:
    shown = in_production(
        "shell",
        "--no-imports",
        "-c",
        f"from django.conf import settings; print(settings.{name})",
        **environment,
    )
    assert shown.returncode == 0, shown.stderr
    return shown.stdout.strip()


# --- A staff preview ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_staff_preview_of_a_draft_is_private_and_never_stored(admin_client):
    draft = DraftArticleFactory()

    response = admin_client.get(draft.get_absolute_url())

    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control


@pytest.mark.django_db
def test_a_published_article_is_no_preview(admin_client):
    response = admin_client.get(ArticleFactory().get_absolute_url())

    assert "private" not in response.get("Cache-Control", "")


# --- The reading-mode cookie -------------------------------------------------------------------


@pytest.mark.django_db
def test_an_article_page_says_it_varies_by_cookie_fresh_or_cached(client):
    url = ArticleFactory().get_absolute_url()

    fresh, cached = client.get(url), client.get(url)

    assert "Age" not in fresh and "Age" in cached
    for response in (fresh, cached):
        assert "Cookie" in [part.strip() for part in response["Vary"].split(",")]


@pytest.mark.django_db
def test_the_cache_key_covers_the_reading_mode_cookie():
    url = ArticleFactory().get_absolute_url()
    Client().get(url)  # cached in the default mode

    reader = Client()
    reader.cookies[settings.READER_COOKIE] = "interleaved"
    html = reader.get(url).content.decode()

    assert 'class="article mode-interleaved' in html


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["sideways", "x" * 100, "parallel;junk"])
def test_a_cookie_that_is_no_reading_mode_shares_the_default_entry(
    django_assert_num_queries, value
):
    url = ArticleFactory().get_absolute_url()
    Client().get(url)
    reader = Client()
    reader.cookies[settings.READER_COOKIE] = value

    with django_assert_num_queries(0):
        response = reader.get(url)

    assert "Age" in response
    assert 'class="article mode-parallel' in response.content.decode()


@pytest.mark.django_db
def test_the_reading_mode_cookie_is_secure_under_https(client):
    url = ArticleFactory().get_absolute_url() + "?view=en"

    over_https = client.get(url, secure=True).cookies[settings.READER_COOKIE]
    over_http = Client().get(url).cookies[settings.READER_COOKIE]

    assert over_https["secure"] is True
    assert not over_http["secure"]  # development over plain http
    assert over_https["httponly"] and over_https["samesite"] == "Lax"


# --- Production defaults -----------------------------------------------------------------------


def test_the_deployment_check_is_clean_with_the_production_defaults():
    checked = in_production("check", "--deploy", "--fail-level", "WARNING", SITE_URL=SITE)

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout


def test_the_deployment_check_asks_for_the_site_url():
    checked = in_production("check", "--deploy", ALLOWED_HOSTS="news.example.org")

    assert checked.returncode != 0
    assert "SITE_URL" in checked.stderr


def test_the_site_url_is_the_allowed_host_and_turns_https_on():
    assert setting("ALLOWED_HOSTS", SITE_URL=SITE) == "['news.example.org']"
    assert setting("SECURE_SSL_REDIRECT", SITE_URL=SITE) == "True"


def test_hsts_preload_is_off_unless_a_deployer_opts_in():
    assert setting("SECURE_HSTS_PRELOAD", SITE_URL=SITE) == "False"
    assert setting("SECURE_HSTS_PRELOAD", SITE_URL=SITE, SECURE_HSTS_PRELOAD="1") == "True"
    opted_in = in_production(
        "check", "--deploy", "--fail-level", "WARNING", SITE_URL=SITE, SECURE_HSTS_PRELOAD="1"
    )
    assert opted_in.returncode == 0, opted_in.stdout + opted_in.stderr


@pytest.mark.django_db
def test_the_hsts_header_asks_for_no_preload(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000  # as in production

    response = client.get("/healthz", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.parametrize("value", ["news.example.org", "ftp://news.example.org", f"{SITE}/news"])
def test_a_malformed_site_url_stops_start_up(value):
    checked = in_production("check", SITE_URL=value)

    assert checked.returncode != 0
    assert "SITE_URL must be the site's address" in checked.stderr
