"""An article page, with its reading aids, stays within 50 KB gzipped on first load: its
HTML and every stylesheet and script it links."""

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from tests.importing import import_file

BUDGET = 50_000  # bytes, gzipped
DEMO = Path(settings.BASE_DIR) / "ingest" / "demo"


def gzipped_size(content: bytes) -> int:
    return len(gzip.compress(content, compresslevel=9))


def linked_files(html: str) -> list[Path]:
    paths = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    paths += re.findall(r'<script src="([^"]+)"', html)
    return [Path(finders.find(path.removeprefix(settings.STATIC_URL))) for path in paths]


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["parallel", "interleaved", "vi", "en"])
def test_the_longest_demo_article_loads_within_the_budget(client, mode):
    longest = max(DEMO.glob("*[!n].txt"), key=lambda path: path.stat().st_size)
    article = import_file(longest, publish=True).article

    html = client.get(article.get_absolute_url(), {"view": mode}).content
    files = linked_files(html.decode())

    assert {file.name for file in files} >= {"site.css", "reading-aids.css", "reading-aids.js"}
    total = gzipped_size(html) + sum(gzipped_size(file.read_bytes()) for file in files)
    assert total <= BUDGET, f"{total:,} bytes gzipped"
