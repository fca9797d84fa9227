from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles import starter
from articles.importing import collect_article_files, import_file
from articles.linking import link_entities, load_gazetteer
from articles.membership import refresh_membership
from articles.models import Article

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"


class Command(BaseCommand):
    help = "Load the starter entities, tags and categories and the demo articles. Safe to rerun."

    def handle(self, *args, verbosity, **options):
        new_entities = starter.load_entities(DEMO_DIR / "entities.json")
        starter.load_tags(DEMO_DIR / "tags.json")
        starter.load_categories(DEMO_DIR / "categories.json")
        gazetteer = load_gazetteer()
        now = timezone.now()
        for hours_ago, path in enumerate(collect_article_files([DEMO_DIR])):
            outcome = import_file(
                path,
                publish=True,
                published_at=now - timedelta(hours=3 * hours_ago),
                gazetteer=gazetteer,
            )
            if outcome.status == "refused":
                raise CommandError(f"demo file {path.name} refused: {outcome.reason}")
            if verbosity:
                self.stdout.write(f"{path.name}: {outcome.status}")
        if new_entities:
            for article in Article.objects.prefetch_related("paragraphs"):
                link_entities(article, gazetteer)
        starter.apply_article_tags(DEMO_DIR / "article_tags.json")
        refresh_membership()
        if verbosity:
            self.stdout.write(f"{Article.objects.published().count()} published articles.")
