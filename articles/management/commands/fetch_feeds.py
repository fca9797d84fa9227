from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from articles.feeds_ingest import describe_report, due_sources, fetch_sources
from articles.importing import describe
from articles.linking import load_gazetteer
from articles.models import Source

# One run at a time: a cron job that starts while the last run is still going does nothing.
LOCK_KEY = 0x6E657773  # "news"


class Command(BaseCommand):
    help = (
        "Fetch the feeds of the sources that are due (or of one source, due or not) and save "
        "their new items as articles. Exits with 1 when a source failed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", metavar="SLUG", help="Fetch this source only, whether it is due or not."
        )

    def handle(self, *args, source=None, verbosity=1, **options):
        if source is not None:
            sources = list(Source.objects.filter(slug=source))
            if not sources:
                raise CommandError(f"No source has the slug {source!r}.")
            if not sources[0].feed_url:
                raise CommandError(f"{sources[0]} has no feed URL.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
            if not cursor.fetchone()[0]:
                if verbosity >= 1:
                    self.stdout.write("Another fetch_feeds is running; nothing fetched.")
                return
        try:
            if source is None:
                sources = list(due_sources())
            reports = fetch_sources(sources, gazetteer=load_gazetteer() if sources else None)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
        for report in reports:
            if verbosity >= 1:
                self.stdout.write(describe_report(report))
            for outcome in report.outcomes:
                if verbosity >= 2 or (verbosity == 1 and outcome.status != "unchanged"):
                    self.stdout.write(f"  {describe(outcome)}")
        failed = [report for report in reports if report.error]
        if verbosity >= 1:
            self.stdout.write(
                f"{len(reports)} source(s) fetched, {len(failed)} failed."
                if reports
                else "No source is due."
            )
        if failed:
            raise CommandError(
                f"{len(failed)} source(s) failed: " + ", ".join(str(r.source) for r in failed),
                returncode=1,
            )
