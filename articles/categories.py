"""Putting articles into categories, and keeping them out, by hand."""

from django.db import transaction

from articles.history import record_first_revision, record_revision
from articles.models import Article, Category


@transaction.atomic
def add_to_category(articles, category: Category) -> int:
    """Pin the articles into the category (and lift any exclusion by hand)."""
    ids = list(articles.values_list("pk", flat=True))
    if not ids:
        return 0
    record_first_revision(Category, [category.pk])
    category.pinned_articles.add(*ids)
    category.excluded_articles.remove(*ids)
    record_revision([category], reason=f"Added {len(ids)} article(s) by hand")
    return len(ids)


def set_categories(article: Article, wanted: set[Category]) -> list[Category]:
    """Make the article belong to exactly these categories, by pinning it into the ones it
    joins and excluding it by hand from the ones it leaves (unless it was only pinned).
    Returns the categories changed."""
    current = set(Category.objects.filter(pk__in=article.category_ids))
    changed = []
    for category in wanted - current:
        record_first_revision(Category, [category.pk])
        category.pinned_articles.add(article)
        category.excluded_articles.remove(article)
        changed.append(category)
    for category in current - wanted:
        record_first_revision(Category, [category.pk])
        category.pinned_articles.remove(article)
        if Article.objects.filter(pk=article.pk).selected_by(category).exists():
            category.excluded_articles.add(article)
        changed.append(category)
    for category in changed:
        record_revision([category], reason=f"Changed from the article “{article}”"[:100])
    return changed
