import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles import feeds_ingest, ndjson
from articles.importing import collect_article_files, describe, import_file, summarize
from articles.linking import load_gazetteer

BULK_SUFFIXES = (*ndjson.SUFFIXES, *feeds_ingest.SUFFIXES)


class Command(BaseCommand):
    help = (
        "Import raw scraped article files (a sibling NAME.en.txt is read as the English "
        "translation), NDJSON files (.ndjson, .jsonl: one article a line) and saved RSS or "
        "Atom feeds (.xml, .rss, .atom). Folders are searched for all of these."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--publish", action="store_true", help="Publish the imported articles at once."
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=settings.IMPORT_MAX_BYTES,
            help="Refuse files (and NDJSON lines) larger than this (default: %(default)s).",
        )

    def handle(self, *args, paths, publish, max_bytes, **options):
        bulk_files = bulk_files_in(paths)
        files = collect_article_files([path for path in paths if path not in bulk_files])
        outcomes = []
        gazetteer = load_gazetteer()
        progress = tqdm(files, unit="file", disable=len(files) < 2, file=sys.stderr)
        for path in progress:
            outcome = import_file(path, publish=publish, max_bytes=max_bytes, gazetteer=gazetteer)
            outcomes.append(outcome)
            with progress.external_write_mode():
                self.stdout.write(describe(outcome))
        for path in bulk_files:
            bulk_options = {"publish": publish, "max_bytes": max_bytes, "gazetteer": gazetteer}
            if path.suffix.lower() in ndjson.SUFFIXES:
                lines = ndjson.count_lines(path) if path.is_file() else 0
                items = ndjson.import_ndjson(path, **bulk_options)
                progress = tqdm(items, unit="line", total=lines, disable=lines < 2, file=sys.stderr)
            else:
                items = feeds_ingest.import_feed_file(path, **bulk_options)
                progress = tqdm(items, unit="item", disable=True, file=sys.stderr)
            for outcome in progress:
                outcomes.append(outcome)
                with progress.external_write_mode():
                    self.stdout.write(describe(outcome))
        self.stdout.write(summarize(outcomes, "article(s)" if bulk_files else "file(s)"))
        refused = sum(outcome.status == "refused" for outcome in outcomes)
        if refused:
            raise CommandError(f"{refused} file(s) or line(s) refused.", returncode=1)


def bulk_files_in(paths: list[Path]) -> list[Path]:
    """The NDJSON and feed files given, and those in the folders given."""
    found = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix.lower() in BULK_SUFFIXES)
        elif path.suffix.lower() in BULK_SUFFIXES:
            found.append(path)
    return found
