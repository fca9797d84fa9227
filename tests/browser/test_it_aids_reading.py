"""Reading aids on an article page: hiding the translation, sentences marked across the
languages, listening and the keys."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEAD_VI = "Hà Nội và Tokyo mở rộng hợp tác. Thỏa thuận trị giá 1.200 tỷ đồng được ký hôm qua."
LEAD_EN = (
    "Hanoi and Tokyo expand their cooperation. "
    "The deal, worth 1,200 billion dong, was signed yesterday."
)
PARAGRAPHS = [
    (
        "Hai nước sẽ xây dựng điện gió ngoài khơi.",
        "The two countries will build offshore wind farms.",
    ),
    ("Các chuyên gia sẽ được trao đổi.", "Experts will be exchanged."),
]

# A stand-in for the browser's speechSynthesis: two voices, and every utterance recorded;
# window.finishUtterance() ends the one being spoken, as the browser would.
FAKE_SPEECH = """
(() => {
  const voices = [{lang: "vi-VN", name: "Vietnamese"}, {lang: "en-US", name: "English"}];
  window.spoken = [];
  let speaking = null;
  const fake = {
    getVoices: () => voices,
    speak(utterance) {
      speaking = utterance;
      window.spoken.push({text: utterance.text, lang: utterance.lang, rate: utterance.rate});
    },
    cancel() { speaking = null; },
    addEventListener() {},
  };
  Object.defineProperty(window, "speechSynthesis", {value: fake, configurable: true});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
  window.finishUtterance = () => { const done = speaking; speaking = null; done.onend(); };
})();
"""


@pytest.fixture
def article_url(live_server):
    article = ArticleFactory(lead_vi=LEAD_VI, lead_en=LEAD_EN, paragraphs=PARAGRAPHS)
    return live_server.url + article.get_absolute_url()


def assert_no_accessibility_violations(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_reader_hides_the_translation_and_reveals_one_paragraph(page, article_url):
    page.goto(article_url + "?view=parallel")
    translations = page.locator(".pair p[lang=en]")
    page.get_by_role("button", name="Ẩn bản dịch").click()
    assert translations.first.is_hidden() and translations.nth(2).is_hidden()
    assert_no_accessibility_violations(page)

    reveal = page.get_by_role("button", name="Hiện bản dịch")
    assert reveal.count() == 3
    reveal.nth(1).focus()
    page.keyboard.press("Enter")
    assert translations.nth(1).is_visible()
    assert translations.first.is_hidden() and translations.nth(2).is_hidden()

    page.goto(article_url + "?view=interleaved")  # remembered, in the other paired mode
    assert translations.first.is_hidden()
    page.get_by_role("button", name="Hiện tất cả").click()
    assert all(translations.nth(i).is_visible() for i in range(3))


def test_hovering_a_sentence_marks_its_counterpart(page, article_url):
    page.goto(article_url + "?view=parallel")
    page.locator(".pair").first.locator("p[lang=vi] .sentence").nth(1).hover()
    marked = page.locator(".pair").first.locator("p[lang=en] .counterpart")
    assert marked.inner_text() == "The deal, worth 1,200 billion dong, was signed yesterday."


@pytest.mark.parametrize(
    "voice, first, second",
    [
        (
            "vi",
            "Hà Nội và Tokyo mở rộng hợp tác.",
            "Thỏa thuận trị giá 1.200 tỷ đồng được ký hôm qua.",
        ),
        ("en", "Hanoi and Tokyo expand their cooperation.", LEAD_EN.split(". ", 1)[1]),
    ],
)
def test_reader_listens_with_the_sentence_marked(page, article_url, voice, first, second):
    page.add_init_script(FAKE_SPEECH)
    page.goto(article_url + "?view=parallel")
    page.get_by_label("Giọng đọc").select_option(voice)
    page.get_by_label("Tốc độ").select_option("0.8")
    page.get_by_role("button", name="Nghe", exact=True).click()

    assert page.evaluate("window.spoken") == [
        {"text": first, "lang": f"{voice}-{'VN' if voice == 'vi' else 'US'}", "rate": 0.8}
    ]
    assert page.locator(".speaking").inner_text() == first
    page.evaluate("window.finishUtterance()")
    assert page.locator(".speaking").inner_text() == second
    assert page.locator(f".speaking:is([lang={voice}] *)").count() == 1
    assert_no_accessibility_violations(page)

    page.get_by_role("button", name="Dừng").click()
    assert page.locator(".speaking").count() == 0
    page.get_by_role("button", name="Nghe đoạn này").nth(2).click()
    vietnamese, english = PARAGRAPHS[1]
    assert page.evaluate("window.spoken.at(-1).text") == (english if voice == "en" else vietnamese)


def test_listening_is_offered_only_with_a_voice_for_the_language(page, article_url):
    page.add_init_script(FAKE_SPEECH.replace('{lang: "vi-VN", name: "Vietnamese"}, ', ""))
    page.goto(article_url + "?view=vi")
    assert page.get_by_role("button", name="Nghe", exact=True).is_hidden()
    page.goto(article_url + "?view=en")
    assert page.get_by_role("button", name="Nghe", exact=True).is_visible()


def test_keys_move_hide_switch_search_and_list_themselves(page, article_url):
    page.goto(article_url + "?view=parallel")
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.dataset.block") == "1"
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.dataset.block") == "0"

    page.keyboard.press("t")
    assert page.locator(".pair p[lang=en]").first.is_hidden()
    page.keyboard.press("t")
    assert page.locator(".pair p[lang=en]").first.is_visible()

    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Phím tắt")
    assert dialog.is_visible()
    assert_no_accessibility_violations(page)
    page.keyboard.press("Escape")

    page.keyboard.press("/")
    search = page.locator("input[name=q]").first
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.type("jt")  # typing in a field is typing
    assert search.input_value() == "jt"
    assert page.locator(".pair p[lang=en]").first.is_visible()

    page.locator("h1").click()
    page.keyboard.press("m")
    page.wait_for_url("**view=interleaved")

    page.get_by_role("button", name="Phím tắt").click()
    dialog.get_by_label("Dùng các phím này").uncheck()
    page.keyboard.press("Escape")
    page.keyboard.press("t")
    assert page.locator(".pair p[lang=en]").first.is_visible()
