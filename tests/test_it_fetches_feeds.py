"""Sources' feeds fetched over HTTP from a real server on 127.0.0.1, with hostile ones."""

import contextlib
import ipaddress
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.contrib.admin import site
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from articles.admin.sources import SourceAdmin
from articles.models import Article, Source
from articles.translation import stamp_changed_texts
from ingest.feedxml import html_to_paragraphs
from ingest.fetch import USER_AGENT
from tests.factories import EntityFactory, SourceFactory, TagFactory

# --- A feed server ----------------------------------------------------------------------------


class FeedServer:
    """Answers each path the way a test tells it to, and remembers every request."""

    def __init__(self):
        self.routes = {}
        self.requests = []  # (path, headers)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.feed_server = self
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def serve(self, path, body, *, status=200, headers=None, delay=0.0, etag=""):
        """Serve the body; with an etag, answer 304 to a request that already has it."""
        data = body.encode() if isinstance(body, str) else body
        headers = {"Content-Type": "application/rss+xml; charset=utf-8", **(headers or {})}

        def respond(handler):
            time.sleep(delay)
            if etag and handler.headers.get("If-None-Match") == etag:
                handler.send_response(304)
                handler.send_header("ETag", etag)
                handler.end_headers()
                return
            handler.send_response(status)
            for name, value in {**headers, **({"ETag": etag} if etag else {})}.items():
                handler.send_header(name, value)
            if "Content-Length" not in headers:
                handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)

        self.routes[path] = respond

    def stream(self, path, chunk: bytes, *, pause=0.0, seconds=10.0):
        """Send the chunk again and again, with no length, until the client gives up."""

        def respond(handler):
            handler.send_response(200)
            handler.send_header("Content-Type", "application/rss+xml")
            handler.end_headers()
            handler.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
            stop = time.monotonic() + seconds
            while time.monotonic() < stop:
                handler.wfile.write(chunk)
                handler.wfile.flush()
                time.sleep(pause)

        self.routes[path] = respond

    def redirect(self, path, location, status=302):
        def respond(handler):
            handler.send_response(status)
            handler.send_header("Location", location)
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        self.routes[path] = respond

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        feed_server = self.server.feed_server
        feed_server.requests.append((self.path, dict(self.headers)))
        route = feed_server.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        # The fetcher hangs up on an endless or slow response, as it should.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            route(self)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(settings):
    feed_server = FeedServer()
    # A server on this machine: allowed, as an intranet deployment allows its own.
    settings.FEED_ALLOWED_NETWORKS = (ipaddress.ip_network("127.0.0.0/8"),)
    settings.FEED_ALLOWED_PORTS = (80, 443, feed_server.port)
    yield feed_server
    feed_server.stop()


@pytest.fixture(autouse=True)
def quick_limits(settings):
    settings.FEED_TIMEOUT_SECONDS = 1
    settings.FEED_MAX_BYTES = 200_000


# --- Feeds ------------------------------------------------------------------------------------


def item(
    guid,
    title,
    html,
    *,
    link="",
    date="Mon, 06 Jan 2025 03:00:00 +0000",
    author="",
    categories=(),
):
    parts = [f"<title>{title}</title>"]
    if guid:
        parts.append(f'<guid isPermaLink="false">{guid}</guid>')
    if link:
        parts.append(f"<link>{link}</link>")
    if date:
        parts.append(f"<pubDate>{date}</pubDate>")
    if author:
        parts.append(f"<dc:creator>{author}</dc:creator>")
    parts += [f"<category>{name}</category>" for name in categories]
    parts.append(f"<content:encoded><![CDATA[{html}]]></content:encoded>")
    return f"<item>{''.join(parts)}</item>"


def rss(*items, title="Báo Mẫu", encoding="utf-8"):
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>{title}</title><link>https://bao.example/</link>"
        f"{''.join(items)}</channel></rss>"
    )


