"""RSS 2.0 and Atom feeds of the latest articles: of the whole site, a category, an entity
or a tag, in Vietnamese, in English (translated articles only) or in both languages.

/feeds/<vi|en|both>/rss/  and  /feeds/<vi|en|both>/<categories|entities|tags>/<slug>/atom/

Links name the site's address (SITE_URL), whatever host the request came to; an entity or
tag has a feed once it has a published article.
"""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.translation import gettext as _

from articles.bilingual import in_language
from articles.models import Article, Category, Entity, Tag
from newsreader.pagecache import site_url

FEED_SIZE = 30
LANGUAGES = ("vi", "en", "both")
TOPICS = {"categories": Category, "entities": Entity, "tags": Tag}
TOPIC_KINDS = {model: kind for kind, model in TOPICS.items()}


@dataclass(frozen=True)
class Subject:
    """What a feed is about, and where: its language, topic (None: the whole site), the
    site's address and the feed's own path."""

    language: str
    topic: Category | Entity | Tag | None
    site: str
    path: str


@dataclass(frozen=True)
class FeedChoice:
    language: str
    label: str
    title: str  # what a feed reader lists: "Quốc phòng — Tiếng Việt"
    rss: str
    atom: str


def feed_choices(topic=None) -> list[FeedChoice]:
    """The feeds of a list page (the site's, or a category's, entity's or tag's): the
    interface language first, then both languages, then the other."""
    kwargs = {"kind": TOPIC_KINDS[type(topic)], "slug": topic.slug} if topic else {}
    labels = {"vi": _("Vietnamese"), "en": _("English"), "both": _("Both languages")}
    current = translation.get_language()
    ordered = sorted(LANGUAGES, key=lambda code: (code != current, code != "both"))
    name = in_language(topic, "name", current) if topic else "newsreader"
    return [
        FeedChoice(
            code,
            labels[code],
            f"{name} — {labels[code]}",
            reverse("feeds:rss", kwargs={"language": code, **kwargs}),
            reverse("feeds:atom", kwargs={"language": code, **kwargs}),
        )
        for code in ordered
    ]


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
    def __call__(self, request, language, kind=None, slug=None):
        # Titles, dates and links in the feed's language; "both" reads as the Vietnamese site.
        with translation.override("en" if language == "en" else "vi"):
            return super().__call__(request, language=language, kind=kind, slug=slug)

    def get_object(self, request, language, kind=None, slug=None) -> Subject:
        topic = get_object_or_404(public_topics(kind), slug=slug) if kind else None
        return Subject(language, topic, site_url(request), request.path)

    def title(self, obj: Subject) -> str:
        topic = obj.topic
        name = in_language(topic, "name", obj.language) if topic else _("Latest news")
        return f"newsreader — {name}"

    def description(self, obj: Subject) -> str:
        return _("Vietnamese and English news, paragraph by paragraph.")

    def link(self, obj: Subject) -> str:
        return obj.site + (obj.topic.get_absolute_url() if obj.topic else reverse("articles:home"))

    def feed_url(self, obj: Subject) -> str:
        return obj.site + obj.path

    def items(self, obj: Subject) -> list[Article]:
        articles = articles_about(obj.topic).prefetch_related("tags")
        if obj.language == "en":
            articles = articles.translated()
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


class ArticlesAtomFeed(ArticlesFeed):
    feed_type = Atom1Feed
    subtitle = ArticlesFeed.description
