import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import ArticleFactory, CategoryFactory, EntityFactory, TagFactory, retag
from tests.importing import import_file
from tests.test_it_imports_scraped_files import ENGLISH, VIETNAMESE, write_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MODES = ("parallel", "interleaved", "vi", "en")


@pytest.fixture
def pages(live_server, tmp_path) -> dict[str, str]:
    """Every kind of page a reader meets, by name: path (in the Vietnamese interface)."""
    hanoi = EntityFactory(slug="ha-noi", name_vi="Hà Nội", name_en="Hanoi")
    EntityFactory(slug="tokyo", name_vi="Tokyo", name_en="Tokyo")
    energy = TagFactory(slug="nang-luong", name_vi="Năng lượng", name_en="Energy")
    article = import_file(write_article(tmp_path, "energy", VIETNAMESE, ENGLISH), publish=True)
    retag(article.article, energy)
    ArticleFactory(
        slug="chi-tieng-viet", title_en="", lead_en="", paragraphs=[("Chỉ tiếng Việt.", "")]
    )
    CategoryFactory(slug="kinh-te", name_vi="Kinh tế", name_en="Economy", any_tags=[energy])
    url = article.article.get_absolute_url()
    return {
        "home": "/",
        **{f"article, {mode}": f"{url}?view={mode}" for mode in MODES},
        "article, names highlighted": f"{url}?view=parallel&highlight=1",
        "article in Vietnamese only": "/articles/chi-tieng-viet/",
        "search": "/search/?q=Nhật",
        "search, read without marks": "/search/?q=quoc+phong",
        "category": "/categories/kinh-te/",
        "entity": hanoi.get_absolute_url(),
        "tag": "/tags/nang-luong/",
    }


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("prefix", ["", "/en"], ids=["vietnamese", "english"])
def test_every_page_passes_axe_in_both_languages_and_both_themes(
    page, live_server, pages, prefix, color_scheme
):
    page.emulate_media(color_scheme=color_scheme)
    axe = Axe()
    violations = {}
    for name, path in pages.items():
        page.goto(live_server.url + prefix + path)
        assert page.locator("html").get_attribute("lang") == (prefix.strip("/") or "vi")
        results = axe.run(page)
        if results.violations_count:
            violations[name] = results.generate_report()

    assert violations == {}


@pytest.mark.parametrize(
    ("prefix", "skip", "interleaved"),
    [("", "Chuyển đến nội dung chính", "Xen kẽ"), ("/en", "Skip to content", "Interleaved")],
)
def test_a_keyboard_reader_skips_to_the_text_and_changes_the_reading_mode(
    page, live_server, pages, prefix, skip, interleaved
):
    page.goto(live_server.url + prefix + pages["article, parallel"])

    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    assert focused.inner_text() == skip
    assert focused.bounding_box()["y"] >= 0  # shown once focused
    assert focused.evaluate("e => getComputedStyle(e).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    modes = page.get_by_role("navigation", name="Chế độ đọc" if not prefix else "Reading mode")
    modes.get_by_role("link", name=interleaved).focus()
    assert page.locator(":focus").evaluate("e => getComputedStyle(e).outlineStyle") != "none"
    page.keyboard.press("Enter")
    page.wait_for_url("**view=interleaved")
    assert modes.locator("[aria-current=true]").inner_text() == interleaved


def test_the_language_switcher_works_from_the_keyboard_and_keeps_the_page(page, live_server, pages):
    page.goto(live_server.url + pages["tag"])

    languages = page.get_by_role("navigation", name="Ngôn ngữ giao diện")
    languages.get_by_role("link", name="English").focus()
    page.keyboard.press("Enter")

    page.wait_for_url("**/en/tags/nang-luong/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert (
        page.get_by_role("navigation", name="Interface language")
        .locator("[aria-current=true]")
        .inner_text()
        == "English"
    )
