from pathlib import Path

from django.conf import settings

from ingest.files import import_paths
from ingest.saving import Outcome


def import_file(path: Path, *, publish: bool = False) -> Outcome:
    """Import one scraped file (with its NAME.en.txt) as import_articles would."""
    (outcome,) = import_paths([path], max_bytes=settings.IMPORT_MAX_BYTES, publish=publish)
    return outcome
