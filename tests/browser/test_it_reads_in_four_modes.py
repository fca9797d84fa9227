import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.importing import import_file
from tests.test_it_imports_scraped_files import ENGLISH, VIETNAMESE, write_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def article_url(live_server, tmp_path):
    outcome = import_file(write_article(tmp_path, "energy", VIETNAMESE, ENGLISH), publish=True)
    return live_server.url + outcome.article.get_absolute_url()


def first_pair(page):
    return page.locator(".pair").first.locator("p[lang=vi]"), page.locator(".pair").first.locator(
        "p[lang=en]"
    )


def assert_no_accessibility_violations(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_reader_switches_modes_and_the_choice_is_remembered(page, article_url):
    page.goto(article_url)
    vietnamese, english = first_pair(page)
    assert vietnamese.bounding_box()["y"] == english.bounding_box()["y"]
    assert_no_accessibility_violations(page)

    modes = page.get_by_role("navigation", name="Chế độ đọc")  # the Vietnamese interface
    modes.get_by_role("link", name="Xen kẽ").click()
    vietnamese, english = first_pair(page)
    assert english.bounding_box()["y"] > vietnamese.bounding_box()["y"]
    assert_no_accessibility_violations(page)

    modes.get_by_role("link", name="English").click()
    assert page.locator("p[lang=vi]").count() == 0
    assert page.locator("p[lang=en]").first.inner_text().startswith("Hanoi and Tokyo")
    assert_no_accessibility_violations(page)

    modes.get_by_role("link", name="Tiếng Việt").click()
    assert page.locator(".blocks p[lang=en]").count() == 0
    assert_no_accessibility_violations(page)

    page.goto(article_url)
    assert page.locator(".blocks p[lang=en]").count() == 0
    assert page.locator(".reading-modes [aria-current=true]").inner_text() == "Tiếng Việt"


def test_side_by_side_becomes_interleaved_on_a_narrow_screen(page, article_url):
    page.set_viewport_size({"width": 380, "height": 800})
    page.goto(article_url + "?view=parallel")

    vietnamese, english = first_pair(page)
    assert english.bounding_box()["y"] > vietnamese.bounding_box()["y"]
    assert english.bounding_box()["width"] == pytest.approx(
        vietnamese.bounding_box()["width"], abs=20
    )


def test_home_page_has_no_accessibility_violations(page, live_server, article_url):
    page.goto(live_server.url + "/")
    assert page.get_by_role("link", name="Hà Nội và Tokyo").count() == 1
    assert_no_accessibility_violations(page)
