"""The site's own addresses, reversed once: a page names the same few again and again, and
one for each article, tag, entity or category it lists."""

import re
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language

_SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # Django's slug path converter
_PLACEHOLDER = "slug"


def reversed_once(name: str, *args) -> str:
    """reverse(name, args), remembered: an address depends only on these, the language,
    the script prefix and the URLconf (which reverse() reads itself)."""
    return _reversed(name, args, get_language(), get_script_prefix(), settings.ROOT_URLCONF)


@lru_cache(maxsize=1024)
def _reversed(name: str, args: tuple, language: str, script_prefix: str, urlconf: str) -> str:
    return reverse(name, args=args or None)


def address_of_slug(name: str, slug: str) -> str:
    """reverse(name, kwargs={"slug": slug}) for a path with one slug in it: the path
    reversed once, the slug put in its place (a slug needs no quoting)."""
    if not _SLUG.fullmatch(slug):
        return reverse(name, kwargs={"slug": slug})  # which says why it cannot
    before, after = _around_slug(name, get_language(), get_script_prefix(), settings.ROOT_URLCONF)
    return f"{before}{slug}{after}"


@lru_cache(maxsize=64)
def _around_slug(name: str, language: str, script_prefix: str, urlconf: str) -> tuple[str, str]:
    before, found, after = reverse(name, kwargs={"slug": _PLACEHOLDER}).rpartition(_PLACEHOLDER)
    assert found, name
    return before, after
