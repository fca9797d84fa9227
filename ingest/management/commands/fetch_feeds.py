from django.core.management.base import BaseCommand, CommandError

from articles.models import Source
from ingest.reports import describe, describe_report
from ingest.sources import fetch_claimed, fetch_due


class Command(BaseCommand):
    help = (
        "Fetch the feeds of the sources that are due (or of one source, due or not) and save "
        "their new items as articles. Several may run at once, on one machine or many: a "
        "source is fetched by one of them at a time. Exits with 1 when a source failed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            metavar="SLUG",
            help="Fetch this source only, due or not, unless another run is fetching it.",
        )

    def handle(self, *args, source=None, verbosity=1, **options):
        def show(report):
            if verbosity >= 1:
                self.stdout.write(describe_report(report))
            for outcome in report.outcomes:
                if verbosity >= 2 or (verbosity == 1 and outcome.status != "unchanged"):
                    self.stdout.write(f"  {describe(outcome)}")

        if source is None:
            reports = fetch_due(on_report=show)
        else:
            sources = Source.objects.filter(slug=source)
            if not sources.exists():
                raise CommandError(f"No source has the slug {source!r}.")
            if not sources.exclude(feed_url="").exists():
                raise CommandError(f"{sources.first()} has no feed URL.")
            reports = fetch_claimed(sources)
            if not reports:
                self.stdout.write(f"{source} is being fetched by another run; not fetched.")
                return
            for report in reports:
                show(report)
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
