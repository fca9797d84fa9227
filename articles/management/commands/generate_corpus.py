import time

from django.core.management.base import BaseCommand, CommandError

from articles.corpus import generate_corpus


class Command(BaseCommand):
    help = "Add N synthetic published bilingual articles with entities and tags (bulk COPY)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True, metavar="N")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch", type=int, default=20_000, help="Articles per COPY batch.")

    def handle(self, *args, articles, seed, batch, **options):
        if articles < 1:
            raise CommandError("--articles must be at least 1")
        started = time.perf_counter()
        written = 0
        while written < articles:
            size = min(batch, articles - written)
            written += generate_corpus(
                size, seed=seed + written, refresh=written + size >= articles
            )
            self.stderr.write(f"{written}/{articles} articles", ending="\r")
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Added {written} articles in {elapsed:.1f} s ({written / elapsed:,.0f} articles/s)."
        )