DEFENCE = item(
    "bao-1",
    "Mỹ và Nhật Bản ký thỏa thuận quốc phòng",
    "<p>Mỹ và <b>Nhật Bản</b> sẽ ký một thỏa thuận hợp tác quốc phòng mới.</p>"
    "<p>Hai bên cho biết thỏa thuận &amp; các dự án sẽ bắt đầu trong năm tới.<br>"
    "Chi tiết chưa được công bố.</p>",
    link="https://bao.example/quoc-phong?utm_source=rss&amp;id=7#binh-luan",
    author="Minh Ngọc",
    categories=("Quốc phòng", "Thế giới"),
)
ENERGY = item(
    "bao-2",
    "Hà Nội mở rộng hợp tác năng lượng sạch",
    "<p>Hà Nội và Tokyo sẽ mở rộng hợp tác về năng lượng sạch.</p>"
    "<p>Thỏa thuận bao gồm các dự án điện gió ngoài khơi.</p>",
    link="https://bao.example/nang-luong",
)


def feed_source(server, path="/feed", **fields) -> Source:
    return SourceFactory(feed_url=server.url(path), **fields)


def fetch(*args) -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("fetch_feeds", *args, stdout=out, stderr=StringIO())
    except CommandError as error:
        return out.getvalue() + str(error), error.returncode
    return out.getvalue(), 0


def fetch_again(source: Source) -> tuple[str, int]:
    return fetch("--source", source.slug)


# --- What editors get -------------------------------------------------------------------------


@pytest.mark.django_db
def test_new_items_of_a_feed_become_draft_articles_with_plain_paragraphs(server):
    japan = EntityFactory(name_vi="Nhật Bản", name_en="Japan")
    defence = TagFactory(name_vi="Quốc phòng", name_en="Defence")
    source = feed_source(server)
    server.serve("/feed", rss(DEFENCE, ENERGY))
    started = timezone.now()

    output, code = fetch()

    assert code == 0
    article = Article.objects.get(title_vi="Mỹ và Nhật Bản ký thỏa thuận quốc phòng")
    assert f"{source.name}: 2 created" in output
    assert f"created {article.get_absolute_url()}" in output
    assert article.status == Article.Status.DRAFT
    assert article.needs_review
    assert article.lead_vi == "Mỹ và Nhật Bản sẽ ký một thỏa thuận hợp tác quốc phòng mới."
    assert [p.text_vi for p in article.paragraphs.all()] == [
        "Hai bên cho biết thỏa thuận & các dự án sẽ bắt đầu trong năm tới.",
        "Chi tiết chưa được công bố.",
    ]
    assert article.source == source
    assert article.source_url == "https://bao.example/quoc-phong?id=7"
    assert article.author == "Minh Ngọc"
    assert article.published_at.isoformat() == "2025-01-06T03:00:00+00:00"
    assert list(article.tags.all()) == [defence]
    assert article.suggested_tags == ["Thế giới"]
    assert japan.pk in article.entity_ids
    source.refresh_from_db()
    assert source.last_success_at >= started
    assert source.failures == 0
    assert source.last_counts == {"created": 2, "items": 2}
    assert source.next_fetch_at == source.last_success_at + timedelta(minutes=source.fetch_every)
    assert server.requests[0][1]["User-Agent"] == USER_AGENT


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            '<?xml version="1.0"?><rss version="0.91"><channel><title>Báo</title>'
            "<link>https://bao.example/</link><description>d</description><language>vi</language>"
            "<item><title>Giá xăng giảm</title><link>https://bao.example/xang</link>"
            "<description>Giá xăng giảm mạnh từ chiều nay.</description></item>"
            "</channel></rss>",
            id="rss-0.91",
        ),
        pytest.param(
            '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
            ' xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://bao.example/">'
            "<title>Báo</title><link>https://bao.example/</link><description>d</description>"
            '</channel><item rdf:about="https://bao.example/xang"><title>Giá xăng giảm</title>'
            "<link>https://bao.example/xang</link>"
            "<description>Giá xăng giảm mạnh từ chiều nay.</description></item></rdf:RDF>",
            id="rss-1.0",
        ),
        pytest.param(
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            "<title>Báo</title><id>urn:bao</id><updated>2025-01-06T03:00:00Z</updated>"
            "<entry><title>Giá xăng giảm</title><id>urn:bao:xang</id>"
            '<link href="https://bao.example/xang"/><updated>2025-01-06T03:00:00Z</updated>'
            '<content type="html">&lt;p&gt;Giá xăng giảm mạnh từ chiều nay.&lt;/p&gt;</content>'
            "</entry></feed>",
            id="atom",
        ),
    ],
)
def test_rss_and_atom_feeds_of_every_version_are_read(server, body):
    feed_source(server)
    server.serve("/feed", body)

    _, code = fetch()

    article = Article.objects.get()
    assert code == 0
    assert (article.title_vi, article.lead_vi) == (
        "Giá xăng giảm",
        "Giá xăng giảm mạnh từ chiều nay.",
    )
    assert article.source_url == "https://bao.example/xang"


