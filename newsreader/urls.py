from django.contrib import admin
from django.urls import include, path

from newsreader.health import healthz

handler500 = "newsreader.errors.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
]
