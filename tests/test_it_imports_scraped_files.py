import unicodedata
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Paragraph, Source

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "000_c7c1a47f91e5f97c.txt"

VIETNAMESE = """Hà Nội và Tokyo sẽ mở rộng hợp tác về năng lượng sạch, hai bên cho biết hôm thứ Hai.

a1b2c3d4e5f6 99887766
Các đại biểu tại hội nghị (Ảnh: AFP)

Thỏa thuận bao gồm các dự án điện gió ngoài khơi.

Hai nước cũng sẽ trao đổi chuyên gia trong năm tới.

Thu Hà (Theo AFP)

Xem thêm:
"""

ENGLISH = """Hanoi and Tokyo will expand clean-energy cooperation, both sides said on Monday.

Delegates at the conference (Photo: AFP)

The agreement covers offshore wind projects.

The two countries will also exchange experts next year.

Thu Ha (According to AFP)
"""


def write_article(folder: Path, name: str, vietnamese: str, english: str | None = None) -> Path:
    path = folder / f"{name}.txt"
    path.write_text(vietnamese, encoding="utf-8")
    if english is not None:
        (folder / f"{name}.en.txt").write_text(english, encoding="utf-8")
    return path


def run_import(*paths, **options) -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("import_articles", *map(str, paths), stdout=out, stderr=StringIO(), **options)
    except CommandError as error:
        return out.getvalue(), error.returncode
    return out.getvalue(), 0


def database_snapshot() -> list:
    return [
        list(Article.objects.order_by("pk").values()),
        list(Paragraph.objects.order_by("pk").values()),
        list(Source.objects.order_by("pk").values()),
    ]


@pytest.mark.django_db
def test_an_imported_file_becomes_a_draft_with_its_translation_aligned(tmp_path):
    output, code = run_import(write_article(tmp_path, "energy", VIETNAMESE, ENGLISH))

    article = Article.objects.get()
    assert code == 0
    assert f"created {article.get_absolute_url()}" in output
    assert article.status == Article.Status.DRAFT
    assert article.needs_review
    assert article.lead_vi.startswith("Hà Nội và Tokyo")
    assert article.lead_en.startswith("Hanoi and Tokyo")
    assert [(p.text_vi, p.text_en) for p in article.paragraphs.all()] == [
        (
            "Thỏa thuận bao gồm các dự án điện gió ngoài khơi.",
            "The agreement covers offshore wind projects.",
        ),
        (
            "Hai nước cũng sẽ trao đổi chuyên gia trong năm tới.",
            "The two countries will also exchange experts next year.",
        ),
    ]
    assert (article.caption_vi, article.caption_en, article.credit) == (
        "Các đại biểu tại hội nghị",
        "Delegates at the conference",
        "AFP",
    )
    assert (article.author, article.source.name) == ("Thu Hà", "AFP")


@pytest.mark.django_db
def test_the_shared_sample_imports_cleanly():
    if not SAMPLE.exists():
        pytest.skip(f"{SAMPLE} is not present")
    _, code = run_import(SAMPLE)

    article = Article.objects.get()
    assert code == 0
    assert article.title_vi == "Mỹ và Nhật Bản sẽ ký một thỏa thuận hợp tác quốc phòng mới"
    assert article.slug == "my-va-nhat-ban-se-ky-mot-thoa-thuan-hop-tac-quoc-phong-moi"
    assert article.caption_vi == "Hợp tác Mỹ – Nhật"
    assert article.credit == "White House Photo, D. Myles Cullen"
    assert (article.author, article.source.name) == ("Minh Ngọc", "Reuters")
    texts = [p.text_vi for p in article.paragraphs.all()]
    assert len(texts) == 10
    assert not any("39447380014" in text or "Xem thêm" in text for text in texts)
    assert not article.has_translation


@pytest.mark.django_db
def test_reimporting_an_unchanged_file_changes_nothing(tmp_path):
    path = write_article(tmp_path, "energy", VIETNAMESE, ENGLISH)
    run_import(path)
    before = database_snapshot()

    output, code = run_import(path)

    assert code == 0
    assert f"{path}: unchanged" in output
    assert database_snapshot() == before