@pytest.mark.django_db
def test_a_feed_that_has_not_changed_answers_304_to_the_etag_and_nothing_is_redone(server):
    source = feed_source(server)
    server.serve("/feed", rss(DEFENCE), etag='"v1"')
    fetch()

    output, code = fetch_again(source)

    source.refresh_from_db()
    assert code == 0
    assert f"{source.name}: not modified" in output
    assert server.requests[1][1]["If-None-Match"] == '"v1"'
    assert source.last_counts == {"not_modified": True}
    assert source.feed_etag == '"v1"'
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_an_item_seen_again_unchanged_is_left_as_it_is(server):
    source = feed_source(server)
    server.serve("/feed", rss(DEFENCE, ENERGY))
    fetch()
    before = list(Article.objects.order_by("pk").values("pk", "version", "updated_at"))

    output, _ = fetch_again(source)

    source.refresh_from_db()
    assert f"{source.name}: 2 unchanged" in output
    assert source.last_counts == {"unchanged": 2, "items": 2}
    assert list(Article.objects.order_by("pk").values("pk", "version", "updated_at")) == before


@pytest.mark.django_db
def test_a_changed_item_updates_its_article_and_leaves_its_translation_stale(server):
    source = feed_source(server)
    server.serve("/feed", rss(DEFENCE))
    fetch()
    article = Article.objects.get()
    translate(
        article,
        "The US and Japan will sign a defence deal.",
        ["Both sides said the projects start next year.", "No details were given."],
    )
    assert article.translation == Article.Translation.COMPLETE

    server.serve("/feed", rss(DEFENCE.replace("trong năm tới", "từ tháng Ba")))
    output, _ = fetch_again(source)

    article.refresh_from_db()
    paragraph = article.paragraphs.first()
    assert f"updated {article.get_absolute_url()}" in output
    assert Article.objects.count() == 1
    assert paragraph.text_vi.endswith("từ tháng Ba.")
    assert paragraph.text_en == "Both sides said the projects start next year."
    assert article.lead_en == "The US and Japan will sign a defence deal."
    assert article.translation == Article.Translation.STALE


def translate(article, lead_en, paragraphs_en):
    """As an editor does in the admin: the English of each block, newer than its Vietnamese."""
    article.lead_en = lead_en
    stamp_changed_texts(article, ["lead_en"])
    article.save()
    for paragraph, text in zip(article.paragraphs.all(), paragraphs_en, strict=True):
        paragraph.text_en = text
        stamp_changed_texts(paragraph, ["text_en"])
        paragraph.save()
    article.refresh_from_db()


@pytest.mark.django_db
def test_the_same_story_under_another_link_or_guid_is_skipped_never_duplicated(server):
    first = feed_source(server, "/first")
    second = feed_source(server, "/second")
    server.serve("/first", rss(DEFENCE))
    same_text_other_link = DEFENCE.replace("bao-1", "khac-9").replace(
        "https://bao.example/quoc-phong?utm_source=rss&amp;id=7", "https://khac.example/x"
    )
    same_link_other_guid = ENERGY.replace("bao-2", "khac-10")
    server.serve("/second", rss(same_text_other_link, same_link_other_guid, ENERGY))

    fetch("--source", first.slug)
    output, code = fetch("--source", second.slug)

    original = Article.objects.get(import_ref__startswith=f"feed:{first.pk}:")
    energy = Article.objects.get(title_vi="Hà Nội mở rộng hợp tác năng lượng sạch")
    assert code == 0
    assert Article.objects.count() == 2
    assert f"skipped: the same text as {original.get_absolute_url()}" in output
    assert f"skipped: the same link as {energy.get_absolute_url()}" in output
    second.refresh_from_db()
    assert second.last_counts == {"created": 1, "skipped": 2, "items": 3}


