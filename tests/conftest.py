import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no cached pages: factories write behind the page cache's back."""
    cache.clear()
