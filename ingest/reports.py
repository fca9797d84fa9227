"""What an import or a fetch says: one line per file, line, item or source, and a summary."""

from collections import Counter

from django.utils import timezone

from ingest.saving import STATUSES, Outcome
from ingest.sources import FetchReport


def describe(outcome: Outcome) -> str:
    """One line of the report for a file, a line of a bulk file or a feed's item."""
    if outcome.status in ("refused", "skipped"):
        return f"{outcome.label}: {outcome.status}: {outcome.reason}"
    if outcome.status == "unchanged":
        return f"{outcome.label}: unchanged"
    return f"{outcome.label}: {outcome.status} {outcome.article.get_absolute_url()}"


def summarize(counts: Counter, noun: str = "file(s)") -> str:
    """The report's last line: how many files (or articles), and what became of them, from
    the count of each outcome's status."""
    summary = ", ".join(f"{counts[status]} {status}" for status in STATUSES if counts[status])
    return f"{counts.total()} {noun}: {summary or 'nothing to import'}."


def describe_report(report: FetchReport) -> str:
    """One line per source for the command's output."""
    name = report.source.name
    if report.error:
        next_fetch = timezone.localtime(report.source.next_fetch_at).strftime("%Y-%m-%d %H:%M")
        return f"{name}: failed: {report.error} (next try at {next_fetch})"
    if report.not_modified:
        return f"{name}: not modified"
    return f"{name}: {describe_counts(report.counts)}"


def describe_counts(counts) -> str:
    parts = [f"{counts[status]} {status}" for status in STATUSES if counts.get(status)]
    return ", ".join(parts) or "no items"
