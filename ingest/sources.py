"""Sources with feeds: which are due, claimed by one worker each, fetched, their items
saved, and the outcome kept on the source (its last success, last error, what the last
fetch brought, and when it is due again: later and later while it keeps failing). A
failing source never stops the others.

fetch_feeds may run on several machines at once, and each source is fetched by one worker
at a time. A worker claims the sources it fetches (SELECT … FOR UPDATE SKIP LOCKED) and,
until it has recorded their outcome, holds a PostgreSQL advisory lock on each in its
database session, so that no other worker takes them, not even one that names a source.
Claiming also moves their next fetch past the time a fetch may take (the lease), so that
other workers do not count them as due meanwhile. A worker that dies loses its locks with
its connection, and its sources fall due again when the lease ends.
"""

import logging
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from articles.models import Source
from ingest.feedxml import FeedError, parse_feed, read_entries
from ingest.fetch import Download, FetchError, fetch
from ingest.saving import Outcome, save

logger = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=24)
PARALLEL_DOWNLOADS = 8  # sources a worker claims and downloads at once
CLAIM_MARGIN = timedelta(minutes=5)  # beyond the download's time limit, for saving
HOLD_KEY = 0x6E657773  # "news": with a source's id, the advisory lock of the worker fetching it


@dataclass
class FetchReport:
    source: Source
    outcomes: list[Outcome] = field(default_factory=list)
    error: str = ""
    not_modified: bool = False

    @property
    def counts(self) -> Counter:
        return Counter(outcome.status for outcome in self.outcomes)


def due_sources(now: datetime | None = None):
    """The sources with a feed whose next fetch is due."""
    now = now or timezone.now()
    return (
        Source.objects.exclude(feed_url="")
        .filter(Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now))
        .order_by(F("next_fetch_at").asc(nulls_first=True), "pk")
    )


def claim(sources, limit: int = PARALLEL_DOWNLOADS) -> list[Source]:
    """Take up to `limit` of these sources that no other worker holds, and hold them until
    release(): locked for this database session, their next fetch moved past the lease.

    The advisory locks are taken while the rows are locked, so that another worker cannot
    find a source neither row-locked nor held between this transaction's end and the lock.
    """
    lease = timedelta(seconds=settings.FEED_TIMEOUT_SECONDS) + CLAIM_MARGIN
    with transaction.atomic(), connection.cursor() as cursor:
        claimed = []
        for source in sources.select_for_update(skip_locked=True)[:limit]:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [HOLD_KEY, source.pk])
            if cursor.fetchone()[0]:
                claimed.append(source)
        Source.objects.filter(pk__in=[source.pk for source in claimed]).update(
            next_fetch_at=timezone.now() + lease
        )
    return claimed


def release(sources) -> None:
    """Let other workers take these claimed sources again."""
    with connection.cursor() as cursor:
        for source in sources:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [HOLD_KEY, source.pk])


def fetch_claimed(sources, limit: int = PARALLEL_DOWNLOADS) -> list[FetchReport]:
    """Claim up to `limit` of these sources, fetch them and release them; one report per
    source claimed (none when another worker holds them all)."""
    claimed = claim(sources, limit)
    try:
        return fetch_sources(claimed)
    finally:
        release(claimed)


def fetch_due(on_report=None) -> list[FetchReport]:
    """Claim and fetch the sources due when this run starts until none is left (one that
    falls due again meanwhile waits for the next run); one report per source fetched."""
    due, reports = due_sources(), []
    while batch := fetch_claimed(due):
        for report in batch:
            reports.append(report)
            if on_report:
                on_report(report)
    return reports


def fetch_sources(sources) -> list[FetchReport]:
    """Fetch each source's feed and save its items; one report per source.

    Downloads run in parallel threads (no database there); items are saved in this thread,
    in batches. Whatever goes wrong with one source is its report's error.
    """
    sources = list(sources)
    with ThreadPoolExecutor(max_workers=PARALLEL_DOWNLOADS) as pool:
        downloads = list(pool.map(_download, sources))
    reports = []
    for source, download in zip(sources, downloads, strict=True):
        try:
            report = _ingest(source, download)
        except Exception as error:  # a bug or a database fault: this source fails, not all
            logger.exception("Fetching the feed of %s failed", source)
            report = FetchReport(source, error=f"unexpected error: {error!r}"[:500])
        _record(report)
        reports.append(report)
    return reports


def _download(source: Source) -> Download | FetchError:
    try:
        return fetch(
            source.feed_url, etag=source.feed_etag, last_modified=source.feed_last_modified
        )
    except FetchError as error:
        return error
    except Exception as error:
        logger.exception("Downloading the feed of %s failed", source)
        return FetchError(f"unexpected error: {error!r}"[:500])


def _ingest(source: Source, download: Download | FetchError) -> FetchReport:
    if isinstance(download, FetchError):
        return FetchReport(source, error=str(download))
    source.feed_etag, source.feed_last_modified = download.etag, download.last_modified
    if download.status == 304:
        return FetchReport(source, not_modified=True)
    try:
        parsed = parse_feed(download.body, content_type=download.content_type, url=download.url)
    except FeedError as error:
        return FetchReport(source, error=str(error))
    items = read_entries(
        parsed.entries, language=source.language, scope=str(source.pk), label=source.name
    )
    outcomes = save(
        items,
        source=source,
        status=source.default_status,
        reason=f"Fetched from {source.name}",
    )
    return FetchReport(source, list(outcomes))


def _record(report: FetchReport) -> None:
    """Keep the outcome on the source: touch only the status fields, so that an editor's
    change of the source meanwhile is not overwritten."""
    source, now = report.source, timezone.now()
    interval = timedelta(minutes=source.fetch_every)
    if report.error:
        failures = source.failures + 1
        backoff = min(interval * 2 ** min(failures, 10), MAX_BACKOFF)
        fields = {
            "last_error": report.error[:1000],
            "last_error_at": now,
            "failures": failures,
            "next_fetch_at": now + backoff,
        }
    else:
        counts = {"not_modified": True} if report.not_modified else dict(report.counts)
        if not report.not_modified:
            counts["items"] = len(report.outcomes)
        fields = {
            "last_success_at": now,
            "failures": 0,
            "next_fetch_at": now + interval,
            "last_counts": counts,
            "feed_etag": source.feed_etag[:500],
            "feed_last_modified": source.feed_last_modified[:100],
        }
    fields["last_fetched_at"] = now
    Source.objects.filter(pk=source.pk).update(**fields)
    for name, value in fields.items():
        setattr(source, name, value)
