import sys
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ingest.files import bulk_files_in, import_paths
from ingest.reports import describe, summarize


class Command(BaseCommand):
    help = (
        "Import raw scraped article files (a sibling NAME.en.txt is read as the English "
        "translation), NDJSON files (.ndjson, .jsonl: one article a line) and saved RSS or "
        "Atom feeds (.xml, .rss, .atom). Folders are searched for all of these."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--publish", action="store_true", help="Publish the new articles at once."
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=settings.IMPORT_MAX_BYTES,
            help="Refuse files (and NDJSON lines) larger than this (default: %(default)s).",
        )

    def handle(self, *args, paths, publish, max_bytes, verbosity=1, **options):
        outcomes = import_paths(paths, max_bytes=max_bytes, publish=publish)
        progress = tqdm(outcomes, unit=" articles", file=sys.stderr, disable=verbosity < 1)
        counts = Counter()  # not the outcomes: a file may hold millions of articles
        for outcome in progress:
            counts[outcome.status] += 1
            if verbosity >= 1:
                with progress.external_write_mode():
                    self.stdout.write(describe(outcome))
        noun = "article(s)" if bulk_files_in(paths) else "file(s)"
        self.stdout.write(summarize(counts, noun))
        if refused := counts["refused"]:
            raise CommandError(f"{refused} file(s) or line(s) refused.", returncode=1)
