"""The one place where article queries are defined."""

from django.db import models
from django.utils import timezone


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=self.model.Status.PUBLISHED, published_at__lte=timezone.now())

    def latest_first(self):
        return self.order_by("-published_at", "-id")

    def for_listing(self):
        return self.published().select_related("source").latest_first()

    def for_reading(self):
        return self.select_related("source").prefetch_related("paragraphs")

    def visible_to(self, user):
        """Staff may open drafts (to preview them); everyone else sees published articles."""
        return self if user.is_staff else self.published()

    def translated(self):
        return self.exclude(lead_en="")
