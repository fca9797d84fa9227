"""The site's own addresses, reversed once: a page names the same few again and again, and
one for each article, tag, entity or category it lists; and its static files'."""

import re
from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.urls.converters import SlugConverter
from django.utils.translation import get_language

_SLUG = re.compile(SlugConverter.regex)
_PLACEHOLDER = "slug"


def reversed_once(name: str, *args) -> str:
    """reverse(name, args), remembered: an address depends only on these and on what
    reverse() reads itself (_reading())."""
    return _reversed(name, args, *_reading())


@lru_cache(maxsize=1024)
def _reversed(name: str, args: tuple, *reading) -> str:
    return reverse(name, args=args or None)


def _reading() -> tuple:
    """The language, the site's default language (which has no prefix), the script prefix
    and the URLconf."""
    return get_language(), settings.LANGUAGE_CODE, get_script_prefix(), settings.ROOT_URLCONF


def address_of_slug(name: str, slug: str) -> str:
    """reverse(name, kwargs={"slug": slug}) for a path with one slug in it: the path
    reversed once, the slug put in its place (a slug needs no quoting)."""
    if not _SLUG.fullmatch(slug):
        return reverse(name, kwargs={"slug": slug})  # which says why it cannot
    before, after = _around_slug(name, *_reading())
    return f"{before}{slug}{after}"


@lru_cache(maxsize=64)
def _around_slug(name: str, *reading) -> tuple[str, str]:
    before, found, after = reverse(name, kwargs={"slug": _PLACEHOLDER}).rpartition(_PLACEHOLDER)
    assert found, name
    return before, after


def static_once(path: str) -> str:
    """static(path), remembered: the storage names a file the same way while the process
    runs (a manifest is read when it starts), under the script prefix."""
    return _static(path, get_script_prefix())


@lru_cache(maxsize=256)
def _static(path: str, script_prefix: str) -> str:
    return static(path)


@receiver(setting_changed)
def _forget_static_addresses(*, setting: str, **kwargs) -> None:
    if setting in ("STATIC_URL", "STORAGES"):
        _static.cache_clear()
