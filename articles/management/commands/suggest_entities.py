from django.core.management.base import BaseCommand

from articles.entities.suggestions import suggest_entities
from articles.models import Article


class Command(BaseCommand):
    help = "Run NER over articles and queue names no entity covers yet for editors to judge."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=200, help="Newest N articles (default: %(default)s)."
        )

    def handle(self, *args, limit, **options):
        articles = Article.objects.latest_first().prefetch_related("paragraphs")[:limit]
        report = suggest_entities(articles)
        summary = ", ".join(f"{count} {status}" for status, count in sorted(report.items()))
        self.stdout.write(f"Suggestions: {summary or 'nothing new'}.")
