"""Everything an article list page shows: filters, active chips, facet counts and a page."""

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

from articles.filters import ArticleFilter
from articles.models import Category, Entity, Source, Tag

FACET_SIZE = 8
MULTI_VALUED = {"tag", "entity"}
LOOKUP_FILTERS = {"category", "tag", "entity", "source"}


@dataclass(frozen=True)
class FacetValue:
    label: str
    count: int
    url: str
    active: bool


@dataclass(frozen=True)
class Facet:
    title: str
    values: list[FacetValue]


@dataclass(frozen=True)
class Chip:
    label: str
    remove_url: str


def article_list(request: HttpRequest, articles: QuerySet) -> dict:
    """The template context for a filtered, paginated list of the given articles."""
    params = request.GET
    filterset = ArticleFilter(params, queryset=articles)
    problems = _problems(filterset, params)
    filtered = filterset.qs if not problems else articles.none()
    page, page_problem = paginate(filtered, params.get("page"))
    return {
        "filter": filterset,
        "page": page,
        "problems": [*problems, *filter(None, [page_problem])],
        "chips": _chips(filterset, params) if not problems else [],
        "facets": facets(filtered, params) if not problems else [],
        "page_query": _without(params, "page").urlencode(),
        "lookup_filters": LOOKUP_FILTERS,
        "hidden_filters": [
            (name, value) for name in sorted(LOOKUP_FILTERS) for value in params.getlist(name)
        ],
    }


def paginate(articles: QuerySet, requested: str | None) -> tuple[Page, str]:
    paginator = Paginator(articles, settings.ARTICLES_PER_PAGE)
    if requested in (None, ""):
        return paginator.page(1), ""
    try:
        number = int(requested)
    except ValueError:
        return paginator.page(1), _("“%(page)s” is not a page number; here is the first page.") % {
            "page": requested[:40]
        }
    if number < 1:
        return paginator.page(1), _("Pages start at 1; here is the first page.")
    if number > paginator.num_pages:
        return paginator.page(paginator.num_pages), _(
            "There is no page %(page)s; the last page is %(last)s, shown here."
        ) % {"page": number, "last": paginator.num_pages}
    return paginator.page(number), ""


def facets(articles: QuerySet, params: QueryDict) -> list[Facet]:
    """Counts per value, under the current filters, for the most frequent values."""
    ids = articles.values("pk")
    categories = (
        Category.objects.filter(articles__in=ids)
        .annotate(n=Count("articles"))
        .order_by("-n", "position")
    )
    tags = (
        Tag.objects.filter(articles__in=ids).annotate(n=Count("articles")).order_by("-n", "name_vi")
    )
    entities = (
        Entity.objects.filter(mentions__article__in=ids)
        .annotate(n=Count("mentions"))
        .order_by("-n", "name_en")
    )
    sources = (
        Source.objects.filter(articles__in=ids).annotate(n=Count("articles")).order_by("-n", "name")
    )
    return [
        Facet(title, [_facet_value(params, name, item) for item in queryset[:FACET_SIZE]])
        for title, name, queryset in (
            (_("Categories"), "category", categories),
            (_("Tags"), "tag", tags),
            (_("People, organisations and places"), "entity", entities),
            (_("Sources"), "source", sources),
        )
    ]


def _facet_value(params: QueryDict, name: str, item) -> FacetValue:
    active = item.slug in params.getlist(name)
    url_params = _without(params, "page")
    if not active:
        if name in MULTI_VALUED:
            url_params.appendlist(name, item.slug)
        else:
            url_params[name] = item.slug
    return FacetValue(str(item), item.n, "?" + url_params.urlencode(), active)


def _chips(filterset: ArticleFilter, params: QueryDict) -> list[Chip]:
    chips = []
    for name, value in filterset.form.cleaned_data.items():
        if name in ("match", "sort") or value in (None, "", []):
            continue
        field = filterset.form.fields[name]
        for item in value if name in MULTI_VALUED else [value]:
            raw = item.slug if hasattr(item, "slug") else params.get(name)
            shown = str(item) if hasattr(item, "slug") else _plain_value(field, item)
            remove_url = "?" + _without(params, "page", (name, raw)).urlencode()
            chips.append(Chip(f"{field.label}: {shown}", remove_url))
    return chips


def _plain_value(field, value) -> str:
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return str(dict(getattr(field, "choices", [])).get(value, value))


def _problems(filterset: ArticleFilter, params: QueryDict) -> list[str]:
    problems = []
    for name, errors in filterset.errors.items():
        label = filterset.form.fields[name].label
        given = ", ".join(f"“{value[:60]}”" for value in params.getlist(name))
        if name in LOOKUP_FILTERS:
            problems.append(
                _("%(label)s: nothing is called %(given)s.") % {"label": label, "given": given}
            )
        else:
            problems.append(
                _("%(label)s: %(given)s is not valid (%(error)s)")
                % {"label": label, "given": given, "error": " ".join(errors)}
            )
    return problems


def _without(params: QueryDict, *names_or_pairs) -> QueryDict:
    """A mutable copy of params without the named keys or (key, value) pairs."""
    remaining = params.copy()
    for item in names_or_pairs:
        if isinstance(item, tuple):
            name, value = item
            remaining.setlist(name, [v for v in remaining.getlist(name) if v != value])
        else:
            remaining.pop(item, None)
    return remaining
