"""Sources, with their feeds: what `manage.py fetch_feeds` last did with each one."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.admin.base import HTTPS_URLS
from articles.models import Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    """Sources, with their feeds: what `manage.py fetch_feeds` last did with each one."""

    formfield_overrides = HTTPS_URLS
    list_display = [
        "name",
        "language",
        "feed_state",
        "last_success_at",
        "last_error_at",
        "last_items",
        "article_count",
    ]
    list_filter = ["language"]
    search_fields = ["name", "url", "feed_url"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = [
        *("feed_state", "last_fetched_at", "last_success_at", "last_error_at", "last_error"),
        *("next_fetch_at", "last_items", "article_count"),
    ]
    fieldsets = [
        (None, {"fields": ["name", "slug", "url"]}),
        (
            _("Feed"),
            {
                "fields": ["feed_url", "language", "default_status", "fetch_every"],
                "description": _(
                    "New items of the feed become articles with this status. Articles from "
                    "an English feed keep a copy of the English where the Vietnamese goes, "
                    "until an editor translates them."
                ),
            },
        ),
        (
            _("Fetching"),
            {
                "fields": [
                    ("feed_state", "next_fetch_at"),
                    ("last_fetched_at", "last_success_at"),
                    ("last_error_at", "last_error"),
                    ("last_items", "article_count"),
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, source):
        return getattr(source, "article_count", None) or 0

    @admin.display(description=_("feed"))
    def feed_state(self, source):
        if not source.feed_url:
            return _("no feed")
        if source.failures:
            return _("failing (%(count)d in a row)") % {"count": source.failures}
        if source.last_success_at is None:
            return _("not fetched yet")
        return _("working")

    @admin.display(description=_("last fetch brought"))
    def last_items(self, source):
        counts = source.last_counts or {}
        if counts.get("not_modified"):
            return _("nothing new (not modified)")
        if "items" not in counts:
            return "—"
        done = ", ".join(
            f"{counts[status]} {label}"
            for status, label in (
                ("created", _("created")),
                ("updated", _("updated")),
                ("unchanged", _("unchanged")),
                ("skipped", _("skipped")),
                ("refused", _("refused")),
            )
            if counts.get(status)
        )
        items = ngettext("%d item", "%d items", counts["items"]) % counts["items"]
        return f"{items}: {done}" if done else items
