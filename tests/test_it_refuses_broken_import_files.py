"""`import_articles` (and the admin's import form) tried on a matrix of broken files: each one
is refused in a single line that names it (and the NDJSON line) and says why, and the
database stays exactly as it was.

Not repeated here, for the other import tests show them: an empty, binary (PNG),
Windows-1258, oversized or missing .txt file and a translation that does not line up
(test_it_imports_scraped_files); NDJSON lines of broken JSON, of a list for a text, of a JSON
array, with an unknown field or without Vietnamese text, each refused among good lines that
still import (test_it_imports_bulk_files); an HTML page saved as .xml (ditto).
"""

import html
import re
import resource
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from articles.models import Article
from ingest.files import translation_path
from tests.factories import ArticleFactory
from tests.test_it_imports_from_admin import import_files, upload
from tests.test_it_imports_scraped_files import VIETNAMESE, run_import

BULK_SUFFIXES = (".ndjson", ".jsonl", ".xml", ".rss", ".atom")


def endless(path: Path) -> None:
    """A file of 16 GB, as good as endless (sparse: it takes no room on disk). A link to
    /dev/zero is refused unread: tests/security/test_importer_reads_only_regular_files_inside."""
    with path.open("wb") as file:
        file.truncate(1 << 34)


def with_a_folder_for_its_translation(path: Path) -> None:
    path.write_text(VIETNAMESE, encoding="utf-8")
    translation_path(path).mkdir()


@dataclass(frozen=True)
class Broken:
    name: str
    content: bytes | str | Callable[[Path], None]
    reason: str
    line: int | None = None  # the NDJSON line refused; None when it is the whole file

    def write(self, folder: Path) -> Path:
        path = folder / self.name
        if callable(self.content):
            self.content(path)
        else:
            data = self.content.encode() if isinstance(self.content, str) else self.content
            path.write_bytes(data)
        return path

    def refusal(self, name: Path | str) -> str:
        where = f"{name}:{self.line}" if self.line else str(name)
        return f"{where}: refused: {self.reason}"

    @property
    def uploadable(self) -> bool:
        return self.name.endswith(".txt") and not callable(self.content)


NOISE = {
    "byline": "Minh Ngọc (Theo Reuters)",
    "caption": "Hợp tác Mỹ – Nhật (Ảnh: White House Photo, D. Myles Cullen)",
    "ids": "39447380014 aa3929ca2c k",
    "see more": "Xem thêm:",
}
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
PETROL = "Giá xăng giảm mạnh từ chiều nay."


def ndjson_line(text: str) -> str:
    return text + "\n"


def rss(*items: str, doctype: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{doctype}<rss version="2.0"><channel>'
        "<title>Báo Mẫu</title><link>https://bao.example/</link>"
        f"{''.join(items)}</channel></rss>\n"
    )


# lol9 is ten lol8s, each ten lol7s…: a billion "lol"s in 1 KB.
LAUGHS = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
BILLION_LAUGHS = rss(
    "<item><title>&lol9;</title><description>&lol9;</description></item>",
    doctype=f'<!DOCTYPE rss [<!ENTITY lol0 "lol">{LAUGHS}]>\n',
)
EXTERNAL_ENTITY = rss(
    "<item><title>Bí mật</title><description>&secret;</description></item>",
    doctype='<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n',
)
NOT_A_FEED = "not an RSS or Atom feed"
ENTITY_EXPANSION = "declares XML entities or a DTD of its own; not read"

