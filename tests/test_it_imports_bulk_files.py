"""`import_articles` with NDJSON files (one article a line) and saved RSS or Atom feeds."""

import json
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Source
from articles.search.query import parse_query
from ingest.ndjson import parse_line
from ingest.parsing import ParseError
from tests.factories import EntityFactory, SourceFactory, TagFactory
from tests.test_it_imports_scraped_files import database_snapshot, run_import

ENERGY = {
    "id": "vnx-1",
    "title_vi": "Hà Nội và Tokyo mở rộng hợp tác năng lượng sạch",
    "lead_vi": "Hà Nội và Tokyo sẽ mở rộng hợp tác về năng lượng sạch.",
    "paragraphs_vi": [
        "Thỏa thuận bao gồm các dự án điện gió ngoài khơi.",
        "Hai nước cũng sẽ trao đổi chuyên gia trong năm tới.",
    ],
    "title_en": "Hanoi and Tokyo expand clean-energy cooperation",
    "lead_en": "Hanoi and Tokyo will expand clean-energy cooperation.",
    "paragraphs_en": [
        "The agreement covers offshore wind projects.",
        "The two countries will also exchange experts next year.",
    ],
    "source": "AFP",
    "source_url": "https://afp.example/energy",
    "published_at": "2025-01-06T10:00:00+07:00",
    "author": "Thu Hà",
    "caption_vi": "Các đại biểu tại hội nghị",
    "credit": "AFP",
    "tags": ["Năng lượng", "Điện gió"],
}
MARKETS = {
    "lead_vi": "Chứng khoán châu Á tăng điểm trong phiên sáng nay.",
    "paragraphs_vi": ["Chỉ số Nikkei tăng 1,2%."],
}


def write_ndjson(folder: Path, *lines, name="bulk.ndjson") -> Path:
    path = folder / name
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n",
        encoding="utf-8",
    )
    return path


# --- NDJSON -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_good_lines_import_and_bad_lines_are_refused_by_line_number(tmp_path):
    energy_tag = TagFactory(name_vi="Năng lượng", name_en="Energy")
    japan = EntityFactory(name_vi="Tokyo", name_en="Tokyo")
    path = write_ndjson(
        tmp_path,
        ENERGY,
        '{"id": "broken", "lead_vi": "Thiếu ngoặc',
        MARKETS,
        "",
        {"id": "empty", "title_vi": "Chỉ có tiêu đề"},
        {**ENERGY, "id": "uneven", "paragraphs_en": ["Only one paragraph."]},
        {"id": "typed", "lead_vi": ["không phải chuỗi"]},
        {"id": "typo", "lead_vi": "Một tin.", "titel_vi": "Lỗi chính tả"},
        "[1, 2, 3]",
    )

    output, code = run_import(path)

    assert code == 1
    assert Article.objects.count() == 2
    for line, reason in [
        (2, "refused: not valid JSON"),
        (5, "refused: no Vietnamese text"),
        (6, "refused: the English has 2 paragraphs (the lead included), the Vietnamese has 3"),
        (7, "refused: lead_vi must be a string"),
        (8, "refused: unknown field(s) 'titel_vi'"),
        (9, "refused: not a JSON object"),
    ]:
        assert f"{path}:{line}: {reason}" in output
    article = Article.objects.get(import_ref="ndjson:vnx-1")
    assert f"{path}:1: created {article.get_absolute_url()}" in output
    assert f"{path}:3: created" in output
    assert output.splitlines()[-1] == "8 article(s): 2 created, 6 refused."
    assert article.title_vi == "Hà Nội và Tokyo mở rộng hợp tác năng lượng sạch"
    assert article.title_en == "Hanoi and Tokyo expand clean-energy cooperation"
    assert [(p.text_vi, p.text_en) for p in article.paragraphs.all()] == list(
        zip(ENERGY["paragraphs_vi"], ENERGY["paragraphs_en"], strict=True)
    )
    assert article.translation == Article.Translation.COMPLETE
    assert (article.source.name, article.source_url, article.author) == (
        "AFP",
        "https://afp.example/energy",
        "Thu Hà",
    )
    assert (article.caption_vi, article.credit) == ("Các đại biểu tại hội nghị", "AFP")
    assert article.published_at.isoformat() == "2025-01-06T03:00:00+00:00"
    assert article.status == Article.Status.DRAFT
    assert list(article.tags.all()) == [energy_tag]
    assert article.suggested_tags == ["Điện gió"]
    assert japan.pk in article.entity_ids


