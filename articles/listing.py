"""Everything an article list page shows: filters, active chips, facet counts and a page."""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from articles import page_meta, topics
from articles.filters import ArticleFilter, SearchFilter, gives_value
from articles.models import Article, Category, Entity, Source, Tag
from articles.querysets import (
    FACET_ARRAYS,
    FACET_WINDOW,
    SEARCH_CANDIDATES,
    SummaryRow,
    in_bulk_of_each,
)
from articles.search.highlight import attach_snippets
from articles.search.query import SearchQuery
from articles.search.reading import read
from newsreader.pagecache import PageInput, remember

FACET_SIZE = 8
SUMMARY_SECONDS = 60  # bounds how late a scheduled article is counted in the facets
MULTI_VALUED = {"tag", "entity"}
LOOKUP_FILTERS = {"category", "tag", "entity", "source"}
# filters that keep some of a topic's articles, so that its counts are no longer the list's
NARROWING_FILTERS = ("entity_type", "date_from", "date_to", "translated", "level")
# ?stories=apart lists every article; by default, a story told by several sources is one card
STORIES_APART = "apart"


def list_input(filter_class, *first: str) -> PageInput:
    """The query parameters a list page understands: `first`, its filters, whether stories
    are kept apart, its page."""
    names = (*first, *filter_class.base_filters, "stories", "page")
    return PageInput(
        parameters=names,
        repeated=tuple(sorted(MULTI_VALUED)),
        choices={"stories": (STORIES_APART,)},
    )


LIST_INPUT = list_input(ArticleFilter)
SEARCH_INPUT = list_input(SearchFilter, "q", "literal")


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


class ListQuery:
    """What a list's address asks of its articles: its filters (set up and checked only
    when it sets any), what is wrong with them, and whether it asks in the site's own words.
    The list page and the list's feeds both read their articles from it."""

    def __init__(self, params: QueryDict, articles: QuerySet, search: SearchQuery | None = None):
        self.params, self.articles, self.search = params, articles, search
        # how a search's words are read (articles.search.reading): as typed, with ?literal=1
        self.reading = (
            read(search, params.get("literal") == "1", keep=params.get("q") == search.text)
            if search
            else None
        )
        self.filter_class = SearchFilter if search else ArticleFilter
        # the order the reader chose, when it is all they chose, as the site spells it
        self.order = _lone_order(self.filter_class, params)
        # the filters are only set up and checked when the reader filtered
        self.filtering = self.order is None and any(
            name in params for name in self.filter_class.base_filters
        )
        self.filterset = _filters(self.filter_class, params, articles) if self.filtering else None
        self.problems = _problems(self.filterset, params) if self.filtering else []
        if self.filtering and not self.problems:
            self.order = self.filterset.form.cleaned_data.get("sort")
        # a list whose address asks for it in other words than the site's is shown, not
        # kept: the cache holds one copy of each list
        self.spelled = (search is None or params.get("q") == search.text) and (
            not self.filtering
            or (not self.problems and _spelled_as_the_site_does(self.filterset, params))
        )

    def matching(self, newest_first: bool = False) -> QuerySet:
        """The articles the list shows, in its order (a search's best first, unless the
        reader chose an order), or newest first."""
        if self.problems:
            return self.articles.none()
        found = self.filterset.qs if self.filtering else self.articles.in_order(self.order)
        if self.search:
            by_date = newest_first or self.order in ("newest", "oldest")
            found = found.search(self.search, self.reading, order_by_rank=not by_date)
        return found.latest_first() if newest_first else found

    def topic(self, listed: tuple[int, int]) -> tuple[int, int] | None:
        """The one topic (articles.topics) whose articles the list holds, if it is one:
        `listed`, the topic of the page's own articles, or the one value the home page is
        filtered by. Its count and facets are then read, not counted."""
        if self.search or self.problems:
            return None
        if not self.filtering:
            return listed
        chosen = self.filterset.form.cleaned_data
        if any(chosen.get(name) not in (None, "", []) for name in NARROWING_FILTERS):
            return None
        values = {
            (topics.KIND_OF_FILTER[name], item.pk)
            for name in LOOKUP_FILTERS
            for item in (chosen.get(name) or [] if name in MULTI_VALUED else [chosen.get(name)])
            if item is not None
        }
        if listed == topics.EVERY_ARTICLE and len(values) == 1:
            return values.pop()
        return listed if values <= {listed} else None

    def form(self):
        """The filters' form, as the list shows it."""
        if self.filterset:
            return self.filterset.form
        return _form_class(self.filter_class)(self.params)

    def active(self, name_of=str) -> list[tuple[str, str | tuple[str, str]]]:
        """Each value the list is filtered by as a reader reads it ("Tag: Navy", a topic
        named by name_of), with what an address without it leaves out."""
        if not self.filtering or self.problems:
            return []
        filterset, active = self.filterset, []
        for name, value in filterset.form.cleaned_data.items():
            if name in ("match", "sort") or value in (None, "", []):
                continue
            if name in MULTI_VALUED and not gives_value(self.params, name):
                continue
            field = filterset.form.fields[name]
            for item in value if name in MULTI_VALUED else [value]:
                shown = name_of(item) if hasattr(item, "slug") else _plain_value(field, item)
                # a single-valued filter given twice used the last value: drop them all
                removed = (name, item.slug) if name in MULTI_VALUED else name
                active.append((f"{field.label}: {shown}", removed))
        return active