MATRIX = [
    # Scraped text files (.txt)
    pytest.param(
        Broken("blank.txt", " \n\t\r\n\u00a0\u3000\n", "empty file"), id="whitespace only"
    ),
    pytest.param(
        Broken("byline.txt", NOISE["byline"], "no article text found, only a byline"),
        id="only the byline",
    ),
    pytest.param(
        Broken("caption.txt", NOISE["caption"], "no article text found"), id="only a caption"
    ),
    pytest.param(
        Broken("ids.txt", NOISE["ids"], "no article text found"), id="only a stray id line"
    ),
    pytest.param(
        Broken("see-more.txt", NOISE["see more"] + "\n", "no article text found"),
        id="only an empty see-more block",
    ),
    pytest.param(
        Broken(
            "noise.txt",
            "\n\n".join(NOISE[kind] for kind in ("ids", "caption", "byline", "see more")),
            "no article text found, only a byline",
        ),
        id="the sample's noise without its text",
    ),
    pytest.param(
        Broken("nul.txt", VIETNAMESE.replace("Tokyo", "Tokyo\x00"), "binary file, not text"),
        id="NUL bytes in text",
    ),
    pytest.param(
        Broken("utf16.txt", VIETNAMESE.encode("utf-16"), "not UTF-8 text"), id="UTF-16 with BOM"
    ),
    pytest.param(Broken("endless.txt", endless, "larger than the 2 MB limit"), id="endless"),
    pytest.param(
        Broken(
            "energy.txt",
            with_a_folder_for_its_translation,
            "energy.en.txt: cannot be read (Is a directory)",
        ),
        id="translation is a folder",
    ),
    # NDJSON (.ndjson, .jsonl)
    pytest.param(Broken("empty.ndjson", "", "empty file"), id="ndjson empty"),
    pytest.param(
        Broken(
            "truncated.ndjson",
            '{"id": "vnx-9", "lead_vi": "Giá xăng giảm',
            "not valid JSON (Unterminated string starting at column 28)",
            line=1,
        ),
        id="ndjson truncated last line",
    ),
    pytest.param(
        Broken(
            "number.jsonl",
            ndjson_line(f'{{"lead_vi": "{PETROL}", "title_vi": 2024}}'),
            "title_vi must be a string",
            line=1,
        ),
        id="ndjson number for a text",
    ),
    pytest.param(
        Broken(
            "text-for-list.ndjson",
            ndjson_line(f'{{"lead_vi": "{PETROL}", "paragraphs_vi": "Lần giảm thứ ba."}}'),
            "paragraphs_vi must be a list of strings",
            line=1,
        ),
        id="ndjson text for a list",
    ),
    pytest.param(
        Broken(
            "english-only.ndjson",
            ndjson_line('{"id": "en-1", "lead_en": "Petrol prices fell sharply."}'),
            "no Vietnamese text: lead_vi and paragraphs_vi are empty",
            line=1,
        ),
        id="ndjson without the required Vietnamese",
    ),
    pytest.param(
        Broken(
            "long-line.ndjson",
            ndjson_line(f'{{"lead_vi": "{"Giá xăng giảm. " * 120_000}"}}'),
            "longer than the 2,097,152-byte limit",
            line=1,
        ),
        id="ndjson line over the size limit",
    ),
    pytest.param(
        Broken(
            "cp1258.ndjson",
            ndjson_line('{"lead_vi": "Thông tin mới từ Hà Nội."}').encode("cp1258", "replace"),
            "not UTF-8 text",
            line=1,
        ),
        id="ndjson legacy encoding",
    ),
    pytest.param(
        Broken(
            "utf16.ndjson",
            ndjson_line(f'{{"lead_vi": "{PETROL}"}}').encode("utf-16"),
            "not UTF-8 text",
        ),
        id="ndjson UTF-16 with BOM",
    ),
    pytest.param(Broken("png.jsonl", PNG, "binary file, not text"), id="ndjson binary"),
    pytest.param(
        Broken(
            "nul.ndjson",
            ndjson_line('{"lead_vi": "Giá xăng\\u0000 giảm."}'),
            "lead_vi holds control characters",
            line=1,
        ),
        id="ndjson escaped NUL",
    ),
    pytest.param(
        Broken(
            "surrogate.ndjson",
            ndjson_line('{"lead_vi": "Giá xăng giảm \\ud83d mạnh."}'),
            "lead_vi holds half a character (a \\u escape without its pair)",
            line=1,
        ),
        id="ndjson lone surrogate",
    ),
    pytest.param(
        Broken(
            "huge-number.ndjson",
            ndjson_line(f'{{"id": 1{"0" * 5000}, "lead_vi": "{PETROL}"}}'),
            "not valid JSON (a number with too many digits)",
            line=1,
        ),
        id="ndjson number of 5000 digits",
    ),
    # Saved feeds (.xml, .rss, .atom)
    pytest.param(Broken("empty.rss", "", NOT_A_FEED), id="feed empty"),
    pytest.param(
        Broken("cut.xml", rss()[:120], f"{NOT_A_FEED} (unclosed token)"), id="feed malformed XML"
    ),
    pytest.param(
        Broken("png.atom", PNG, f"{NOT_A_FEED} (not well-formed (invalid token))"), id="feed binary"
    ),
    pytest.param(Broken("no-items.xml", rss(), "no items"), id="feed with no items"),
    pytest.param(
        Broken(
            "empty-item.rss",
            rss("<item><guid>https://bao.example/1</guid></item>"),
            "none of its items has a title or text",
        ),
        id="feed with an empty item",
    ),
    pytest.param(Broken("laughs.xml", BILLION_LAUGHS, ENTITY_EXPANSION), id="feed billion laughs"),
    pytest.param(
        Broken("secret.xml", EXTERNAL_ENTITY, ENTITY_EXPANSION), id="feed external entity"
    ),
    pytest.param(
        Broken("endless.xml", endless, "larger than the 2,097,152-byte limit"), id="feed endless"
    ),
]


