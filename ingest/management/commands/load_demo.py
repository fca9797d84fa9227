from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from articles import changes
from articles.derived import apply_tag_rules, refresh_levels, relink_articles
from articles.levels import rank_words
from articles.models import Article
from ingest import starter
from ingest.files import collect_article_files, read_text_files
from ingest.saving import Outcome, save

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"


class Command(BaseCommand):
    help = (
        "Load the starter entities, tags, categories and glossary and the demo articles. "
        "Safe to rerun."
    )

    def handle(self, *args, verbosity, **options):
        with transaction.atomic(), changes.batch():
            new_entities = starter.load_entities(DEMO_DIR / "entities.json")
            ruled = starter.load_tags(DEMO_DIR / "tags.json")
            starter.load_categories(DEMO_DIR / "categories.json")
            for language in ("vi", "en"):
                starter.load_glossary(DEMO_DIR / f"glossary-{language}.tsv", language)
        if new_entities:  # the articles already here may name them
            relink_articles(Article.objects.values_list("pk", flat=True))
        if ruled:  # the articles already here may use their words
            apply_tag_rules(ruled)
        now = timezone.now()
        files = read_text_files(collect_article_files([DEMO_DIR]), settings.IMPORT_MAX_BYTES)
        items = (
            item
            if isinstance(item, Outcome)
            else replace(item, published_at=now - timedelta(hours=3 * n))
            for n, item in enumerate(files)
        )
        for outcome in save(items, publish=True):
            if outcome.status == "refused":
                raise CommandError(f"demo file {outcome.label} refused: {outcome.reason}")
            if verbosity:
                self.stdout.write(f"{Path(outcome.label).name}: {outcome.status}")
        rank_words()  # the demo's words, for the articles' reading levels
        refresh_levels()
        if verbosity:
            self.stdout.write(f"{Article.objects.published().count()} published articles.")
