import sys
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.importing import ImportOutcome, collect_article_files, import_file
from articles.linking import load_gazetteer


class Command(BaseCommand):
    help = (
        "Import raw scraped article files. A sibling NAME.en.txt is read as the English "
        "translation. Folders are searched for .txt files."
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
            help="Refuse files larger than this (default: %(default)s).",
        )

    def handle(self, *args, paths, publish, max_bytes, **options):
        files = collect_article_files(paths)
        counts: Counter[str] = Counter()
        gazetteer = load_gazetteer()
        progress = tqdm(files, unit="file", disable=len(files) < 2, file=sys.stderr)
        for path in progress:
            outcome = import_file(path, publish=publish, max_bytes=max_bytes, gazetteer=gazetteer)
            counts[outcome.status] += 1
            with progress.external_write_mode():
                self.stdout.write(describe(outcome))
        summary = ", ".join(
            f"{counts[status]} {status}"
            for status in ("created", "updated", "unchanged", "refused")
            if counts[status]
        )
        self.stdout.write(f"{len(files)} file(s): {summary or 'nothing to import'}.")
        if counts["refused"]:
            raise CommandError(f"{counts['refused']} file(s) refused.", returncode=1)


def describe(outcome: ImportOutcome) -> str:
    if outcome.status == "refused":
        return f"{outcome.path}: refused: {outcome.reason}"
    if outcome.status == "unchanged":
        return f"{outcome.path}: unchanged"
    return f"{outcome.path}: {outcome.status} {outcome.article.get_absolute_url()}"