@pytest.mark.django_db
def test_an_english_source_fills_the_english_side_and_flags_the_missing_vietnamese(server):
    source = feed_source(server, language="en")
    server.serve(
        "/feed",
        rss(
            item(
                "en-1",
                "Japan and the US sign a defence pact",
                "<p>Japan and the US signed a pact.</p><p>It starts next year.</p>",
                link="https://news.example/pact",
            )
        ),
    )

    fetch()

    article = Article.objects.get()
    assert (article.title_en, article.lead_en) == (
        "Japan and the US sign a defence pact",
        "Japan and the US signed a pact.",
    )
    assert [p.text_en for p in article.paragraphs.all()] == ["It starts next year."]
    assert (article.title_vi, article.lead_vi) == (article.title_en, article.lead_en)
    assert article.needs_review
    assert article.source == source


@pytest.mark.django_db
def test_an_english_source_cannot_publish_its_articles_as_they_arrive():
    source = SourceFactory.build(
        name="Wire", slug="wire", language="en", default_status="published"
    )

    with pytest.raises(ValidationError) as refusal:
        source.full_clean()

    assert list(refusal.value.message_dict) == ["default_status"]


@pytest.mark.django_db
def test_a_source_that_publishes_at_once_shows_its_items_to_readers(client, server):
    feed_source(server, default_status=Article.Status.PUBLISHED)
    server.serve("/feed", rss(DEFENCE))

    fetch()

    article = Article.objects.get()
    assert article.is_published
    assert client.get(article.get_absolute_url()).status_code == 200


# --- Only the sources that are due ------------------------------------------------------------


@pytest.mark.django_db
def test_only_due_sources_are_fetched_unless_one_is_named(server):
    due = feed_source(server, "/due")
    later = feed_source(server, "/later", next_fetch_at=timezone.now() + timedelta(minutes=10))
    SourceFactory(feed_url="")  # no feed: never fetched
    server.serve("/due", rss(DEFENCE))
    server.serve("/later", rss(ENERGY))

    fetch()
    fetched_first = [path for path, _ in server.requests]
    fetch_again(later)

    assert fetched_first == ["/due"]
    assert [path for path, _ in server.requests] == ["/due", "/later"]
    assert Article.objects.filter(source=due).count() == 1
    assert Article.objects.filter(source=later).count() == 1


@pytest.mark.django_db
def test_a_source_named_with_no_feed_is_an_error():
    source = SourceFactory(feed_url="")

    output, code = fetch_again(source)

    assert code == 1
    assert "has no feed URL" in output


# --- Hostile and broken feeds -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_slow_source_times_out_backs_off_and_the_others_still_arrive(server):
    slow = feed_source(server, "/slow")
    good = feed_source(server, "/good")
    server.serve("/slow", rss(ENERGY), delay=3)
    server.serve("/good", rss(DEFENCE))
    started = timezone.now()

    output, code = fetch()

    slow.refresh_from_db()
    good.refresh_from_db()
    assert code == 1
    assert f"{slow.name}: failed: timed out after 1 s" in output
    assert slow.last_error == "timed out after 1 s"
    assert slow.failures == 1
    assert slow.last_success_at is None
    assert slow.next_fetch_at >= started + 2 * timedelta(minutes=slow.fetch_every)
    assert good.failures == 0
    assert Article.objects.get().source == good


