"""RSS 2.0 and Atom feeds of every article list: the latest articles of the whole site, a
category, an entity, a tag or a search, with the list's filters, in Vietnamese, in English
(translated articles only) or in both languages.

/feeds/<vi|en|both>/rss/?tag=…, /feeds/<vi|en|both>/<categories|entities|tags>/<slug>/atom/?…
and /feeds/<vi|en|both>/search/rss/?q=…&…: a list's path and query string, without its page
and its order (a feed is newest first).

Links name the site's address (SITE_URL), whatever host the request came to; an entity or
tag has a feed once it has a published article. Feeds are kept by the page cache as list
pages are: under the filters they understand, and not at all when a value names nothing.
"""

import re
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import format_html
from django.utils.translation import gettext as _

from articles.bilingual import in_language
from articles.filters import ArticleFilter
from articles.listing import MULTI_VALUED, ListQuery
from articles.models import Article, Category, Entity, Tag
from articles.search.query import parse_query
from newsreader.pagecache import PageInput, cache_anonymous_page, site_url

FEED_SIZE = 30
LANGUAGES = ("vi", "en", "both")
TOPICS = {"categories": Category, "entities": Entity, "tags": Tag}
TOPIC_KINDS = {model: kind for kind, model in TOPICS.items()}
NOT_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def feed_input(*first: str) -> PageInput:
    """The query parameters a list's feed understands: the list's but for its page and its
    order (a feed is newest first), with a repeated one's values in any order."""
    filters = (name for name in ArticleFilter.base_filters if name != "sort")
    return PageInput(
        parameters=(*first, *filters), repeated=tuple(sorted(MULTI_VALUED)), unordered=True
    )


LIST_FEED_INPUT = feed_input()
SEARCH_FEED_INPUT = feed_input("q", "literal")


@dataclass(frozen=True)
class Subject:
    """What a feed is about, and where: its language, topic (None: the whole site), the
    list's query (its search and filters), the site's address and the feed's own path."""

    language: str
    topic: Category | Entity | Tag | None
    asked: ListQuery
    site: str
    path: str


@dataclass(frozen=True)
class FeedChoice:
    language: str
    label: str
    title: str  # what a feed reader lists: "Quốc phòng — Tiếng Việt"
    rss: str
    atom: str


def feed_choices(asked: ListQuery, topic=None) -> list[FeedChoice]:
    """The feeds of a list page (the site's, a category's, entity's or tag's, or a
    search's) with its filters: the interface language first, then both languages, then
    the other. None for a list whose filters name nothing: it lists nothing."""
    if asked.problems:
        return []
    kwargs = {"kind": TOPIC_KINDS[type(topic)], "slug": topic.slug} if topic else {}
    names = (
        ("feeds:search_rss", "feeds:search_atom") if asked.search else ("feeds:rss", "feeds:atom")
    )
    query = _feed_query(asked)
    labels = {"vi": _("Vietnamese"), "en": _("English"), "both": _("Both languages")}
    current = translation.get_language()
    ordered = sorted(LANGUAGES, key=lambda code: (code != current, code != "both"))
    name = following(asked, topic, current) or "newsreader"
    return [
        FeedChoice(
            code,
            labels[code],
            f"{name} — {labels[code]}",
            *(reverse(url_name, kwargs={"language": code, **kwargs}) + query for url_name in names),
        )
        for code in ordered
    ]


def _feed_query(asked: ListQuery) -> str:
    """The list's query string as its feeds understand it ("?q=…&tag=…", or "")."""
    params = asked.params.copy()
    if asked.search:
        params["q"] = asked.search.text
    understood = (SEARCH_FEED_INPUT if asked.search else LIST_FEED_INPUT).understood(params)
    return f"?{understood.urlencode()}" if understood else ""


def following(asked: ListQuery, topic, language: str) -> str:
    """What a list's feed follows, in words: "Quốc phòng · Thẻ: Tên lửa", "Search: Nhật"."""

    def name(item) -> str:
        return in_language(item, "name", language) if hasattr(item, "name_vi") else str(item)

    parts = [name(topic)] if topic else []
    if asked.search:
        parts.append(_("Search: %(query)s") % {"query": asked.search.text})
    parts += [label for label, _removed in asked.active(name)]
    return " · ".join(parts)


class LanguageConverter:
    regex = "|".join(LANGUAGES)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class TopicConverter(LanguageConverter):
    regex = "|".join(TOPICS)