@pytest.mark.django_db
def test_a_changed_file_updates_its_article_in_place(tmp_path):
    path = write_article(tmp_path, "energy", VIETNAMESE, ENGLISH)
    run_import(path)
    slug = Article.objects.get().slug

    write_article(
        tmp_path,
        "energy",
        VIETNAMESE.replace("trong năm tới", "từ tháng Ba"),
        ENGLISH.replace("next year", "from March"),
    )
    output, _ = run_import(path)

    article = Article.objects.get()
    assert f"updated /articles/{slug}/" in output
    assert article.paragraphs.last().text_en.endswith("from March.")


@pytest.mark.django_db
def test_a_title_an_editor_reviewed_survives_a_reimport(tmp_path):
    path = write_article(tmp_path, "energy", VIETNAMESE)
    run_import(path)
    Article.objects.update(title_vi="Việt Nam – Nhật Bản hợp tác năng lượng", needs_review=False)

    write_article(tmp_path, "energy", VIETNAMESE.replace("điện gió", "điện mặt trời"))
    run_import(path)

    article = Article.objects.get()
    assert article.title_vi == "Việt Nam – Nhật Bản hợp tác năng lượng"
    assert "điện mặt trời" in article.paragraphs.first().text_vi


@pytest.mark.django_db
def test_publish_flag_publishes_at_once(tmp_path):
    run_import(write_article(tmp_path, "energy", VIETNAMESE), publish=True)

    assert Article.objects.published().count() == 1


@pytest.mark.django_db
def test_bom_crlf_and_decomposed_text_are_accepted_and_stored_as_nfc(tmp_path):
    messy = "\ufeff" + unicodedata.normalize("NFD", VIETNAMESE).replace("\n", "\r\n")
    path = tmp_path / "messy.txt"
    path.write_bytes(messy.encode("utf-8"))

    _, code = run_import(path)

    article = Article.objects.get()
    assert code == 0
    assert (
        article.lead_vi
        == "Hà Nội và Tokyo sẽ mở rộng hợp tác về năng lượng sạch, hai bên cho biết hôm thứ Hai."
    )
    assert unicodedata.is_normalized("NFC", article.title_vi)


BAD_FILES = {
    "empty": (b"", "empty"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    "latin1": ("Thông tin mới từ Hà Nội.".encode("cp1258", errors="replace"), "UTF-8"),
    "oversize": (("Một đoạn văn dài. " * 200_000).encode(), "limit"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_file_is_refused_in_one_line_and_the_rest_still_import(tmp_path, kind):
    existing = write_article(tmp_path, "existing", VIETNAMESE, ENGLISH)
    run_import(existing)
    before = database_snapshot()
    content, reason = BAD_FILES[kind]
    bad = tmp_path / f"{kind}.txt"
    bad.write_bytes(content)
    good = write_article(tmp_path, "good", VIETNAMESE.replace("Tokyo", "Seoul"))

    output, code = run_import(bad, existing, good)

    refusal = [line for line in output.splitlines() if line.startswith(str(bad))]
    assert code == 1
    assert len(refusal) == 1
    assert "refused" in refusal[0]
    assert reason in refusal[0]
    assert Article.objects.count() == 2
    assert database_snapshot()[0][0] == before[0][0]


@pytest.mark.django_db
def test_a_translation_with_a_different_paragraph_count_is_refused_and_nothing_changes(tmp_path):
    path = write_article(tmp_path, "energy", VIETNAMESE, ENGLISH)
    run_import(path)
    before = database_snapshot()
    (tmp_path / "energy.en.txt").write_text(
        ENGLISH.replace("The agreement covers offshore wind projects.\n\n", ""), encoding="utf-8"
    )
    write_article(tmp_path, "energy", VIETNAMESE.replace("điện gió", "điện hạt nhân"))

    output, code = run_import(path)

    assert code == 1
    assert "translation energy.en.txt has 2 paragraphs, the original has 3" in output
    assert database_snapshot() == before


@pytest.mark.django_db
def test_a_missing_file_is_refused_by_name(tmp_path):
    output, code = run_import(tmp_path / "nowhere.txt")

    assert code == 1
    assert f"{tmp_path / 'nowhere.txt'}: refused: no such file" in output


@pytest.mark.django_db
def test_a_folder_imports_its_articles_with_their_translations_and_a_summary(tmp_path):
    write_article(tmp_path, "one", VIETNAMESE, ENGLISH)
    write_article(tmp_path, "two", VIETNAMESE.replace("Tokyo", "Seoul"))

    output, code = run_import(tmp_path)

    assert code == 0
    assert Article.objects.count() == 2
    assert output.splitlines()[-1] == "2 file(s): 2 created."
