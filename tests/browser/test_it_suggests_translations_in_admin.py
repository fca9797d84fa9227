"""On the editing page, a suggestion goes into the English box with a click; the machine's
come in without holding up the form, or the page says the server did not answer."""

import pytest
from django.contrib.auth import get_user_model

from tests.factories import ArticleFactory
from tests.test_it_suggests_translations import CLOSE, TRANSLATED, server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_article(page, live_server):
    get_user_model().objects.create_superuser("editor", "editor@example.com", "s3cret-pass")
    ArticleFactory(paragraphs=[TRANSLATED])
    article = ArticleFactory(
        paragraphs=[(CLOSE, ""), ("Tòa tháp cao 420 mét.", "The 42-metre tower.")]
    )

    def open_it():
        page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
        if page.locator("#id_username").count():
            page.fill("#id_username", "editor")
            page.fill("#id_password", "s3cret-pass")
            page.click("input[type=submit]")
        page.wait_for_load_state("load")
        return article

    return open_it


def test_a_memory_suggestion_goes_in_with_a_click_and_a_flag_is_dismissed(page, open_article):
    open_article()
    english = page.locator('textarea[name="paragraphs-0-text_en"]')
    assert english.input_value() == ""

    page.locator("#paragraphs-0 .desk-suggestion button.desk-use").click()

    assert english.input_value() == TRANSLATED[1]
    flag = page.locator("#paragraphs-1 .desk-flag")
    assert "420 in the Vietnamese only" in flag.inner_text()
    flag.locator("button").click()
    flag.wait_for(state="detached")
    assert english.input_value() == TRANSLATED[1]  # still there: nothing was reloaded


def test_machine_suggestions_come_in_or_the_page_says_the_server_is_slow(
    page,
    open_article,
    server,  # noqa: F811
):
    open_article()
    status = page.locator(".desk-status")
    page.locator("#paragraphs-0 .desk-by-machine").wait_for()
    assert "marked as machine output" in status.inner_text()
    page.locator("#paragraphs-0 .desk-by-machine button").click()
    assert page.locator('textarea[name="paragraphs-0-text_en"]').input_value() == f"EN: {CLOSE}"

    server.delay = 5
    open_article()
    page.wait_for_function(
        "() => document.querySelector('.desk-status').textContent.includes('did not answer')",
        timeout=6000,
    )
    page.fill('textarea[name="paragraphs-0-text_en"]', "Typed by hand.")
    page.click('input[name="_continue"]')
    page.wait_for_load_state("load")
    assert page.locator('textarea[name="paragraphs-0-text_en"]').input_value() == "Typed by hand."
