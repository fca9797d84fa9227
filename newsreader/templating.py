"""The Jinja2 environment the reader's pages are rendered in (templates/jinja2); the admin
keeps Django's own templates.

Translations go through Django's catalogues: `_("…")` in a template, formatted with
`|format(name=…)` where the message has placeholders, so that `makemessages` finds each
message as it finds them in Django's templates; messages with plurals are phrased in Python
(articles.page_meta, articles.listing)."""

from functools import lru_cache

from django.conf import settings
from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext, ngettext
from jinja2 import ChainableUndefined, Environment, pass_context

from articles import page_meta
from articles.reading import sentence_data


def environment(**options) -> Environment:
    # like Django's templates, a missing value is nothing, in DEBUG too
    options["undefined"] = ChainableUndefined
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    env.globals |= {
        "static": static,
        "url": url,
        "page_versions": _page_versions,
        "news_article_data": _news_article_data,
        "more_sources": page_meta.more_sources,
        "minutes_read": page_meta.minutes_read,
    }
    env.filters |= {
        "date": date,
        "truncatewords": defaultfilters.truncatewords,
        "grouped": page_meta.grouped,
        "local": page_meta.local,
        "sentence_data": sentence_data,
    }
    return env


def url(name: str, *args) -> str:
    return _reversed(name, args, get_language(), get_script_prefix(), settings.ROOT_URLCONF)


@lru_cache(maxsize=1024)
def _reversed(name: str, args: tuple, language: str, script_prefix: str, urlconf: str) -> str:
    """An address depends only on these (reverse() reads the last three itself), and a
    page names the same few again and again."""
    return reverse(name, args=args or None)


def date(value, format: str | None = None) -> str:
    """Django's `date` filter, in the site's time zone as Django's templates give it."""
    return defaultfilters.date(template_localtime(value), format)


@pass_context
def _page_versions(context) -> list[page_meta.Version]:
    return page_meta.page_versions(context.get("request"), context.get("shown_as_asked", True))


@pass_context
def _news_article_data(context, article):
    return page_meta.news_article_data(article, context["request"])
