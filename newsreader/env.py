"""Strict readers for settings taken from the environment."""

import os
import re

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

POSTGRESQL_ENGINE = "django.db.backends.postgresql"
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}"
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer; got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_words(name: str) -> list[str]:
    """Items separated by commas, whitespace (newlines included) or both."""
    return [item for item in re.split(r"[\s,]+", os.environ.get(name, "")) if item]


def postgres_database(name: str, url: str, **options) -> dict:
    """Django's settings for the PostgreSQL database at url, taken from the variable `name`.

    Any other kind of database is refused; the message names the URL's scheme only, since
    the URL may hold a password."""
    scheme, separator, _ = url.partition("://")
    given = f"{scheme}://…" if separator else "a malformed URL"
    refusal = f"{name} must point at PostgreSQL (postgres://…), not {given}"
    try:
        database = dj_database_url.parse(url, **options)
    except ValueError:
        raise ImproperlyConfigured(refusal) from None
    if database["ENGINE"] != POSTGRESQL_ENGINE:
        raise ImproperlyConfigured(refusal)
    return database
