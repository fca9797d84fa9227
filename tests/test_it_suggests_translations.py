"""Translation memory and machine suggestions beside the pairs an editor translates."""

import ipaddress
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.desk import machine
from articles.desk.memory import suggestions
from articles.models import Paragraph
from tests.editors import change_url
from tests.factories import ArticleFactory

pytestmark = pytest.mark.usefixtures("english_site")

TRANSLATED = (
    "Bộ Quốc phòng cho biết cuộc tập trận chung sẽ diễn ra trong ba ngày tại vùng biển "
    "phía nam, với sự tham gia của hai tàu khu trục.",
    "The Defence Ministry said the joint exercise would last three days in the southern "
    "waters, with two destroyers taking part.",
)
# The same sentence, a few words changed, as the next article on the exercise says it.
CLOSE = (
    "Bộ Quốc phòng cho biết cuộc tập trận chung sẽ diễn ra trong bốn ngày tại vùng biển "
    "phía nam, với sự tham gia của ba tàu khu trục."
)
UNRELATED = "Giá lúa gạo ở đồng bằng sông Cửu Long tăng mạnh sau mùa mưa lũ năm nay."


def machine_url(article) -> str:
    return reverse("admin:articles_article_machine", args=[article.pk])


@pytest.fixture
def translated(db):
    return ArticleFactory(paragraphs=[TRANSLATED])


def test_memory_offers_the_english_of_a_paragraph_close_to_one_translated_before(
    admin_client, translated
):
    article = ArticleFactory(paragraphs=[(CLOSE, ""), (UNRELATED, "")])

    found = suggestions([CLOSE, UNRELATED], article.pk)

    assert [suggestion.english for suggestion in found[0]] == [TRANSLATED[1]]
    assert 0.6 < found[0][0].similarity < 1 and not found[0][0].exact
    assert found[1] == []
    html = admin_client.get(change_url(article)).content.decode()
    assert TRANSLATED[1] in html
    assert f"{found[0][0].percent}%" in html


def test_an_exact_repeat_is_marked_so_and_can_be_filled_in(admin_client, translated):
    article = ArticleFactory(paragraphs=[(TRANSLATED[0], "")])

    (best,) = suggestions([TRANSLATED[0]], article.pk)[0]

    assert best.exact and best.english == TRANSLATED[1]
    html = admin_client.get(change_url(article)).content.decode()
    assert "exact repeat" in html and "Fill in the exact repeats" in html


def test_a_short_caption_is_found_as_an_exact_repeat(db):
    ArticleFactory(paragraphs=[("Ảnh: Reuters.", "Photo: Reuters.")])
    article = ArticleFactory(paragraphs=[("Ảnh: Reuters.", "")])

    (best,) = suggestions(["Ảnh: Reuters."], article.pk)[0]

    assert best.exact and best.english == "Photo: Reuters."


def test_memory_offers_neither_a_stale_english_nor_the_articles_own(translated):
    Paragraph.objects.filter(article=translated).update(
        text_vi=TRANSLATED[0] + " Sửa.", vi_changed_at=timezone.now()
    )
    assert suggestions([TRANSLATED[0]], 0) == [[]]  # its English is older than its Vietnamese

    fresh = ArticleFactory(paragraphs=[TRANSLATED])
    assert suggestions([CLOSE], fresh.pk) == [[]]  # the article's own pairs are not offered
    assert suggestions([CLOSE], 0)[0][0].article_id == fresh.pk


# --- Machine suggestions ---------------------------------------------------------------------


class LibreTranslateServer(BaseHTTPRequestHandler):
    """What a LibreTranslate server answers on /translate, or what the test makes it."""

    answer: tuple[int, bytes] | None = None
    delay = 0.0
    asked: list

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.asked.append(request)
        time.sleep(self.delay)
        status, body = self.answer or (
            200,
            json.dumps({"translatedText": [f"EN: {text}" for text in request["q"]]}).encode(),
        )
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(settings):
    handler = type("Handler", (LibreTranslateServer,), {"asked": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    settings.TRANSLATION_BACKEND = "libretranslate"
    settings.TRANSLATION_URL = f"http://127.0.0.1:{httpd.server_address[1]}"
    settings.TRANSLATION_API_KEY = "secret"
    settings.TRANSLATION_TIMEOUT_SECONDS = 1
    settings.TRANSLATION_ALLOWED_NETWORKS = (ipaddress.ip_network("127.0.0.0/8"),)
    yield handler
    httpd.shutdown()
    httpd.server_close()


def test_the_backend_is_none_by_default(admin_client, translated):
    assert machine.configured() is None
    html = admin_client.get(change_url(translated)).content.decode()
    assert "data-machine=" not in html


def test_the_http_backend_asks_a_libretranslate_server(server):
    english = machine.configured().translate(["Xin chào.", "Tạm biệt."])

    assert english == ["EN: Xin chào.", "EN: Tạm biệt."]
    assert server.asked == [
        {
            "q": ["Xin chào.", "Tạm biệt."],
            "source": "vi",
            "target": "en",
            "format": "text",
            "api_key": "secret",
        }
    ]


def test_the_editing_page_gets_machine_suggestions_for_the_untranslated_pairs(admin_client, server):
    article = ArticleFactory(paragraphs=[("Một.", "One."), ("Hai.", "")])
    html = admin_client.get(change_url(article)).content.decode()
    assert "data-machine=" in html

    answer = admin_client.get(machine_url(article) + "?format=json").json()

    assert answer["blocks"] == {"2": "EN: Hai."}
    assert not Paragraph.objects.filter(text_en="EN: Hai.").exists()  # never saved by itself
    page = admin_client.get(machine_url(article)).content.decode()
    assert "EN: Hai." in page and "Nothing here is saved" in page


@pytest.mark.parametrize(
    ("status", "body", "said"),
    [
        (403, b'{"error": "Invalid API key"}', "answered HTTP 403: Invalid API key"),
        (500, b"<html>oops</html>", "answered HTTP 500"),
        (200, b"not json", "not a translation"),
        (200, b'{"translatedText": ["only one"]}', "not a translation"),
    ],
)
def test_a_backend_error_says_what_went_wrong(admin_client, server, status, body, said):
    server.answer = (status, body)
    with pytest.raises(machine.MachineError, match=said):
        machine.configured().translate(["Một.", "Hai."])

    article = ArticleFactory(paragraphs=[("Một.", ""), ("Hai.", "")])
    answer = admin_client.get(machine_url(article) + "?format=json").json()
    assert said in answer["error"]


def test_a_slow_backend_is_given_up_within_its_timeout(admin_client, server):
    server.delay = 6
    article = ArticleFactory(paragraphs=[("Hai.", "")])

    started = time.monotonic()
    answer = admin_client.get(machine_url(article) + "?format=json").json()

    assert time.monotonic() - started < 4  # the 1 s allowed, and the page's own work
    assert "did not answer within 1 s" in answer["error"]


def test_a_backend_that_is_down_is_said_to_be(server, settings):
    settings.TRANSLATION_URL = "http://127.0.0.1:9"  # nothing listens there
    with pytest.raises(machine.MachineError, match="could not be reached"):
        machine.configured().translate(["Một."])
