import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from articles.models import Entity
from tests.factories import EntityAliasFactory, EntityFactory, IndexedArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    """The live site with Japan as editors curate it and an article that names it."""
    japan = EntityFactory(slug="japan", kind=Entity.Kind.PLACE, name_vi="Nhật Bản", name_en="Japan")
    EntityAliasFactory(entity=japan, text="Nhật Bản", language="vi")
    IndexedArticleFactory(
        title_vi="Thủ tướng thăm Nhật Bản", title_en="The prime minister visits Japan"
    )
    return live_server.url


def search_box(page):
    return page.get_by_role("combobox", name="Tìm tin tức")  # the Vietnamese interface


def test_a_suggestion_shows_as_you_type_and_the_keyboard_opens_it(page, site):
    page.goto(site + "/")

    search_box(page).press_sequentially("nhat")
    suggestions = page.get_by_role("listbox").get_by_role("option")
    expect(suggestions).to_have_text([re.compile(r"^Nhật Bản / Japan\s*Địa danh$")])

    search_box(page).press("ArrowDown")
    search_box(page).press("Enter")
    expect(page).to_have_url(site + "/entities/japan/")


def test_submitting_without_waiting_searches_and_the_results_page_is_accessible(page, site):
    page.goto(site + "/")

    search_box(page).fill("nhat ban")
    search_box(page).press("Enter")

    expect(page).to_have_url(site + "/search/?q=nhat+ban")
    expect(page.locator(".card-title")).to_have_text(["Thủ tướng thăm Nhật Bản"])
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
