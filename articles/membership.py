"""What each article belongs to, stored as id arrays for fast filters and facet counts.

Article.tag_ids follows the article's tags, Article.entity_ids its mentions, and
Article.category_ids the categories whose rule selects it. Each is recomputed here,
explicitly, in bulk SQL: never in a loop over articles.
"""

from collections.abc import Iterable

from django.contrib.postgres.expressions import ArraySubquery
from django.db import transaction
from django.db.models import BigIntegerField, F, Func, OuterRef, Value
from django.db.models.functions import Coalesce

from articles.models import Article, Category, Mention


def refresh_membership(
    categories: Iterable[Category] | None = None, article_ids: Iterable[int] | None = None
) -> None:
    """Recompute which articles belong to the given categories (default: all).

    With article_ids, only those articles are reconsidered: what an import or an
    article save needs. Each category costs two UPDATE statements.
    """
    if categories is None:
        categories = Category.objects.prefetch_related(*Category.RULE_FIELDS)
    scope = Article.objects.all()
    if article_ids is not None:
        scope = scope.filter(pk__in=list(article_ids))
    with transaction.atomic():
        for category in categories:
            rule = Article.objects.category_rule(category)
            member = [category.pk]
            scope.filter(category_ids__contains=member).exclude(rule).update(
                category_ids=_array_call("array_remove", category.pk, "category_ids")
            )
            scope.filter(rule).exclude(category_ids__contains=member).update(
                category_ids=_array_call("array_append", category.pk, "category_ids")
            )


def forget(field: str, deleted_id: int) -> None:
    """Take a deleted tag's, entity's or category's id out of the articles' id arrays."""
    Article.objects.filter(**{f"{field}__contains": [deleted_id]}).update(
        **{field: _array_call("array_remove", deleted_id, field)}
    )


def sync_tag_ids(article_ids: Iterable[int]) -> None:
    """Copy the articles' tags into their tag_ids."""
    tags = Article.tags.through.objects.filter(article_id=OuterRef("pk")).order_by("tag_id")
    Article.objects.filter(pk__in=list(article_ids)).update(
        tag_ids=Coalesce(ArraySubquery(tags.values("tag_id")), Value([]))
    )


def sync_entity_ids(article_ids: Iterable[int]) -> None:
    """Copy the articles' mentions into their entity_ids."""
    mentions = Mention.objects.filter(article_id=OuterRef("pk")).order_by("entity_id")
    Article.objects.filter(pk__in=list(article_ids)).update(
        entity_ids=Coalesce(ArraySubquery(mentions.values("entity_id")), Value([]))
    )


def _array_call(function: str, value: int, field: str) -> Func:
    return Func(
        F(field),
        Value(value, output_field=BigIntegerField()),
        function=function,
        output_field=Article._meta.get_field(field),
    )