@pytest.mark.django_db
def test_reimporting_an_unchanged_file_changes_nothing(tmp_path):
    path = write_ndjson(tmp_path, ENERGY, MARKETS)
    run_import(path)
    before = database_snapshot()

    output, code = run_import(path)

    assert code == 0
    assert f"{path}:1: unchanged" in output
    assert f"{path}:2: unchanged" in output
    assert database_snapshot() == before


@pytest.mark.django_db
def test_a_changed_line_updates_its_article_in_place(tmp_path):
    path = write_ndjson(tmp_path, ENERGY)
    run_import(path)
    article = Article.objects.get()

    changed = {**ENERGY, "paragraphs_vi": [ENERGY["paragraphs_vi"][0], "Hai nước ký kết."]}
    changed["paragraphs_en"] = [ENERGY["paragraphs_en"][0], "The two countries signed."]
    write_ndjson(tmp_path, changed)
    output, _ = run_import(path)

    article.refresh_from_db()
    assert f"{path}:1: updated {article.get_absolute_url()}" in output
    assert Article.objects.count() == 1
    assert article.paragraphs.last().text_vi == "Hai nước ký kết."
    assert article.paragraphs.last().text_en == "The two countries signed."
    assert article.translation == Article.Translation.COMPLETE


ARTICLE_UPDATE = re.compile(r'\bUPDATE\s+"?articles_article"?\s', re.IGNORECASE)


def _stories(count: int, name: str) -> list[dict]:
    return [
        {
            **ENERGY,
            "id": f"{name}-{number}",
            "title_vi": f"Thỏa thuận năng lượng {name} {number}",
            "source_url": f"https://afp.example/{name}/{number}",
            "lead_vi": f"Hà Nội và Tokyo ký thỏa thuận số {name} {number} về năng lượng sạch.",
        }
        for number in range(count)
    ]


@pytest.mark.django_db
def test_a_batch_of_new_articles_costs_as_many_queries_whatever_its_size(tmp_path):
    TagFactory(name_vi="Năng lượng", name_en="Energy")
    EntityFactory(name_vi="Tokyo", name_en="Tokyo")
    run_import(write_ndjson(tmp_path, *_stories(1, "warm"), name="warm.ndjson"))
    queries = {}
    for count in (3, 40):
        path = write_ndjson(tmp_path, *_stories(count, f"n{count}"), name=f"{count}.ndjson")
        with CaptureQueriesContext(connection) as captured:
            output, code = run_import(path)
        assert code == 0 and output.count(": created") == count
        queries[count] = [query["sql"] for query in captured.captured_queries]

    assert len(queries[40]) == len(queries[3])
    # Each article is inserted with its search text, ids and vectors right: never updated.
    assert not [sql for sql in queries[40] if ARTICLE_UPDATE.search(sql)]
    article = Article.objects.get(import_ref="ndjson:n40-39")
    assert article.entity_ids and article.tag_ids and article.body_vi
    assert Article.objects.search(parse_query("thoa thuan so n40 39")).get() == article


