from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, register_converter

from articles import feeds, sitemaps, views
from ingest.views import import_files
from newsreader.health import healthz

handler500 = "newsreader.errors.server_error"

register_converter(feeds.LanguageConverter, "feed_language")
register_converter(feeds.TopicConverter, "feed_topic")

feed_patterns = [
    path("rss/", feeds.rss, name="rss"),
    path("atom/", feeds.atom, name="atom"),
    path("<feed_topic:kind>/<slug:slug>/rss/", feeds.rss, name="rss"),
    path("<feed_topic:kind>/<slug:slug>/atom/", feeds.atom, name="atom"),
    path("search/rss/", feeds.search_rss, name="search_rss"),
    path("search/atom/", feeds.search_atom, name="search_atom"),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/import/", admin.site.admin_view(import_files), name="import_files"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # the admin's language switch
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemaps.index, name="sitemap_index"),
    path("sitemap-<section>.xml", sitemaps.section, name="sitemap"),
    path("feeds/<feed_language:language>/", include((feed_patterns, "feeds"))),
    # The reader's pages: Vietnamese at the root, English under /en/.
    *i18n_patterns(path("", include("articles.urls")), prefix_default_language=False),
]