@pytest.mark.django_db
def test_a_source_that_keeps_failing_waits_longer_each_time_and_recovers(server):
    source = feed_source(server)
    server.serve("/feed", "<html><body>Bảo trì hệ thống</body></html>", status=503)

    for _ in range(3):
        fetch_again(source)
    source.refresh_from_db()

    assert source.failures == 3
    assert source.last_error == "HTTP 503 Service Unavailable"
    waited = source.next_fetch_at - source.last_error_at
    assert waited == 8 * timedelta(minutes=source.fetch_every)

    server.serve("/feed", rss(DEFENCE))
    fetch_again(source)
    source.refresh_from_db()

    assert source.failures == 0
    assert source.last_success_at > source.last_error_at
    assert source.next_fetch_at - source.last_success_at == timedelta(minutes=source.fetch_every)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        pytest.param("<html><body><p>Trang chủ</p></body></html>", id="an HTML page"),
        pytest.param("\x00\x01\x02 not xml at all", id="garbage"),
        pytest.param('<?xml version="1.0"?><rss version="2.0"><channel><title', id="cut"),
    ],
)
def test_what_is_not_a_feed_is_a_failure_said_in_one_line(server, body):
    source = feed_source(server)
    server.serve("/feed", body)

    _, code = fetch()

    source.refresh_from_db()
    assert code == 1
    assert source.last_error.startswith("not an RSS or Atom feed")
    assert "\n" not in source.last_error
    assert source.failures == 1
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_a_malformed_feed_still_yields_the_items_it_has(server):
    feed_source(server)
    server.serve("/feed", rss(DEFENCE).removesuffix("</channel></rss>") + "<item><title>Dở")

    _, code = fetch()

    assert code == 0
    assert Article.objects.get().title_vi == "Mỹ và Nhật Bản ký thỏa thuận quốc phòng"


@pytest.mark.django_db
def test_an_oversized_feed_is_refused_from_its_announced_length(server):
    source = feed_source(server)
    server.serve("/feed", rss(DEFENCE) + " " * 300_000)

    _, code = fetch()

    source.refresh_from_db()
    assert code == 1
    assert source.last_error.startswith("larger than the 200,000-byte limit (")
    assert source.last_error.endswith(" bytes announced)")
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_an_endless_feed_is_cut_off_at_the_size_limit(server):
    source = feed_source(server)
    server.stream("/feed", ("<item><title>Lặp lại</title></item>" * 100).encode())
    started = time.monotonic()

    _, code = fetch()

    source.refresh_from_db()
    assert code == 1
    assert source.last_error == "larger than the 200,000-byte limit; stopped reading"
    assert time.monotonic() - started < 5


@pytest.mark.django_db
def test_a_feed_that_trickles_forever_is_cut_off_by_the_time_limit(server):
    source = feed_source(server)
    server.stream("/feed", b"<item>", pause=0.1)
    started = time.monotonic()

    _, code = fetch()

    source.refresh_from_db()
    assert code == 1
    assert source.last_error == "too slow: not all there after 1 s; stopped reading"
    assert time.monotonic() - started < 4


@pytest.mark.django_db
def test_a_redirect_on_the_same_host_is_followed(server):
    feed_source(server, "/old-feed")
    server.redirect("/old-feed", "/feed", status=301)
    server.serve("/feed", rss(DEFENCE))

    _, code = fetch()

    assert code == 0
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_a_redirect_to_another_host_is_refused(server):
    source = feed_source(server, "/moved")
    server.redirect("/moved", server.url("/feed", host="localhost"))
    server.serve("/feed", rss(DEFENCE))

    _, code = fetch()

    source.refresh_from_db()
    assert code == 1
    assert (
        source.last_error
        == f"redirected to another host (http://localhost:{server.port}); not followed"
    )
    assert [path for path, _ in server.requests] == ["/moved"]
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_scripts_and_markup_in_items_are_stripped_and_never_reach_a_page(client, server):
    feed_source(server, default_status=Article.Status.PUBLISHED)
    hostile = item(
        "",
        "Tin &lt;b&gt;nóng&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;",
        '<p onclick="steal()">Đoạn đầu <img src="x" onerror="alert(2)"> an toàn.</p>'
        "<script>alert(3)</script><style>body{display:none}</style>"
        '<iframe src="javascript:alert(4)">khung</iframe>'
        "<p>Mã &lt;script&gt;alert(5)&lt;/script&gt; chỉ là chữ.</p>"
        '<p><a href="javascript:alert(6)">Liên kết</a> cuối.</p>',
        link="javascript:alert(7)",
    )
    server.serve("/feed", rss(hostile))

    fetch()

    article = Article.objects.get()
    texts = [article.title_vi, article.lead_vi, *(p.text_vi for p in article.paragraphs.all())]
    assert texts == [
        "Tin nóng",
        "Đoạn đầu an toàn.",
        "Mã <script>alert(5)</script> chỉ là chữ.",
        "Liên kết cuối.",
    ]
    assert article.source_url == ""
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(5)" in page
    assert not any(f"alert({n})" in page for n in (1, 2, 3, 4, 6, 7))


