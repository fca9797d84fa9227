"""The Jinja2 environment the reader's pages are rendered in (templates/jinja2); the admin
keeps Django's own templates.

Translations go through Django's catalogues: `_("…")` in a template, formatted with
`|format(name=…)` where the message has placeholders, so that `makemessages` finds each
message as it finds them in Django's templates; messages with plurals are phrased in Python
(articles.page_meta, articles.listing)."""

import datetime
from functools import lru_cache

from django.template import defaultfilters
from django.utils.dateformat import DateFormat, re_escaped, re_formatchars
from django.utils.formats import get_format
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext, ngettext
from jinja2 import ChainableUndefined, Environment, pass_context

from articles import page_meta
from articles.reading import sentence_data
from newsreader.reversing import reversed_once, static_once


def environment(**options) -> Environment:
    # like Django's templates, a missing value is nothing, in DEBUG too
    options["undefined"] = ChainableUndefined
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    env.globals |= {
        "static": static_once,
        "url": reversed_once,
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


def date(value, format: str | None = None) -> str:
    """Django's `date` filter, in the site's time zone as Django's templates give it, with
    each format read once per language (Django reads it again for every date)."""
    if not isinstance(value, datetime.date):
        return defaultfilters.date(value, format)
    formatter = DateFormat(template_localtime(value))
    return "".join(
        str(getattr(formatter, piece)()) if is_specifier else piece
        for piece, is_specifier in _format_pieces(format or "DATE_FORMAT", get_language())
    )


@lru_cache(maxsize=64)
def _format_pieces(format: str, language: str) -> tuple[tuple[str, bool], ...]:
    """The format (a format's name, or a format) in this language, as Django's
    dateformat splits it: each piece literal text or a specifier."""
    return tuple(
        (piece, True) if index % 2 else (re_escaped.sub(r"\1", piece), False)
        for index, piece in enumerate(re_formatchars.split(get_format(format, lang=language)))
        if piece
    )


@pass_context
def _page_versions(context) -> list[page_meta.Version]:
    return page_meta.page_versions(context.get("request"), context.get("shown_as_asked", True))


@pass_context
def _news_article_data(context, article):
    return page_meta.news_article_data(article, context["request"])
