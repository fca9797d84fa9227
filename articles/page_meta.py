"""What a page says about itself: its canonical URL and its version in each language,
schema.org data for search engines, and numbers and names in the reader's language."""

import json
import unicodedata
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.urls import translate_url
from django.utils import formats, numberformat
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import get_language, ngettext

from articles.bilingual import in_language
from articles.models import Article, Entity
from newsreader.pagecache import FRAGMENT_SECONDS, absolute_url, remember, site_url

KEPT_IN_CANONICAL = ("q", "page")  # the rest only filter or restyle a page (page 1: none)
OPEN_GRAPH_LOCALES = {"vi": "vi_VN", "en": "en_GB"}
SCHEMA_TYPES = {
    Entity.Kind.PERSON: "Person",
    Entity.Kind.ORGANISATION: "Organization",
    Entity.Kind.PLACE: "Place",
    Entity.Kind.EVENT: "Event",
}
JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@dataclass(frozen=True)
class Version:
    """This page in one interface language."""

    code: str
    name: str  # in its own language: Tiếng Việt, English
    url: str  # the same page, filters and all, for the language switcher
    canonical: str  # absolute, for hreflang alternates
    current: bool
    default: bool  # the version for readers of any other language (hreflang x-default)
    open_graph_locale: str


def page_versions(request: HttpRequest | None, shown_as_asked: bool = True) -> list[Version]:
    """The page in each interface language; none for pages outside the reader's site."""
    if request is None or request.resolver_match is None:
        return []
    page = (request.get_full_path(), site_url(request), get_language())
    # a page shown for an address the site would not write (see listing) keeps nothing
    seconds = FRAGMENT_SECONDS if shown_as_asked else 0
    return remember(("page versions", *page), lambda: _versions(request), seconds)


def _versions(request: HttpRequest) -> list[Version]:
    kept = request.GET.copy()
    for name in list(kept):
        if name not in KEPT_IN_CANONICAL or kept[name] in ("", "1"):
            del kept[name]
    canonical = request.path + (f"?{kept.urlencode()}" if kept else "")
    current = get_language()
    return [
        Version(
            code=code,
            name=unicodedata.normalize("NFC", name),
            url=translate_url(request.get_full_path(), code),
            canonical=absolute_url(request, translate_url(canonical, code)),
            current=code == current,
            default=code == settings.LANGUAGE_CODE,
            open_graph_locale=OPEN_GRAPH_LOCALES[code],
        )
        for code, name in settings.LANGUAGES
    ]


def news_article_data(article: Article, request: HttpRequest) -> SafeString:
    """schema.org NewsArticle JSON-LD for the article, as a data block (never executed)."""
    data = news_article(article, request)
    encoded = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(encoded))


def news_article(article: Article, request: HttpRequest) -> dict:
    """The article described for search engines, in the interface language where it has
    that language: about the entities it names most or in its title, mentioning the rest."""
    language = "en" if get_language() == "en" and article.has_translation else "vi"
    other = "vi" if language == "en" else "en"
    absolute = partial(absolute_url, request)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "url": absolute(article.get_absolute_url()),
        "mainEntityOfPage": absolute(article.get_absolute_url()),
        "headline": Truncator(getattr(article, f"title_{language}")).chars(110),
        "description": Truncator(getattr(article, f"lead_{language}")).words(40),
        "inLanguage": language,
        "dateModified": localtime(article.updated_at),
        "publisher": {"@type": "Organization", "name": "newsreader", "url": absolute("/")},
    }
    if getattr(article, f"title_{other}"):
        data["alternativeHeadline"] = getattr(article, f"title_{other}")
    if article.published_at:
        data["datePublished"] = localtime(article.published_at)
    if article.author:
        data["author"] = [{"@type": "Person", "name": article.author}]
    if article.source:
        data["sourceOrganization"] = {"@type": "Organization", "name": article.source.name}
    if article.source_url or (article.source and article.source.url):
        data["isBasedOn"] = article.source_url or article.source.url
    if tags := [in_language(tag, "name", language) for tag in article.tags.all()]:
        data["keywords"] = tags
    mentions = list(article.mentions.all())  # most mentioned first
    titles = f"{article.title_vi} {article.title_en}"
    about = [
        mention.entity
        for position, mention in enumerate(mentions)
        if position == 0 or _named_in(mention.entity, titles)
    ]
    others = [mention.entity for mention in mentions if mention.entity not in about]
    if about:
        data["about"] = [_thing(entity, language, absolute) for entity in about]
    if others:
        data["mentions"] = [_thing(entity, language, absolute) for entity in others]
    return data


def _named_in(entity: Entity, text: str) -> bool:
    return any(name and name in text for name in (entity.name_vi, entity.name_en))


def _thing(entity: Entity, language: str, absolute) -> dict:
    thing = {
        "@type": SCHEMA_TYPES.get(entity.kind, "Thing"),
        "name": in_language(entity, "name", language),
        "url": absolute(entity.get_absolute_url()),
    }
    if entity.name_vi != entity.name_en:
        thing["alternateName"] = entity.name_en if language == "vi" else entity.name_vi
    return thing


def grouped(value) -> str:
    """A whole number with the interface language's thousands separator: 12.345, 12,345."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value
    return numberformat.format(
        number,
        formats.get_format("DECIMAL_SEPARATOR"),
        grouping=3,
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


def local(obj, field: str = "name") -> str:
    """A name (or with "title" or "lead", an article's) in the interface language where
    there is one, else in Vietnamese."""
    return in_language(obj, field, get_language())


def more_sources(count: int) -> str:
    """What a card's list of the others that tell its story is called: "+2 sources"."""
    return ngettext("+%(counter)s source", "+%(counter)s sources", count) % {"counter": count}


def minutes_read(minutes: int) -> str:
    return ngettext("%(minutes)s min read", "%(minutes)s min read", minutes) % {"minutes": minutes}
