"""The one FilterSet behind every article list: home, category, tag, entity and search."""

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.contrib.postgres.expressions import ArraySubquery
from django.forms import DateInput
from django.forms.renderers import Jinja2
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import READING_LEVELS, Category, Entity, Source, Tag

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)
BY_DATE = [("newest", _("Newest first")), ("oldest", _("Oldest first"))]


class FilterForm(forms.Form):
    """The filters' form, its widgets rendered in Jinja2 like the page around them."""

    default_renderer = Jinja2()


class ArticleFilter(django_filters.FilterSet):
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=Category.objects.all(),
        to_field_name="slug",
        method="filter_category",
    )
    tag = django_filters.ModelMultipleChoiceFilter(
        label=_("Tag"), queryset=Tag.objects.all(), to_field_name="slug", method="filter_tags"
    )
    entity = django_filters.ModelMultipleChoiceFilter(
        label=_("Entity"),
        queryset=Entity.objects.all(),
        to_field_name="slug",
        method="filter_entities",
    )
    match = django_filters.ChoiceFilter(
        label=_("Match"),
        choices=[("any", _("any of them")), ("all", _("all of them"))],
        method="keep",
        empty_label=None,
    )
    entity_type = django_filters.ChoiceFilter(
        label=_("Entity type"), choices=Entity.Kind.choices, method="filter_entity_type"
    )
    source = django_filters.ModelChoiceFilter(
        label=_("Source"), queryset=Source.objects.all(), to_field_name="slug"
    )
    date_from = django_filters.DateFilter(
        label=_("From"), method="filter_date_from", widget=DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label=_("To"), method="filter_date_to", widget=DateInput(attrs={"type": "date"})
    )
    translated = django_filters.ChoiceFilter(  # not a BooleanFilter: it ignores "perhaps"
        label=_("Has an English translation"),
        choices=[("true", _("yes")), ("false", _("no"))],
        empty_label=_("either"),
        method="filter_translated",
    )
    level = django_filters.ChoiceFilter(
        label=_("Reading level"),
        choices=[(str(level), label) for level, label in READING_LEVELS],
        empty_label=_("any"),
        method="filter_level",
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort"), choices=BY_DATE, method="sort_by", empty_label=None
    )

    @property
    def match_all(self) -> bool:
        return self.form.cleaned_data.get("match") == "all"

    def keep(self, queryset, name, value):
        return queryset

    class Meta:
        form = FilterForm

    def filter_category(self, queryset, name, category):
        return queryset.in_category(category)

    def filter_tags(self, queryset, name, tags):
        if not gives_value(self.data, name):
            return queryset
        return queryset.with_tags([tag.pk for tag in tags], self.match_all)

    def filter_entities(self, queryset, name, entities):
        if not gives_value(self.data, name):
            return queryset
        return queryset.with_entities([entity.pk for entity in entities], self.match_all)

    def filter_entity_type(self, queryset, name, kind):
        return queryset.filter(
            entity_ids__overlap=ArraySubquery(Entity.objects.filter(kind=kind).values("pk"))
        )

    def filter_date_from(self, queryset, name, day):
        return queryset.filter(published_at__gte=_start_of(day))

    def filter_date_to(self, queryset, name, day):
        return queryset.filter(published_at__lt=_start_of(day, next_day=True))

    def filter_translated(self, queryset, name, wanted):
        return queryset.translated() if wanted == "true" else queryset.untranslated()

    def filter_level(self, queryset, name, level):
        return queryset.filter(level=int(level))

    def sort_by(self, queryset, name, order):
        return queryset.in_order(order)


class SearchFilter(ArticleFilter):
    """The same filters for search results, which come best first unless sorted by date."""

    sort = django_filters.ChoiceFilter(
        label=_("Sort"),
        choices=[("relevance", _("Best match")), *BY_DATE],
        method="sort_by",
        empty_label=None,
    )


def gives_value(params: QueryDict, name: str) -> bool:
    """Whether the address gives this filter a value. Ask before reading a tag or entity
    filter's value: when the address gives none, it is an empty queryset, which would be
    built and compiled to tell."""
    return any(params.getlist(name))


def _start_of(day: date, next_day: bool = False) -> datetime:
    day = min(max(day, EARLIEST_DATE), LATEST_DATE)
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start + timedelta(days=1) if next_day else start