def public_topics(kind: str) -> QuerySet:
    """The topics of a kind that have a feed: every category; entities and tags that
    readers may know of."""
    model = TOPICS[kind]
    return model.objects.all() if model is Category else model.objects.public()


def articles_about(topic) -> QuerySet:
    """The published articles of a list page: everything, or a category's, entity's or tag's."""
    articles = Article.objects.for_listing()
    if isinstance(topic, Category):
        return articles.in_category(topic)
    if isinstance(topic, Entity):
        return articles.with_entities([topic.pk])
    if isinstance(topic, Tag):
        return articles.with_tags([topic.pk])
    return articles


class ArticlesFeed(Feed):
    """A list's feed: its latest articles, the newest first, in RSS (or Atom)."""

    def __init__(self, feed_type=Rss201rev2Feed, searching: bool = False):
        self.feed_type, self.searching = feed_type, searching

    def __call__(self, request, language, kind=None, slug=None) -> HttpResponse:
        # Titles, dates and links in the feed's language; "both" reads as the Vietnamese site.
        with translation.override("en" if language == "en" else "vi"):
            subject = self.subject(request, language, kind, slug)
            response = super().__call__(request, subject=subject)
        if not subject.asked.spelled:  # as a list page: shown, not kept
            patch_cache_control(response, no_store=True)
        return response

    def subject(self, request: HttpRequest, language: str, kind, slug) -> Subject:
        topic = get_object_or_404(public_topics(kind), slug=slug) if kind else None
        search = None
        if self.searching:
            search = parse_query(request.GET.get("q"))
            if not search.is_searchable:
                raise Http404(search.hint)
        articles = articles_about(topic)
        if language == "en":
            articles = articles.translated()
        asked = ListQuery(request.GET, articles, search)
        return Subject(language, topic, asked, site_url(request), request.get_full_path())

    def get_object(self, request, subject: Subject) -> Subject:
        return subject

    def title(self, obj: Subject) -> str:
        followed = following(obj.asked, obj.topic, obj.language) or _("Latest news")
        return _xml_text(f"{followed} — newsreader")

    def description(self, obj: Subject) -> str:
        # a filter naming nothing makes an empty feed, as it makes an empty list: say why
        problems = " ".join(obj.asked.problems)
        return _xml_text(problems) or _("Vietnamese and English news, paragraph by paragraph.")

    subtitle = description  # Atom's

    def link(self, obj: Subject) -> str:
        if obj.topic:
            page = obj.topic.get_absolute_url()
        else:
            page = reverse("articles:search" if obj.asked.search else "articles:home")
        return obj.site + page + _feed_query(obj.asked)

    def feed_url(self, obj: Subject) -> str:
        return obj.site + obj.path

    def items(self, obj: Subject) -> list[Article]:
        articles = obj.asked.matching(newest_first=True).prefetch_related("tags")
        items = list(articles[:FEED_SIZE])
        for article in items:
            article.feed_language = obj.language
            article.feed_link = obj.site + article.get_absolute_url()
        return items

    def item_title(self, item: Article) -> str:
        return in_language(item, "title", item.feed_language)

    def item_description(self, item: Article) -> str:
        if item.feed_language == "both" and item.lead_en:
            return format_html('<p lang="vi">{}</p><p lang="en">{}</p>', item.lead_vi, item.lead_en)
        return format_html("<p>{}</p>", in_language(item, "lead", item.feed_language))

    def item_link(self, item: Article) -> str:
        return item.feed_link

    def item_author_name(self, item: Article) -> str | None:
        return item.author or None

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.updated_at

    def item_categories(self, item: Article) -> list[str]:
        return [in_language(tag, "name", item.feed_language) for tag in item.tags.all()]


def _xml_text(text: str) -> str:
    """The text without the characters XML 1.0 cannot hold (what a reader typed may)."""
    return NOT_IN_XML.sub("", text)


rss = cache_anonymous_page(ArticlesFeed(), reads=LIST_FEED_INPUT)
atom = cache_anonymous_page(ArticlesFeed(Atom1Feed), reads=LIST_FEED_INPUT)
search_rss = cache_anonymous_page(ArticlesFeed(searching=True), reads=SEARCH_FEED_INPUT)
search_atom = cache_anonymous_page(ArticlesFeed(Atom1Feed, searching=True), reads=SEARCH_FEED_INPUT)
