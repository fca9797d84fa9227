"""sitemap.xml: the home page and every published article, every category, and each entity
and tag with a published article, in Vietnamese (at the root) and in English (under /en/),
with hreflang alternates. Each sitemap page is kept until the content changes; its URLs
name the site's address (SITE_URL), whatever host the request came to."""

import re
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.core.paginator import Paginator
from django.db.models import Max, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from articles.models import Article, Category, Entity, Tag
from newsreader.pagecache import PageInput, absolute_url, cache_anonymous_page, site_url

PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,8}")


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
    def topics(self) -> QuerySet:
        raise NotImplementedError

    def items(self) -> QuerySet:
        return self.topics().only("slug").order_by("pk")


class CategorySitemap(TopicSitemap):
    def topics(self) -> QuerySet:
        return Category.objects.all()


class EntitySitemap(TopicSitemap):
    def topics(self) -> QuerySet:
        return Entity.objects.public()


class TagSitemap(TopicSitemap):
    def topics(self) -> QuerySet:
        return Tag.objects.public()


SITEMAPS = {
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "categories": CategorySitemap,
    "entities": EntitySitemap,
    "tags": TagSitemap,
}


@cache_anonymous_page
def index(request: HttpRequest) -> HttpResponse:
    """The sitemap index: each section's sitemap, a page of it at a time."""
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        location = absolute_url(request, reverse("sitemap", kwargs={"section": section}))
        lastmod = sitemap.get_latest_lastmod()
        entries += [
            SitemapIndexItem(location if number == 1 else f"{location}?p={number}", lastmod)
            for number in sitemap.paginator.page_range
        ]
    return _xml(request, "sitemaps/index.xml", {"sitemaps": entries})


@cache_anonymous_page(reads=PageInput(parameters=("p",)))
def section(request: HttpRequest, section: str) -> HttpResponse:
    """One page of a section's sitemap (?p=2 and on: the index lists them)."""
    page = request.GET.get("p", "1")
    if section not in SITEMAPS or not PAGE_NUMBER.fullmatch(page):
        raise Http404
    sitemap = SITEMAPS[section]()
    if int(page) > sitemap.paginator.num_pages:
        raise Http404
    scheme, domain = urlsplit(site_url(request))[:2]
    urls = sitemap.get_urls(page=page, site=SimpleNamespace(domain=domain), protocol=scheme)
    return _xml(request, "sitemaps/sitemap.xml", {"urlset": urls})


def _xml(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    response = render(request, template, context, content_type="application/xml")
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"  # the sitemap itself, as Django's
    return response
