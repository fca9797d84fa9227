"""The one place where article queries are defined."""

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=self.model.Status.PUBLISHED, published_at__lte=timezone.now())

    def visible_to(self, user):
        """Staff may open drafts (to preview them); everyone else sees published articles."""
        return self if user.is_staff else self.published()

    def translated(self):
        return self.exclude(lead_en="")

    def untranslated(self):
        return self.filter(lead_en="")

    def latest_first(self):
        return self.order_by("-published_at", "-id")

    def for_listing(self):
        return self.published().select_related("source").latest_first()

    def for_reading(self):
        from articles.models import Mention

        return self.select_related("source").prefetch_related(
            "paragraphs",
            "tags",
            models.Prefetch(
                "mentions",
                queryset=Mention.objects.select_related("entity").order_by(
                    "-count", "entity__name_en"
                ),
            ),
        )

    def with_tags(self, tag_ids, match_all=False):
        return self._with_all(_has_tag, tag_ids) if match_all else self.filter(_has_tag(tag_ids))

    def with_entities(self, entity_ids, match_all=False):
        if match_all:
            return self._with_all(_mentions, entity_ids)
        return self.filter(_mentions(entity_ids))

    def _with_all(self, condition, ids):
        queryset = self
        for item_id in ids:
            queryset = queryset.filter(condition([item_id]))
        return queryset

    def selected_by(self, category):
        """Articles the category's rule selects, with its pinned and hand-excluded articles."""
        rule = _rule_condition(category)
        pinned = Q(pk__in=category.pinned_articles.values("pk"))
        excluded = Q(pk__in=category.excluded_articles.values("pk"))
        return self.filter((rule & ~excluded) | pinned)


def _has_tag(tag_ids):
    from articles.models import Article

    return Exists(
        Article.tags.through.objects.filter(article_id=OuterRef("pk"), tag_id__in=tag_ids)
    )


def _mentions(entity_ids):
    from articles.models import Mention

    return Exists(Mention.objects.filter(article_id=OuterRef("pk"), entity_id__in=entity_ids))


def _rule_condition(category) -> Q:
    any_tags = list(category.any_tags.values_list("pk", flat=True))
    any_entities = list(category.any_entities.values_list("pk", flat=True))
    all_tags = list(category.all_tags.values_list("pk", flat=True))
    all_entities = list(category.all_entities.values_list("pk", flat=True))
    if not (any_tags or any_entities or all_tags or all_entities):
        return Q(pk__in=[])
    condition = Q()
    if any_tags or any_entities:
        condition &= Q(_has_tag(any_tags)) | Q(_mentions(any_entities))
    for tag_id in all_tags:
        condition &= Q(_has_tag([tag_id]))
    for entity_id in all_entities:
        condition &= Q(_mentions([entity_id]))
    exclude_tags = category.exclude_tags.values("pk")
    exclude_entities = category.exclude_entities.values("pk")
    return condition & ~Q(_has_tag(exclude_tags)) & ~Q(_mentions(exclude_entities))


class EntityQuerySet(models.QuerySet):
    def mentioned_with(self, entity):
        """Entities named in the same articles as this one, most frequent first."""
        from articles.models import Mention

        shared = Mention.objects.filter(entity=entity, article__in=_published_articles())
        return (
            self.filter(mentions__article__in=shared.values("article"))
            .exclude(pk=entity.pk)
            .annotate(shared_articles=Count("mentions__article", distinct=True))
            .order_by("-shared_articles", "name_en")
        )


def _published_articles():
    from articles.models import Article

    return Article.objects.published().values("pk")
