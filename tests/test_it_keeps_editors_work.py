"""Nothing an editor did is undone by a machine: whichever way a story comes in again, a
re-import or re-fetch of its corrected source keeps the editor's English (stale where its
Vietnamese changed), their reviewed title, their own Vietnamese, the fields the source no
longer gives, and the article's status, a takedown included."""

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Source
from articles.translation import stamp_changed_texts
from ingest.fetch import Download

LEAD = "Hà Nội và Tokyo ký thỏa thuận hợp tác năng lượng sạch trị giá hai tỷ USD."
PARAGRAPHS = [
    "Thỏa thuận gồm các dự án điện gió ngoài khơi ở miền Trung.",
    "Hai bên sẽ đào tạo một nghìn kỹ sư trong năm năm tới.",
    "Các dự án đầu tiên dự kiến khởi công vào năm sau.",
]
CORRECTED = "Hai bên sẽ đào tạo hai nghìn kỹ sư trong năm năm tới."
AUTHOR = "Minh Ngọc"
EDITORS_TITLE = "Việt Nam và Nhật Bản hợp tác năng lượng sạch"
EDITORS_VIETNAMESE = "Các dự án đầu tiên sẽ khởi công vào năm sau, theo Bộ Công Thương."


def story(paragraphs: list[str], *, with_author: bool) -> dict:
    return {"lead": LEAD, "paragraphs": paragraphs, "author": AUTHOR if with_author else ""}


def as_text(text: dict) -> str:
    byline = [f"{text['author']} (Theo Reuters)"] if text["author"] else []
    return "\n\n".join([text["lead"], *text["paragraphs"], *byline]) + "\n"


def as_ndjson(text: dict) -> str:
    line = {"id": "story", "lead_vi": text["lead"], "paragraphs_vi": text["paragraphs"]}
    if text["author"]:
        line["author"] = text["author"]
    return json.dumps(line, ensure_ascii=False) + "\n"


def as_rss(text: dict) -> str:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in [text["lead"], *text["paragraphs"]])
    author = f"<author>{text['author']}</author>" if text["author"] else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Báo Mẫu</title><link>https://bao-mau.example/</link>"
        "<item><title>Hợp tác năng lượng sạch</title>"
        "<link>https://bao-mau.example/nang-luong</link><guid>nang-luong-1</guid>"
        f"<description><![CDATA[{body}]]></description>{author}</item>"
        "</channel></rss>"
    )