@cache
def _form_class(filter_class):
    """The filters' form, for a list that sets none of them: built once, where a filter set
    built for it would copy every filter and make every field again."""
    return filter_class(queryset=Article.objects.none()).get_form_class()


@dataclass(frozen=True)
class RenderedList:
    """A list's part of its page, rendered, with what the rest of the page needs of it."""

    html: str
    shown_as_asked: bool  # whether the page may be kept, by any cache, for others
    article_count: int
    search_capped: bool
    feeds: list  # the list's feeds (articles.feeds), which the page's head names too


COUNTED_AS = {Category: topics.CATEGORY, Tag: topics.TAG, Entity: topics.ENTITY}


def list_page(
    request: HttpRequest, articles: QuerySet, search: SearchQuery | None = None, topic=None
) -> dict:
    """The template context of a list page: the given articles, those of `topic` (a
    category, tag or entity) if any, filtered as the address asks; with a search, those
    that match it, best first unless the reader chose an order.

    The list itself (its count, facets, chips and page of cards) is rendered once and kept
    until the content changes, for every reader who asks for it in the site's own words."""
    from articles.feeds import feed_choices

    asked = ListQuery(request.GET, articles, search)
    counted = (COUNTED_AS[type(topic)], topic.pk) if topic else topics.EVERY_ARTICLE

    def render() -> RenderedList:
        feeds = feed_choices(asked, topic)
        context = article_list(request, asked, counted) | {"feeds": feeds}
        return RenderedList(
            mark_safe(render_to_string("includes/_article_list.html", context, request)),
            context["shown_as_asked"],
            context["article_count"],
            context["search_capped"],
            feeds,
        )

    rendered = remember(
        ("list", request.path, request.GET.urlencode(), get_language()),
        render,
        seconds=SUMMARY_SECONDS,
        keep=lambda rendered: rendered.shown_as_asked,
    )
    return {
        "list_query": asked,
        "feeds": rendered.feeds,
        "list_html": rendered.html,
        "shown_as_asked": rendered.shown_as_asked,
        "article_count": rendered.article_count,
        "search_capped": rendered.search_capped,
    }


