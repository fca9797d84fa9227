"""The admin site: named for the project, with the newsroom's own models first."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

NEWSROOM_APP = "articles"


class NewsreaderAdminSite(admin.AdminSite):
    site_header = site_title = "newsreader"
    index_title = _("Editing")

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        return sorted(apps, key=lambda app: app["app_label"] != NEWSROOM_APP)


class NewsreaderAdminConfig(AdminConfig):
    default_site = "newsreader.admin_site.NewsreaderAdminSite"