def run_import(*args) -> str:
    out = StringIO()
    call_command("import_articles", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


class TextFile:
    def __init__(self, folder: Path, **_):
        self.path = folder / "story.txt"

    def bring(self, text: dict) -> str:
        self.path.write_text(as_text(text), encoding="utf-8")
        return run_import("--publish", str(self.path))


class NdjsonFile(TextFile):
    def __init__(self, folder: Path, **_):
        self.path = folder / "story.ndjson"

    def bring(self, text: dict) -> str:
        self.path.write_text(as_ndjson(text), encoding="utf-8")
        return run_import("--publish", str(self.path))


class FeedFile(TextFile):
    def __init__(self, folder: Path, **_):
        self.path = folder / "story.xml"

    def bring(self, text: dict) -> str:
        self.path.write_text(as_rss(text), encoding="utf-8")
        return run_import("--publish", str(self.path))


class FetchedFeed:
    def __init__(self, folder: Path, monkeypatch, **_):
        self.source = Source.objects.create(
            name="Báo Mẫu",
            slug="bao-mau",
            feed_url="https://bao-mau.example/rss",
            default_status=Article.Status.PUBLISHED,
        )
        self.body = b""
        monkeypatch.setattr("ingest.sources.fetch", self._download)

    def _download(self, url, **_):
        return Download(status=200, body=self.body, content_type="application/rss+xml", url=url)

    def bring(self, text: dict) -> str:
        self.body = as_rss(text).encode()
        Source.objects.filter(pk=self.source.pk).update(next_fetch_at=None)
        out = StringIO()
        call_command("fetch_feeds", "--verbosity", "2", stdout=out)
        return out.getvalue()


class AdminUpload:
    def __init__(self, folder: Path, admin_client, **_):
        self.client = admin_client

    def bring(self, text: dict) -> str:
        upload = SimpleUploadedFile("story.txt", as_text(text).encode(), "text/plain")
        response = self.client.post(reverse("import_files"), {"files": [upload], "publish": "on"})
        assert response.status_code == 200
        return response.content.decode()


class DemoLoad:
    """load_demo over a folder of demo content that holds the story."""

    def __init__(self, folder: Path, monkeypatch, **_):
        demo = Path(__file__).resolve().parent.parent / "ingest" / "demo"
        starter = (
            "entities.json",
            "tags.json",
            "categories.json",
            "glossary-vi.tsv",
            "glossary-en.tsv",
        )
        for name in starter:
            shutil.copy(demo / name, folder / name)
        self.path = folder / "story.txt"
        monkeypatch.setattr("ingest.management.commands.load_demo.DEMO_DIR", folder)

    def bring(self, text: dict) -> str:
        self.path.write_text(as_text(text), encoding="utf-8")
        out = StringIO()
        call_command("load_demo", stdout=out)
        return out.getvalue()


WRITERS = [TextFile, NdjsonFile, FeedFile, FetchedFeed, AdminUpload, DemoLoad]


@pytest.fixture(params=WRITERS, ids=lambda writer: writer.__name__)
def writer(request, tmp_path, monkeypatch, admin_client):
    return request.param(tmp_path, monkeypatch=monkeypatch, admin_client=admin_client)


def edit_as_an_editor(article: Article) -> None:
    """What an editor does in the admin: translate every block, review the title, rewrite
    one Vietnamese paragraph, and take the article down."""
    now = timezone.now()
    article.lead_en = "Hanoi and Tokyo sign a two-billion-dollar clean energy deal."
    article.title_vi = EDITORS_TITLE
    article.needs_review = False
    article.status = Article.Status.DRAFT
    stamp_changed_texts(article, ["lead_en"], now)
    article.save()
    for paragraph in article.paragraphs.all():
        paragraph.text_en = f"English of paragraph {paragraph.position}."
        changed = ["text_en"]
        if paragraph.position == 3:
            paragraph.text_vi = EDITORS_VIETNAMESE
            changed.append("text_vi")
        stamp_changed_texts(paragraph, changed, now)
        paragraph.save()


@pytest.mark.django_db
def test_a_corrected_source_comes_in_again_without_undoing_the_editors_work(writer, client):
    writer.bring(story(PARAGRAPHS, with_author=True))
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED
    edit_as_an_editor(article)

    corrected = [PARAGRAPHS[0], CORRECTED, PARAGRAPHS[2]]
    report = writer.bring(story(corrected, with_author=False))

    assert "updated" in report
    article = Article.objects.get()
    paragraphs = list(article.paragraphs.all())
    assert [p.text_vi for p in paragraphs] == [PARAGRAPHS[0], CORRECTED, EDITORS_VIETNAMESE]
    assert [p.text_en for p in paragraphs] == [f"English of paragraph {n}." for n in (1, 2, 3)]
    assert [p.vi_changed_at > p.en_changed_at for p in paragraphs] == [False, True, False]
    assert article.translation == Article.Translation.STALE
    assert article.lead_en == "Hanoi and Tokyo sign a two-billion-dollar clean energy deal."
    assert article.title_vi == EDITORS_TITLE
    assert article.author == AUTHOR  # the source no longer gives it: kept
    assert article.status == Article.Status.DRAFT  # the takedown holds
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_the_same_source_again_changes_nothing(writer):
    writer.bring(story(PARAGRAPHS, with_author=True))
    article = Article.objects.get()
    edit_as_an_editor(article)
    version = Article.objects.get().version

    report = writer.bring(story(PARAGRAPHS, with_author=True))

    assert "unchanged" in report
    article = Article.objects.get()
    assert article.version == version
    assert article.status == Article.Status.DRAFT
    assert article.paragraphs.get(position=3).text_vi == EDITORS_VIETNAMESE
