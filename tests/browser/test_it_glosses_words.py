from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from articles.models import Paragraph
from ingest.management.commands.load_demo import DEMO_DIR
from ingest.starter import load_glossary
from tests.importing import import_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "samples" / "000_c7c1a47f91e5f97c.txt"
ALLIANCES = "Tokyo and Washington will deepen their alliances in the region."
# The English of the sample's first two paragraphs; the second has two sentences, each
# with a counterpart, and speaks of an alliance in both.
MINISTERS = (
    "The foreign and defense ministers of the United States and Japan met to discuss "
    "stronger security ties, with a focus on Japan's role amid rising tension over Taiwan "
    "and North Korea's missile threat."
)
ALLIANCE = (
    "Blinken said the US–Japan alliance was “not only to strengthen the tools we have but "
    "also to develop new ones”. He pointed to Russia building up troops against Ukraine, "
    "Beijing's “provocative” actions toward Taiwan and North Korea's latest missile launch, "
    "which test every alliance in the region."
)


@pytest.fixture
def sample_url(live_server):
    """The shared sample, imported as the tests import it, with the starter glossary and an
    English translation whose lead speaks of alliances."""
    if not SAMPLE.exists():
        pytest.skip(f"{SAMPLE} is not present")
    for language in ("vi", "en"):
        load_glossary(DEMO_DIR / f"glossary-{language}.tsv", language)
    article = import_file(SAMPLE, publish=True).article
    article.title_en, article.lead_en = "Japan and the US", ALLIANCES
    article.save()
    english = [MINISTERS, ALLIANCE]
    for paragraph in Paragraph.objects.filter(article=article):
        paragraph.text_en = english.pop(0) if english else "The ministers met in Washington."
        paragraph.save()
    return live_server.url + article.get_absolute_url()


def click_text(page, selector: str, text: str) -> None:
    """Click in the middle of the first occurrence of `text` in the element: the reader's
    tap, before the page has told its words apart."""
    box = page.evaluate(
        """([selector, text]) => {
            const element = document.querySelector(selector);
            const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const at = walker.currentNode.data.indexOf(text);
                if (at < 0) continue;
                walker.currentNode.parentElement.scrollIntoView({block: "center"});
                const range = document.createRange();
                range.setStart(walker.currentNode, at);
                range.setEnd(walker.currentNode, at + text.length);
                const box = range.getBoundingClientRect();
                return {x: box.x + box.width / 2, y: box.y + box.height / 2};
            }
        }""",
        [selector, text],
    )
    page.mouse.click(box["x"], box["y"])


def test_tapping_a_vietnamese_word_shows_its_meaning_and_saving_keeps_it(page, sample_url):
    page.goto(sample_url + "?view=parallel")
    click_text(page, ".blocks .pair:nth-child(2) p[lang=vi]", "quốc phòng")

    dialog = page.get_by_role("dialog")
    expect(dialog.locator(".word-popover-glosses")).to_contain_text("defense")
    expect(dialog.locator("#word-popover-word")).to_have_text("quốc phòng")  # the whole word
    assert page.evaluate("document.activeElement.closest('[role=dialog]') !== null")
    ministers = page.locator(".blocks .pair:nth-child(2) p[lang=en]")
    expect(ministers.locator(".gloss-match")).to_have_text(["defense"])  # in the English
    results = Axe().run(page)  # the dialog open, its meaning marked
    assert results.violations_count == 0, results.generate_report()
    page.emulate_media(color_scheme="dark")
    results = Axe().run(page, context=".blocks .pair:nth-child(2)")
    assert results.violations_count == 0, results.generate_report()
    page.emulate_media(color_scheme="light")

    dialog.get_by_role("button", name="Lưu vào từ của tôi").click()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator(".gloss-match")).to_have_count(0)
    assert page.evaluate("document.activeElement.textContent") == "quốc phòng"

    page.get_by_role("link", name="Từ của tôi").click()
    expect(page.get_by_role("row").filter(has_text="quốc phòng")).to_contain_text("defense")
    assert Axe().run(page).violations_count == 0
    with page.expect_download() as download:
        page.get_by_role("link", name="Xuất CSV").click()
    exported = Path(download.value.path()).read_text("utf-8-sig")
    assert exported.startswith("word,language,meaning")
    assert "quốc phòng,vi," in exported and "defense" in exported
    with page.expect_download() as download:
        page.get_by_role("link", name="Xuất cho Anki (phân cách bằng tab)").click()
    assert "quốc phòng\tdefense" in Path(download.value.path()).read_text("utf-8")

    page.goto(sample_url)  # a later visit: the saved word is marked
    expect(page.locator(".word.saved").first).to_have_text("quốc phòng", ignore_case=True)

    page.goto(sample_url.split("/articles/")[0] + "/en/words/")
    page.get_by_role("button", name="Remove quốc phòng").click()
    expect(page.get_by_text("No saved words yet.")).to_be_visible()


def test_an_english_word_is_glossed_by_its_lemma_and_an_unknown_one_offers_its_paragraph(
    page, sample_url
):
    page.goto(sample_url + "?view=interleaved")
    click_text(page, ".blocks .lead p[lang=en]", "alliances")

    dialog = page.get_by_role("dialog")
    expect(dialog.locator(".word-popover-glosses")).to_contain_text("liên minh")
    expect(dialog.locator(".word-popover-lemma")).to_contain_text("alliance")

    page.keyboard.press("Escape")
    click_text(page, ".blocks .lead p[lang=en]", "Tokyo")  # no entity of that name here
    expect(dialog.locator(".word-popover-unknown")).to_contain_text("Chưa có nghĩa")
    expect(dialog.locator(".word-popover-aligned")).to_contain_text("Mỹ và Nhật Bản")
    page.keyboard.press("Escape")
    for _word in ("and", "Washington", "will", "deepen", "their", "alliances", "in"):
        page.keyboard.press("ArrowRight")  # from the word to the next
    assert page.evaluate("document.activeElement.textContent") == "in"
    page.keyboard.press("Enter")
    expect(dialog.locator("#word-popover-word")).to_have_text("in")


def test_a_tapped_word_marks_its_meaning_in_the_counterpart_sentence_only(page, sample_url):
    page.goto(sample_url + "?view=interleaved")
    vietnamese = page.locator(".blocks .pair:nth-child(3) p[lang=vi]")
    english = page.locator(".blocks .pair:nth-child(3) p[lang=en]")
    second_sentence = english.locator(".sentence", has_text="every alliance")

    click_text(page, ".blocks .pair:nth-child(3) p[lang=vi]", "liên minh")
    expect(english.locator(".gloss-match")).to_have_text(["alliance"])
    expect(second_sentence).to_contain_text("alliance")
    expect(second_sentence.locator(".gloss-match")).to_have_count(0)

    click_text(page, ".blocks .pair:nth-child(3) p[lang=en]", "alliance")  # and the other way
    expect(vietnamese.locator(".gloss-match")).to_have_text(["liên minh"])
    expect(english.locator(".gloss-match")).to_have_count(0)
