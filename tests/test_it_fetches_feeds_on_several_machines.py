"""fetch_feeds running in several places at once (here: threads, each with its own database
connection, as separate machines would have), with feeds served from 127.0.0.1."""

import ipaddress
import re
import threading
import time
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.utils import timezone

from articles.models import Article, Source
from ingest.sources import CLAIM_MARGIN, PARALLEL_DOWNLOADS, claim, due_sources, fetch_due
from tests.factories import SourceFactory

ITEMS = 2  # in each feed


class SlowFeeds(ThreadingHTTPServer):
    """Serves /feed/<n>, the feed of source n, after a pause; counts the requests of each
    path, and the most it was answering at once."""

    daemon_threads = True
    request_queue_size = 64

    def __init__(self, pause: float):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.pause = pause
        self.requests = Counter()
        self.in_flight = self.most_in_flight = 0
        self.lock = threading.Lock()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def url(self, number: int) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/feed/{number}"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        server = self.server
        with server.lock:
            server.requests[self.path] += 1
            server.in_flight += 1
            server.most_in_flight = max(server.most_in_flight, server.in_flight)
        try:
            time.sleep(server.pause)
            body = feed(int(self.path.rsplit("/", 1)[1])).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        finally:
            with server.lock:
                server.in_flight -= 1

    def log_message(self, *args):
        pass


def feed(number: int) -> str:
    items = "".join(
        f'<item><title>Tin {item} của hãng tin {number}</title><guid isPermaLink="false">'
        f"{number}-{item}</guid><link>https://bao.example/{number}/{item}</link>"
        f"<description>Bài {item} của hãng tin {number} kể một chuyện khác.</description></item>"
        for item in range(1, ITEMS + 1)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>{items}</channel></rss>'
    )


@pytest.fixture
def feeds(settings):
    server = SlowFeeds(pause=0.5)
    # A server on this machine: allowed, as an intranet deployment allows its own.
    settings.FEED_ALLOWED_NETWORKS = (ipaddress.ip_network("127.0.0.0/8"),)
    settings.FEED_ALLOWED_PORTS = (80, 443, server.server_address[1])
    yield server
    server.shutdown()
    server.server_close()


def fetch(*args) -> str:
    out = StringIO()
    try:
        call_command("fetch_feeds", *args, stdout=out, stderr=StringIO())
    except CommandError as error:
        return out.getvalue() + str(error)
    return out.getvalue()


def fetched(output: str) -> int:
    """How many sources a run's report says it fetched (none when none was due)."""
    if "No source is due." in output:
        return 0
    counts = re.search(r"^(\d+) source\(s\) fetched, 0 failed\.$", output, re.MULTILINE)
    assert counts, output
    return int(counts[1])


@contextmanager
def another_worker(sources):
    """A worker on another connection that has claimed these sources and is fetching them
    for as long as the block lasts; then it dies, its connection closed, and the block ends
    once the database server has let its locks go."""
    claimed, pids, ready, end = [], [], threading.Event(), threading.Event()

    def work():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pids.append(cursor.fetchone()[0])
            claimed.extend(claim(sources))
            ready.set()
            end.wait()
        finally:
            ready.set()
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    ready.wait()
    try:
        yield claimed
    finally:
        end.set()
        thread.join()
        _wait_for_locks_to_go(pids[0])


def _wait_for_locks_to_go(pid: int, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.01)
    raise AssertionError(f"the server kept the locks of the closed connection {pid}")


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_fetch_each_due_source_once(feeds):
    sources = [SourceFactory(feed_url=feeds.url(number)) for number in range(20)]
    outputs, start = [], threading.Barrier(2)

    def run():
        try:
            start.wait()
            outputs.append(fetch())
        finally:
            connection.close()

    runs = [threading.Thread(target=run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join()

    assert feeds.requests == {f"/feed/{number}": 1 for number in range(20)}
    assert feeds.most_in_flight > PARALLEL_DOWNLOADS  # both runs were downloading at once
    counts = [fetched(output) for output in outputs]
    assert len(counts) == 2 and min(counts) > 0  # each run fetched some
    assert sum(counts) == 20
    for source in sources:
        assert Article.objects.filter(source=source).count() == ITEMS
    assert not due_sources().exists()


@pytest.mark.django_db(transaction=True)
def test_a_source_whose_worker_died_falls_due_again_when_the_lease_ends(feeds, settings):
    source = SourceFactory(feed_url=feeds.url(1))
    lease = timedelta(seconds=settings.FEED_TIMEOUT_SECONDS) + CLAIM_MARGIN

    before = timezone.now()
    with another_worker(due_sources()) as claimed:
        assert claimed == [source]
    source.refresh_from_db()

    assert before + lease <= source.next_fetch_at <= timezone.now() + lease
    assert not due_sources(now=source.next_fetch_at - timedelta(seconds=1)).exists()
    assert list(due_sources(now=source.next_fetch_at)) == [source]
    assert "No source is due." in fetch()
    assert feeds.requests == {}

    Source.objects.filter(pk=source.pk).update(next_fetch_at=F("next_fetch_at") - lease)
    assert fetched(fetch()) == 1
    assert feeds.requests == {"/feed/1": 1}
    assert Article.objects.filter(source=source).count() == ITEMS


@pytest.mark.django_db(transaction=True)
def test_a_source_a_live_worker_holds_is_left_to_it_even_named_or_past_its_lease(feeds):
    source = SourceFactory(feed_url=feeds.url(1))

    with another_worker(due_sources()) as claimed:
        assert claimed == [source]
        assert "is being fetched by another run; not fetched." in fetch("--source", source.slug)
        # A fetch that outlasts its lease is still left to its worker.
        Source.objects.filter(pk=source.pk).update(next_fetch_at=timezone.now())
        assert "No source is due." in fetch()
        assert feeds.requests == {}

    # The worker is gone: its source can be named again, due or not.
    Source.objects.filter(pk=source.pk).update(next_fetch_at=timezone.now() + timedelta(hours=1))
    assert fetched(fetch("--source", source.slug)) == 1
    assert feeds.requests == {"/feed/1": 1}
    assert Article.objects.filter(source=source).count() == ITEMS


@pytest.mark.django_db
def test_a_run_fetches_a_source_once_even_if_it_falls_due_again_meanwhile(feeds):
    # As a run that lasts longer than the source's interval: due again once fetched.
    source = SourceFactory(feed_url=feeds.url(1), fetch_every=0)
    reports = []

    def note(report):
        reports.append(report)
        assert len(reports) == 1, "fetched again in the same run"

    fetch_due(on_report=note)

    assert [report.source for report in reports] == [source]
    assert feeds.requests == {"/feed/1": 1}
    assert list(due_sources()) == [source]  # for the next run