def snapshot_of_articles_tables() -> dict[str, tuple[int, str]]:
    """Each articles_* table's row count and a digest of all its rows."""
    tables = [
        name for name in connection.introspection.table_names() if name.startswith("articles_")
    ]
    snapshot = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                "SELECT count(*), md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), ''))"
                f" FROM {connection.ops.quote_name(table)} AS r"
            )
            snapshot[table] = cursor.fetchone()
    return snapshot


@contextmanager
def memory_capped(headroom: int = 1 << 30):
    """A runaway read fails with MemoryError, rather than exhausting the machine's memory."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:  # not Linux: no cap
        yield
        return
    in_use = int(re.search(r"VmSize:\s+(\d+) kB", status)[1]) * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (in_use + headroom, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@pytest.fixture
def existing_article(db):
    """Imported from an energy.txt: a broken energy.txt saved in part would update it."""
    ArticleFactory(import_ref="energy", import_digest="0" * 64)


@pytest.mark.django_db
@pytest.mark.parametrize("broken", MATRIX)
def test_the_command_refuses_a_broken_file_in_one_line_and_saves_nothing(
    tmp_path, existing_article, broken
):
    path = broken.write(tmp_path)
    before = snapshot_of_articles_tables()

    with memory_capped():
        output, code = run_import(path)

    *report, summary = output.splitlines()
    assert code == 1
    assert report == [broken.refusal(path)]
    noun = "article(s)" if path.suffix in BULK_SUFFIXES else "file(s)"
    assert summary == f"1 {noun}: 1 refused."
    assert snapshot_of_articles_tables() == before


REPORT_LINE = re.compile(r'<li class="import-(\w+)">(.*?)</li>', re.DOTALL)


@pytest.mark.django_db
@pytest.mark.usefixtures("english_site")
@pytest.mark.parametrize("broken", [case for case in MATRIX if case.values[0].uploadable])
def test_the_admin_refuses_a_broken_upload_in_one_line_and_saves_nothing(
    tmp_path, admin_client, existing_article, broken
):
    data = broken.write(tmp_path).read_bytes()
    before = snapshot_of_articles_tables()

    page = import_files(admin_client, upload(broken.name, data))

    report = [(status, html.unescape(line)) for status, line in REPORT_LINE.findall(page)]
    assert report == [("refused", broken.refusal(broken.name))]
    assert snapshot_of_articles_tables() == before


@pytest.mark.django_db
def test_a_broken_file_does_not_spoil_the_good_ones_beside_it(tmp_path):
    existing = ArticleFactory()
    unchanged = Article.objects.filter(pk=existing.pk).values().get()
    (tmp_path / "laughs.xml").write_text(BILLION_LAUGHS, encoding="utf-8")
    good = tmp_path / "energy.txt"
    good.write_text(VIETNAMESE, encoding="utf-8")

    output, code = run_import(tmp_path)

    imported = Article.objects.get(import_ref="energy")
    assert code == 1
    assert f"{good}: created {imported.get_absolute_url()}" in output
    assert f"{tmp_path / 'laughs.xml'}: refused: {ENTITY_EXPANSION}" in output
    assert output.splitlines()[-1] == "2 article(s): 1 created, 1 refused."
    assert Article.objects.count() == 2
    assert Article.objects.filter(pk=existing.pk).values().get() == unchanged
