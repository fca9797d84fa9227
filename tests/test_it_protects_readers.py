import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import ArticleFactory

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def article_page(client, db):
    return client.get(ArticleFactory().get_absolute_url())


def test_pages_carry_a_content_security_policy_without_inline_code(article_page):
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in article_page["Content-Security-Policy"].split(";")
        if directive.strip()
    )

    assert "unsafe-inline" not in article_page["Content-Security-Policy"]
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"


def test_pages_carry_the_other_security_headers(article_page):
    assert article_page["X-Content-Type-Options"] == "nosniff"
    assert article_page["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert article_page["Cross-Origin-Opener-Policy"] == "same-origin"
    assert article_page["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_markup_in_article_text_is_shown_as_text(client):
    article = ArticleFactory(
        lead_vi='<script>alert("x")</script> Tin <b>nóng</b>', caption_vi="<img src=x onerror=1>"
    )

    html = client.get(article.get_absolute_url()).content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    assert "<img src=x" not in html


def test_the_deployment_check_is_clean_in_production_mode():
    environment = {
        **{key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SITE_URL": "https://news.example.org",
        "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO",
    }

    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    environment = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    environment["DEBUG"] = "0"

    checked = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert checked.returncode != 0
    assert "SECRET_KEY must be set" in checked.stderr


@pytest.mark.django_db
def test_healthz_says_the_database_is_up(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
