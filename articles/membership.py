"""Stored category membership, recomputed in bulk SQL when rules or articles change."""

from collections.abc import Iterable

from django.db import connection, transaction

from articles.models import Article, Category

Membership = Category.articles.through


def refresh_membership(
    categories: Iterable[Category] | None = None, article_ids: Iterable[int] | None = None
) -> None:
    """Recompute which articles belong to the given categories (default: all).

    With article_ids, only those articles are reconsidered: what an import or an
    article save needs. Each category costs one DELETE and one INSERT … SELECT.
    """
    categories = Category.objects.all() if categories is None else categories
    article_ids = None if article_ids is None else list(article_ids)
    with transaction.atomic():
        for category in categories:
            _refresh_category(category, article_ids)


def _refresh_category(category: Category, article_ids: list[int] | None) -> None:
    stale = Membership.objects.filter(category=category)
    selected = Article.objects.selected_by(category)
    if article_ids is not None:
        stale = stale.filter(article_id__in=article_ids)
        selected = selected.filter(pk__in=article_ids)
    stale.delete()
    select_sql, params = selected.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Membership._meta.db_table} (category_id, article_id) "
            f"SELECT %s, selected.article_id FROM ({select_sql}) AS selected(article_id)",
            [category.pk, *params],
        )
