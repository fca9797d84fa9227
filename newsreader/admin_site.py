"""The admin site: named for the project, with the newsroom's own models first, and each
request that may write saved as one batch of changes."""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from articles import changes

NEWSROOM_APP = "articles"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class NewsreaderAdminSite(admin.AdminSite):
    site_header = site_title = "newsreader"
    index_title = _("Editing")

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        return sorted(apps, key=lambda app: app["app_label"] != NEWSROOM_APP)

    def admin_view(self, view, cacheable=False):
        """A request that may write runs in one transaction and one batch of
        articles.changes: what follows from everything it saved (the form, its inlines,
        the entities picked by hand) is worked out once, at its end, before it commits."""
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def batched(request, *args, **kwargs):
            if request.method in SAFE_METHODS:
                return inner(request, *args, **kwargs)
            with transaction.atomic(), changes.batch():
                return inner(request, *args, **kwargs)

        return batched


class NewsreaderAdminConfig(AdminConfig):
    default_site = "newsreader.admin_site.NewsreaderAdminSite"
