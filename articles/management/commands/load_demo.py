from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles.importing import collect_article_files, import_file

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"


class Command(BaseCommand):
    help = "Load the demo articles (published, a few hours apart). Safe to run again."

    def handle(self, *args, **options):
        now = timezone.now()
        files = collect_article_files([DEMO_DIR])
        for hours_ago, path in enumerate(files):
            outcome = import_file(
                path, publish=True, published_at=now - timedelta(hours=3 * hours_ago)
            )
            if outcome.status == "refused":
                raise CommandError(f"demo file {path.name} refused: {outcome.reason}")
            self.stdout.write(f"{path.name}: {outcome.status}")
