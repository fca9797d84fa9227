import pytest
from django.contrib.auth import get_user_model

from tests.importing import import_file
from tests.test_it_imports_scraped_files import ENGLISH, VIETNAMESE, write_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIDE_BY_SIDE = """() => Object.fromEntries(["vi", "en"].map((language) => [
    language,
    document.querySelector(`textarea[name="paragraphs-0-text_${language}"]`)
        .getBoundingClientRect().toJSON(),
]))"""


@pytest.fixture
def article(tmp_path):
    return import_file(write_article(tmp_path, "energy", VIETNAMESE, ENGLISH), publish=True).article


@pytest.fixture
def editor():
    return get_user_model().objects.create_superuser("editor", "editor@example.com", "s3cret-pass")


def test_an_editor_edits_a_paragraph_pair_and_readers_see_it(page, live_server, article, editor):
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "s3cret-pass")
    page.click("input[type=submit]")

    page.wait_for_load_state("load")
    vietnamese = page.locator('textarea[name="paragraphs-0-text_vi"]')
    english = page.locator('textarea[name="paragraphs-0-text_en"]')
    boxes = page.evaluate(SIDE_BY_SIDE)  # measured together: scripts may still move things
    assert boxes["vi"]["top"] == boxes["en"]["top"]
    assert boxes["vi"]["right"] < boxes["en"]["left"]
    vietnamese.fill("Thỏa thuận bao gồm các dự án điện gió và điện mặt trời.")
    english.fill("The agreement covers wind and solar projects.")
    page.click('input[name="_save"]')
    page.wait_for_url(f"{live_server.url}/admin/articles/article/")

    page.goto(live_server.url + article.get_absolute_url())
    paragraph = page.locator(".pair").nth(1)  # after the lead
    assert "điện gió và điện mặt trời" in paragraph.locator("p[lang=vi]").inner_text()
    assert "wind and solar projects" in paragraph.locator("p[lang=en]").inner_text()