@pytest.mark.django_db
def test_items_without_a_date_or_dated_in_the_future_take_the_time_they_were_fetched(server):
    feed_source(server)
    server.serve(
        "/feed",
        rss(
            item("a", "Không có ngày đăng", "<p>Tin không có ngày.</p>", date=""),
            item(
                "b",
                "Ngày đăng tương lai",
                "<p>Tin từ tương lai.</p>",
                date="Fri, 01 Jan 2100 00:00:00 +0000",
            ),
        ),
    )
    started = timezone.now()

    fetch()

    assert Article.objects.count() == 2
    for article in Article.objects.all():
        assert started <= article.published_at <= timezone.now()


@pytest.mark.django_db
def test_a_feed_served_with_the_wrong_charset_still_reads_right(server):
    feed_source(server)
    server.serve(
        "/feed",
        rss(ENERGY).encode("utf-8"),
        headers={"Content-Type": "application/rss+xml; charset=iso-8859-1"},
    )

    fetch()

    assert Article.objects.get().title_vi == "Hà Nội mở rộng hợp tác năng lượng sạch"


@pytest.mark.django_db
def test_a_feed_declared_utf8_but_written_in_windows_1252_still_reads(server):
    feed_source(server, language="en")
    body = rss(item("c", "Café crème prices rise", "<p>Café crème costs more.</p>"), title="Wire")
    server.serve(
        "/feed",
        body.encode("cp1252"),
        headers={"Content-Type": "application/rss+xml"},
    )

    fetch()

    assert Article.objects.get().title_en == "Café crème prices rise"


@pytest.mark.django_db
def test_a_gzipped_feed_is_read(server):
    import gzip

    feed_source(server)
    server.serve(
        "/feed", gzip.compress(rss(DEFENCE).encode()), headers={"Content-Encoding": "gzip"}
    )

    _, code = fetch()

    assert code == 0
    assert server.requests[0][1]["Accept-Encoding"] == "gzip"
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_a_gzip_bomb_is_cut_off_at_the_size_limit(server):
    import gzip

    source = feed_source(server)
    server.serve("/feed", gzip.compress(b" " * 5_000_000), headers={"Content-Encoding": "gzip"})

    fetch()

    source.refresh_from_db()
    assert source.last_error == "larger than the 200,000-byte limit; stopped reading"


# --- The admin --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_shows_each_sources_last_success_error_and_items(admin_client, server):
    working = feed_source(server, "/feed", name="Báo Mẫu")
    broken = feed_source(server, "/broken", name="Báo Hỏng")
    server.serve("/feed", rss(DEFENCE, ENERGY))
    fetch()

    page = admin_client.get(reverse("admin:articles_source_changelist")).content.decode()
    detail = admin_client.get(reverse("admin:articles_source_change", args=[broken.pk]))

    shown = SourceAdmin(Source, site)
    working.refresh_from_db()
    broken.refresh_from_db()
    for column in (shown.feed_state(working), shown.last_items(working), shown.feed_state(broken)):
        assert escape(str(column)) in page
    assert "HTTP 404 Not Found" in detail.content.decode()
    with translation.override("en"):
        assert shown.feed_state(working) == "working"
        assert shown.last_items(working) == "2 items: 2 created"
        assert shown.feed_state(broken) == "failing (1 in a row)"


def test_item_html_becomes_plain_paragraphs():
    html = (
        "<div><h2>Tiêu đề phụ</h2><p>Một <em>đoạn</em>&nbsp;văn &ndash; có\n ký tự.</p>"
        "<ul><li>Mục một</li><li>Mục hai</li></ul><!-- ghi chú --><p>   </p>"
        "<table><tr><td>Ô</td></tr></table><noscript>bật JS</noscript>Cuối</div>"
    )

    assert html_to_paragraphs(html) == [
        "Tiêu đề phụ",
        "Một đoạn văn – có ký tự.",
        "Mục một",
        "Mục hai",
        "Ô",
        "Cuối",
    ]