def article_list(request: HttpRequest, asked: ListQuery, topic: tuple[int, int]) -> dict:
    """The template context of a list (includes/_article_list.html): its count and facets,
    kept for the other pages of the list, its chips, and a page of its cards."""
    params, search = asked.params, asked.search
    together = params.get("stories") != STORIES_APART
    page_query = _without(params, "page").urlencode()  # the list, whichever page of it
    listed = asked.matching()
    summary = (
        ListSummary([], 0, 0, 0)
        if asked.problems
        else remember(
            ("list summary", request.path, page_query, get_language()),
            lambda: (
                summarise_matches(listed, params, together)
                if search
                else summarise(listed, params, asked.topic(topic))
            ),
            seconds=SUMMARY_SECONDS if asked.spelled else 0,
        )
    )
    # stories are grouped only in a list that tells one more than once
    grouped = together and summary.told_again > 0
    cards = summary.count - summary.told_again if together else summary.count
    paginator = CountedPaginator(range(cards), settings.ARTICLES_PER_PAGE, cards)
    capped = bool(search) and summary.scanned >= SEARCH_CANDIDATES
    number, page_problem = page_number(paginator, params.get("page"))
    page = paginator.page(number)
    shown = slice((number - 1) * paginator.per_page, number * paginator.per_page)
    if asked.problems:
        page.object_list = []
    elif search:
        page.object_list = _cards_by_id(asked, summary.cards[shown])
    else:
        page.object_list = _cards(asked, listed, shown, grouped)
    return {
        "shown_as_asked": asked.spelled and params.get("page", str(number)) == str(number),
        "list_query": asked,
        "filter_form": asked.form(),
        "page": page,
        "problems": [*asked.problems, *filter(None, [page_problem])],
        "chips": [
            Chip(label, "?" + _without(params, "page", removed).urlencode())
            for label, removed in asked.active()
        ],
        "facets": summary.facets,
        "facet_window": FACET_WINDOW if summary.scanned < summary.count else None,
        # how many articles the list holds, and whether its stories are kept together
        "article_count": summary.count,
        "result_count": _result_count(cards, summary.count, grouped, capped),
        "told_again": summary.told_again,
        "stories_together": together,
        "stories_switch": _switched(params, together),
        "page_query": page_query,
        "search_capped": capped,
        "lookup_filters": LOOKUP_FILTERS,
        # the filter form shows no lookup filters (they are facets), no search box and no
        # switch of stories
        "hidden_filters": [
            *([("q", search.text)] if search else []),
            *([] if together else [("stories", STORIES_APART)]),
            *((name, value) for name in sorted(LOOKUP_FILTERS) for value in params.getlist(name)),
        ],
    }


@dataclass(frozen=True)
class ListSummary:
    facets: list[Facet]
    scanned: int  # the articles the facets counted (all, or the latest FACET_WINDOW)
    count: int  # articles
    told_again: int  # articles another one stands for when each story is one card
    # a search's cards in order, each the ids of its article and of the others it stands for
    cards: tuple[tuple[int, ...], ...] = ()


def summarise(articles: QuerySet, params: QueryDict, topic=None) -> ListSummary:
    """The facets of a list and how many articles (and stories) it has: read from the
    counts of its topic (articles.topics) when it lists one, else counted among its latest
    FACET_WINDOW articles."""
    if topic:
        counts = topics.facet_counts(*topic, limit=FACET_SIZE)
        count = scanned = counts["rows"][0][1]
    else:
        counts = articles.facet_counts(FACET_SIZE, FACET_WINDOW)
        scanned = counts["rows"][0][1]
        count = scanned if scanned < FACET_WINDOW else articles.count()
    return ListSummary(facets(counts, params), scanned, count, articles.told_again())


def summarise_matches(matches: QuerySet, params: QueryDict, together: bool) -> ListSummary:
    """The facets, count and cards of a search's matches, ranked once. They are a few
    hundred at most (ArticleQuerySet.search() bounds them), so all of them are counted, and
    each page of them is read by id."""
    rows = matches.summary_rows()
    counted = {"source_id": Counter(row.source_id for row in rows if row.source_id)} | {
        field: Counter(pk for row in rows for pk in getattr(row, field)) for field in FACET_ARRAYS
    }
    counts = {"rows": [(None, len(rows))]} | {
        field: sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:FACET_SIZE]
        for field, counter in counted.items()
    }
    stories = _by_story(rows)
    cards = (
        tuple(tuple(stories[row.story]) for row in rows if stories[row.story][0] == row.pk)
        if together
        else tuple((row.pk,) for row in rows)
    )
    told_again = len(rows) - len(stories)
    return ListSummary(facets(counts, params), len(rows), len(rows), told_again, cards)


