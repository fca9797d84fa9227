"""Strict readers for settings taken from the environment."""

import ipaddress
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


def env_networks(name: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """IP networks separated by commas, e.g. 10.1.0.0/16,fd00::/8 (an address alone is a
    network of one); none by default."""
    networks = []
    for item in env_list(name, []):
        try:
            networks.append(ipaddress.ip_network(item))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must be IP networks separated by commas, such as 10.1.0.0/16 "
                f"(no bits set after the prefix); got {item!r}"
            ) from None
    return tuple(networks)


def env_ports(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    """TCP port numbers separated by commas, e.g. 80,443,8080."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    ports = []
    for item in raw.split(","):
        item = item.strip()
        if not re.fullmatch(r"[0-9]{1,5}", item) or not 0 < int(item) < 65536:
            raise ImproperlyConfigured(
                f"{name} must be port numbers (1 to 65535) separated by commas; got {raw!r}"
            )
        ports.append(int(item))
    return tuple(dict.fromkeys(ports))


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
