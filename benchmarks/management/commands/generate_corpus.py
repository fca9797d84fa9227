import time

from django.core.management.base import BaseCommand, CommandError

from benchmarks.corpus import BATCH, fill_corpus


class Command(BaseCommand):
    help = (
        "Add N synthetic published bilingual articles with entities and tags (bulk COPY), "
        "written in the order they were published: over the last three years, or after the "
        "synthetic articles already there."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True, metavar="N")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch", type=int, default=BATCH, help="Articles per COPY batch.")
        parser.add_argument(
            "--workers", type=int, default=1, help="Processes writing batches side by side."
        )

    def handle(self, *args, articles, seed, batch, workers, **options):
        if articles < 1:
            raise CommandError("--articles must be at least 1")
        if batch < 1:
            raise CommandError("--batch must be at least 1")
        started = time.perf_counter()
        written = fill_corpus(
            articles,
            seed=seed,
            batch=batch,
            workers=workers,
            progress=lambda done: self.stderr.write(f"{done}/{articles} articles", ending="\r"),
        )
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Added {written} articles in {elapsed:.1f} s ({written / elapsed:,.0f} articles/s)."
        )