def _by_story(rows: list[SummaryRow]) -> dict[int, list[int]]:
    """The articles of each story among these, latest first: the first stands for it."""
    stories: dict[int, list[int]] = {}
    for row in sorted(rows, key=lambda row: (row.published, row.pk), reverse=True):
        stories.setdefault(row.story, []).append(row.pk)
    return stories


def _cards_by_id(asked: ListQuery, cards: tuple[tuple[int, ...], ...]) -> list:
    """A page of a search's cards, given by id, each with the others that tell its story
    and snippets of its matches."""
    found = asked.articles.in_bulk([pk for card in cards for pk in card])
    shown = []
    for pk, *others in cards:
        if pk in found:
            shown.append(found[pk])
            found[pk].told_also = [found[other] for other in others if other in found]
    attach_snippets(shown, query=asked.search)
    return shown


def _cards(asked: ListQuery, listed: QuerySet, shown: slice, grouped: bool) -> list:
    """The `shown` slice of the `listed` articles, in order, each with `told_also`: the
    others in the list that tell its story when stories are grouped (one card each)."""
    cards = list((listed.one_per_story() if grouped else listed)[shown])
    others = listed.same_stories([card.pk for card in cards]) if grouped else {}
    if others:
        told = asked.articles.in_bulk([pk for pks in others.values() for pk in pks])
        for card in cards:
            card.told_also = [told[pk] for pk in others.get(card.pk, []) if pk in told]
    return cards


def _result_count(cards: int, articles: int, stories: bool, capped: bool) -> str:
    """How many the list holds: "12 stories from 15 articles", "The best 300 matches",
    "15 articles"."""
    if stories:
        return ngettext(
            "%(shown)s story from %(articles)s articles",
            "%(shown)s stories from %(articles)s articles",
            cards,
        ) % {"shown": page_meta.grouped(cards), "articles": page_meta.grouped(articles)}
    if capped:
        return ngettext("The best %(shown)s match", "The best %(shown)s matches", articles) % {
            "shown": page_meta.grouped(articles)
        }
    return ngettext("%(shown)s article", "%(shown)s articles", articles) % {
        "shown": page_meta.grouped(articles)
    }


def _switched(params: QueryDict, together: bool) -> str:
    """The address of the same list with its stories the other way, from its first page."""
    switched = _without(params, "page", "stories")
    if together:
        switched["stories"] = STORIES_APART
    return "?" + switched.urlencode() if switched else "?"


class CountedPaginator(Paginator):
    """A paginator that can be told how many items there are, instead of counting them."""

    def __init__(self, object_list, per_page, count: int | None = None):
        super().__init__(object_list, per_page)
        if count is not None:
            self.__dict__["count"] = count  # fills Paginator's cached_property


def page_number(paginator: Paginator, requested: str | None) -> tuple[int, str]:
    """The page a reader asked for, or the nearest there is, with what was wrong."""
    if requested in (None, ""):
        return 1, ""
    try:
        number = int(requested)
    except ValueError:
        return 1, _("“%(page)s” is not a page number; here is the first page.") % {
            "page": requested[:40]
        }
    if number < 1:
        return 1, _("Pages start at 1; here is the first page.")
    if number > paginator.num_pages:
        return paginator.num_pages, _(
            "There is no page %(page)s; the last page is %(last)s, shown here."
        ) % {"page": number, "last": paginator.num_pages}
    return number, ""


FACET_FIELDS = {"slug", "name", "name_vi", "name_en"}  # what a facet shows of its topics


