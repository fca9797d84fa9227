from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

from articles import glossary
from articles.listing import LIST_INPUT, SEARCH_INPUT, list_page
from articles.models import Article, Category, Entity, Tag
from articles.reading import article_page
from articles.search.query import parse_query
from articles.search.suggest import complete, did_you_mean
from newsreader.pagecache import PageInput, absolute_url, cache_anonymous_page, remember
from newsreader.pagecache import version as content_version

READING_MODES = ("parallel", "interleaved", "vi", "en")
DEFAULT_MODE = "parallel"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60
WORDS_MAX_AGE = 24 * 60 * 60  # the page names them under the content version: ?v=
ARTICLE_INPUT = PageInput(
    parameters=("view", "highlight"),
    cookies=(settings.READER_COOKIE,),
    choices={"view": READING_MODES, "highlight": ("1",), settings.READER_COOKIE: READING_MODES},
)


@cache_anonymous_page(reads=LIST_INPUT)
def home(request: HttpRequest) -> HttpResponse:
    context = list_page(request, Article.objects.for_cards())
    return _render_list(request, "articles/home.html", context)


@cache_anonymous_page(reads=SEARCH_INPUT)
def search(request: HttpRequest) -> HttpResponse:
    query = parse_query(request.GET.get("q"))
    context = {"query": query, "shown_as_asked": "q" not in request.GET}
    if query.is_searchable:
        context |= list_page(request, Article.objects.for_cards(), search=query)
        as_typed = request.GET.copy()
        as_typed.pop("page", None)
        as_typed["literal"] = "1"
        context |= {
            "reading": context["list_query"].reading,
            "as_typed_query": as_typed.urlencode(),
        }
        context["suggestions"] = did_you_mean(query, found=context["article_count"])
    return _render_list(request, "articles/search.html", context)


def search_suggestions(request: HttpRequest) -> JsonResponse:
    """Entities and categories for the search box, as the reader types."""
    query = parse_query(request.GET.get("q"))
    return JsonResponse({"results": complete(query.text) if query.is_searchable else []})


@cache_anonymous_page(reads=LIST_INPUT)
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = _topic_or_404(("category", slug), lambda: Category.objects.filter(slug=slug))
    context = list_page(request, Article.objects.for_cards().in_category(category), topic=category)
    context["category"] = category
    return _render_list(request, "articles/category.html", context)


@cache_anonymous_page(reads=LIST_INPUT)
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = _topic_or_404(
        ("tag", slug, request.user.is_staff),
        lambda: Tag.objects.visible_to(request.user).filter(slug=slug),
    )
    context = list_page(request, Article.objects.for_cards().with_tags([tag.pk]), topic=tag)
    context["tag"] = tag
    return _render_list(request, "articles/tag.html", context)


@cache_anonymous_page(reads=LIST_INPUT)
def entity_detail(request: HttpRequest, slug: str) -> HttpResponse:
    entity = _topic_or_404(
        ("entity", slug, request.user.is_staff),
        lambda: (
            Entity.objects.visible_to(request.user).filter(slug=slug).prefetch_related("aliases")
        ),
    )
    context = list_page(
        request, Article.objects.for_cards().with_entities([entity.pk]), topic=entity
    )
    related = remember(
        ("mentioned with", entity.pk, get_language()),
        lambda: [
            EntityLink(other.get_absolute_url(), str(other), other.shared_articles)
            for other in Entity.objects.mentioned_with(entity)
        ],
    )
    context |= {"entity": entity, "related": related}
    return _render_list(request, "articles/entity.html", context)


@dataclass(frozen=True)
class EntityLink:
    url: str
    name: str
    shared_articles: int


def _topic_or_404(parts: tuple, found: Callable[[], QuerySet]):
    """The category, tag or entity a topic page is about (the one `found`), if the reader
    may see it: kept until the content changes."""
    topic = remember(("topic", *parts), lambda: next(iter(found()), None))
    if topic is None:
        raise Http404
    return topic


def _render_list(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """A list page; one whose address asks for it in words the site does not use (a filter
    naming nothing, a page past the end) is not kept by any cache."""
    response = render(request, template, context)
    if not context["shown_as_asked"]:
        patch_cache_control(response, no_store=True)
    return response


@cache_anonymous_page(reads=ARTICLE_INPUT)
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    version = Article.objects.version_to_read(slug, request.user)
    if version is None:
        raise Http404
    mode, chosen_now = _reading_mode(request)
    highlight = request.GET.get("highlight") == "1"
    context = {"mode": mode, "modes": READING_MODES, "highlight": highlight}
    response = HttpResponse(article_page(request, version, context))
    if chosen_now:
        response.set_cookie(
            settings.READER_COOKIE,
            mode,
            max_age=COOKIE_MAX_AGE,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure(),
        )
    if not version.is_published:  # a preview, for staff: never kept, by them or on the way
        patch_cache_control(response, private=True, no_store=True)
    return response


def _reading_mode(request: HttpRequest) -> tuple[str, bool]:
    """The mode asked for in ?view=, else the one remembered in the cookie, else the default."""
    asked = request.GET.get("view")
    remembered = request.COOKIES.get(settings.READER_COOKIE)
    if asked in READING_MODES:
        return asked, asked != remembered
    return (remembered if remembered in READING_MODES else DEFAULT_MODE), False


def article_words(request: HttpRequest, slug: str) -> JsonResponse:
    """What the article's page needs to gloss its words (articles.glossary), fetched the
    first time its reader taps one: kept by browsers under the article's version and the
    content version (the glossary and names are content), and by the server alike."""
    version = Article.objects.version_to_read(slug, request.user)
    if version is None:
        raise Http404
    key = ("article words", version.pk, version.updated_at.isoformat(), get_language())
    response = JsonResponse(
        remember(key, lambda: glossary.article_words(version.pk)),
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )
    response["ETag"] = f'"{version.pk}.{version.updated_at.timestamp()}.{content_version()}"'
    if version.is_published:
        patch_cache_control(response, public=True, max_age=WORDS_MAX_AGE)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response


@cache_anonymous_page
def saved_words(request: HttpRequest) -> HttpResponse:
    """The words the reader saved, kept in their browser: the page's script lists them."""
    return render(request, "articles/words.html")


def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers may read every page but the admin; the sitemap lists them all."""
    sitemap = absolute_url(request, reverse("sitemap_index"))
    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
