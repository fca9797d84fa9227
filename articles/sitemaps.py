"""sitemap.xml: the home page and every published article, category, entity and tag, each
in Vietnamese (at the root) and in English (under /en/), with hreflang alternates."""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max, QuerySet
from django.urls import reverse

from articles.models import Article, Category, Entity, Tag


class InEveryLanguage:
    """(item, language) for each item of a query and each language, read a slice at a time."""

    def __init__(self, items: QuerySet, languages: list[str]):
        self.items, self.languages = items, languages

    def count(self) -> int:
        return self.items.count() * len(self.languages)

    def __getitem__(self, wanted: slice) -> list[tuple]:
        per_item = len(self.languages)
        first, last = wanted.start // per_item, -(-wanted.stop // per_item)
        pairs = [(item, code) for item in self.items[first:last] for code in self.languages]
        offset = first * per_item
        return pairs[wanted.start - offset : wanted.stop - offset]


class BilingualSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    limit = 10_000  # URLs per sitemap page: 5,000 pages in two languages


class QuerySitemap(BilingualSitemap):
    @property
    def paginator(self) -> Paginator:
        # Django lists every (item, language) pair up front; this reads one page's slice.
        languages = [code for code, _name in settings.LANGUAGES]
        return Paginator(InEveryLanguage(self.items(), languages), self.limit)


class PageSitemap(BilingualSitemap):
    def items(self) -> list[str]:
        return ["articles:home"]

    def location(self, item: str) -> str:
        return reverse(item)


class ArticleSitemap(QuerySitemap):
    def items(self) -> QuerySet:
        return Article.objects.published().only("slug", "updated_at").order_by("published_at", "pk")

    def lastmod(self, item: Article):
        return item.updated_at

    def get_latest_lastmod(self):
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class TopicSitemap(QuerySitemap):
    model = None

    def items(self) -> QuerySet:
        return self.model.objects.only("slug").order_by("pk")


class CategorySitemap(TopicSitemap):
    model = Category


class EntitySitemap(TopicSitemap):
    model = Entity


class TagSitemap(TopicSitemap):
    model = Tag


SITEMAPS = {
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "categories": CategorySitemap,
    "entities": EntitySitemap,
    "tags": TagSitemap,
}