@pytest.mark.django_db
def test_a_line_without_an_id_is_known_again_by_its_text(tmp_path):
    path = write_ndjson(tmp_path, MARKETS)
    run_import(path)
    original = Article.objects.get()

    output, _ = run_import(path)
    again = write_ndjson(tmp_path, {**MARKETS, "id": "other-id"}, name="again.jsonl")
    again_output, code = run_import(again)

    assert f"{path}:1: unchanged" in output
    assert code == 0
    assert f"{again}:1: skipped: the same text as {original.get_absolute_url()}" in again_output
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_publish_flag_publishes_bulk_articles_at_once(tmp_path):
    run_import(write_ndjson(tmp_path, ENERGY, MARKETS), publish=True)

    assert Article.objects.published().count() == 2


@pytest.mark.django_db
def test_a_folder_imports_its_ndjson_and_feed_files_too(tmp_path):
    write_ndjson(tmp_path, ENERGY)
    (tmp_path / "saved.rss").write_text(RSS, encoding="utf-8")

    output, code = run_import(tmp_path)

    assert code == 0
    assert Article.objects.count() == 3
    assert output.splitlines()[-1] == "3 article(s): 3 created."


def test_a_line_parses_into_an_article_without_a_database():
    article = parse_line(json.dumps({**MARKETS, "title_en": "Asian stocks rise"}))

    assert article.vietnamese.title == "Chứng khoán châu Á tăng điểm trong phiên sáng nay"
    assert article.vietnamese.paragraphs == ("Chỉ số Nikkei tăng 1,2%.",)
    assert article.english.title == "Asian stocks rise"
    assert article.ref.startswith("ndjson:")
    with pytest.raises(ParseError, match="source_url must be an http"):
        parse_line(json.dumps({**MARKETS, "source_url": "javascript:alert(1)"}))


# --- Saved feeds ------------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Báo Mẫu</title><link>https://bao.example/</link><language>vi</language>
<item><title>Giá xăng giảm mạnh</title><guid>https://bao.example/xang</guid>
<link>https://bao.example/xang</link><pubDate>Mon, 06 Jan 2025 03:00:00 +0000</pubDate>
<description>&lt;p&gt;Giá xăng giảm mạnh từ chiều nay.&lt;/p&gt;
&lt;p&gt;Đây là lần giảm thứ ba.&lt;/p&gt;</description>
</item>
<item><title>Mưa lớn ở miền Trung</title><guid>https://bao.example/mua</guid>
<link>https://bao.example/mua</link>
<description>Mưa lớn kéo dài ở các tỉnh miền Trung.</description></item>
</channel></rss>
"""


@pytest.mark.django_db
def test_a_saved_feed_imports_its_items_as_drafts_once(tmp_path):
    path = tmp_path / "bao-mau.xml"
    path.write_text(RSS, encoding="utf-8")

    output, code = run_import(path)
    again, _ = run_import(path)

    article = Article.objects.get(title_vi="Giá xăng giảm mạnh")
    assert code == 0
    assert f"{path}: https://bao.example/xang: created {article.get_absolute_url()}" in output
    assert again.splitlines()[-1] == "2 article(s): 2 unchanged."
    assert [p.text_vi for p in article.paragraphs.all()] == ["Đây là lần giảm thứ ba."]
    assert article.status == Article.Status.DRAFT
    assert (article.source.name, article.source.url) == ("Báo Mẫu", "https://bao.example/")


@pytest.mark.django_db
def test_a_saved_copy_of_a_registered_sources_feed_is_known_as_that_source(tmp_path):
    source = SourceFactory(name="Báo Điện Tử", url="https://bao.example/", language="vi")
    path = tmp_path / "copy.rss"
    path.write_text(RSS, encoding="utf-8")

    run_import(path)

    assert Article.objects.filter(source=source).count() == 2
    assert Source.objects.count() == 1


@pytest.mark.django_db
def test_a_saved_file_that_is_not_a_feed_is_refused_in_one_line(tmp_path):
    path = tmp_path / "page.xml"
    path.write_text("<html><body>Không phải RSS</body></html>", encoding="utf-8")

    output, code = run_import(path)

    assert code == 1
    assert f"{path}: refused: not an RSS or Atom feed" in output
    assert not Article.objects.exists()