def facets(counts: dict, params: QueryDict) -> list[Facet]:
    """The facets of a list, from its facet_counts(): their topics read in one query."""
    shown = (
        (_("Categories"), "category", Category, "category_ids"),
        (_("Tags"), "tag", Tag, "tag_ids"),
        (_("People, organisations and places"), "entity", Entity, "entity_ids"),
        (_("Sources"), "source", Source, "source_id"),
    )
    found = in_bulk_of_each(
        {model: [pk for pk, _n in counts[field]] for _t, _n, model, field in shown}, FACET_FIELDS
    )
    listed = dict(_without(params, "page").lists())
    return [
        Facet(
            title,
            [
                _facet_value(listed, name, found[model][pk], count)
                for pk, count in counts[field]
                if pk in found[model]
            ],
        )
        for title, name, model, field in shown
    ]


def _facet_value(listed: dict[str, list[str]], name: str, topic, count: int) -> FacetValue:
    """A topic's value in a facet: its link adds it to the list's filters (`listed`, each
    name's values), and an active one's link is the list itself."""
    chosen = listed.get(name, [])
    active = topic.slug in chosen
    added = [*chosen, topic.slug] if name in MULTI_VALUED else [topic.slug]
    linked = {**listed, name: chosen if active else added}
    pairs = [(key, value) for key, values in linked.items() for value in values]
    return FacetValue(str(topic), count, "?" + urlencode(pairs), active)


def _filters(filter_class, params: QueryDict, articles: QuerySet) -> ArticleFilter:
    """The list's filters: by tags and entities that readers may know of alone (public()),
    so that a name found only in drafts is no chip, and is named nothing."""
    filterset = filter_class(params, queryset=articles)
    for name, model in (("tag", Tag), ("entity", Entity)):
        if gives_value(params, name):  # else there is nothing to look up
            filterset.filters[name].queryset = model.objects.public()
    return filterset


def _lone_order(filter_class, params: QueryDict) -> str | None:
    """The order the address asks for (?sort=), when it asks for nothing else of the
    filters and spells it as the site does: an order alone needs no filters set up."""
    if "sort" not in params:
        return None
    asked = [name for name in filter_class.base_filters if name in params]
    orders = params.getlist("sort")
    choices = {value for value, _label in filter_class.base_filters["sort"].extra["choices"]}
    if asked == ["sort"] and len(orders) == 1 and orders[0] in choices:
        return orders[0]
    return None


def _spelled_as_the_site_does(filterset: ArticleFilter, params: QueryDict) -> bool:
    """Whether each filter's value is written as the site writes it in its own links
    (a slug, an ISO date, a choice), e.g. not " 2025-11-06" or "11/06/2025"."""
    for name, value in filterset.form.cleaned_data.items():
        if name in params:
            values = value if name in MULTI_VALUED else [value]
            spelled = [
                item.slug
                if hasattr(item, "slug")
                else item.isoformat()
                if isinstance(item, date)
                else str(item)
                for item in values
            ]
            if sorted(spelled) != sorted(params.getlist(name)):
                return False
    return True


def _plain_value(field, value) -> str:
    """A choice's label ("Has an English translation: yes"), or a date as given."""
    return str(dict(getattr(field, "choices", [])).get(value, value))


def _problems(filterset: ArticleFilter, params: QueryDict) -> list[str]:
    problems = []
    for name, errors in filterset.errors.items():
        field = filterset.form.fields[name]
        # a repeated single-valued filter takes the last value: only that one can be wrong
        values = params.getlist(name) if name in MULTI_VALUED else [params.get(name)]
        if name in LOOKUP_FILTERS:
            given = _quoted(_unknown(field, values))
            problems.append(
                _("%(label)s: nothing is called %(given)s.")
                % {"label": field.label, "given": given}
            )
        else:
            problems.append(
                _("%(label)s: %(given)s is not valid (%(error)s)")
                % {"label": field.label, "given": _quoted(values), "error": " ".join(errors)}
            )
    return problems


def _unknown(field, values: list[str]) -> list[str]:
    """The values of a lookup filter that name nothing (one query, on bad input only)."""
    key = field.to_field_name
    known = set(field.queryset.filter(**{f"{key}__in": values}).values_list(key, flat=True))
    return [value for value in values if value not in known] or values


def _quoted(values: list[str]) -> str:
    return ", ".join(f"“{value[:60]}”" for value in values)


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
