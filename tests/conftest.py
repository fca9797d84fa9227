from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import clear_url_caches
from django.utils import translation

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    """Hashing a password the production way takes a quarter of a second by design, and
    most tests log someone in."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no cached pages: factories write behind the page cache's back."""
    cache.clear()


@pytest.fixture(autouse=True)
def vietnamese_interface():
    """Each test starts in the site's default language. A request leaves its interface
    language active in the thread that served it (as in a server's worker), so without
    this a test's reverse() and get_absolute_url() could inherit an earlier test's /en/."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def english_site(settings):
    """English as the site's default language, so that a test reads the admin (which
    speaks the default language) in English. Readers' pages follow suit at the root.

    The URL resolver caches each language's prefix (none for the default language), so
    its caches are dropped on the way in and out."""
    settings.LANGUAGE_CODE = "en"
    clear_url_caches()
    translation.activate("en")
    yield
    clear_url_caches()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not CHROMIUM.exists():
        terminalreporter.write_line(
            f"Browser tests SKIPPED: Chromium was not found at {CHROMIUM} "
            "(install Debian's chromium package to run them).",
            yellow=True,
            bold=True,
        )
