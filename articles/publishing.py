"""Publishing and unpublishing in bulk, and the version that refuses a lost update."""

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce, Now

from articles.history import record_first_revision, record_revision
from articles.models import Article


def current_version(article_pk: int) -> int | None:
    """The article's version, its row locked until the end of the transaction, so that of
    two saves of the same version only the first goes through."""
    return (
        Article.objects.select_for_update()
        .filter(pk=article_pk)
        .values_list("version", flat=True)
        .first()
    )


@transaction.atomic
def publish(articles) -> int:
    """Publish the articles that are not published yet: now, or at the time already set
    (a future time schedules them)."""
    ids = list(articles.exclude(status=Article.Status.PUBLISHED).values_list("pk", flat=True))
    return _set_status(
        ids, Article.Status.PUBLISHED, "Published", published_at=Coalesce("published_at", Now())
    )


@transaction.atomic
def unpublish(articles) -> int:
    """Take published (and scheduled) articles back to draft."""
    ids = list(articles.filter(status=Article.Status.PUBLISHED).values_list("pk", flat=True))
    return _set_status(ids, Article.Status.DRAFT, "Unpublished")


def _set_status(ids: list[int], status: str, reason: str, **fields) -> int:
    if not ids:
        return 0
    record_first_revision(Article, ids)
    Article.objects.filter(pk__in=ids).update(
        status=status, version=F("version") + 1, updated_at=Now(), **fields
    )
    record_revision(list(Article.objects.filter(pk__in=ids).without_search_columns()), reason)
    return len(ids)
