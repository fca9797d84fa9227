"""A feed that declares XML entities is refused before anything parses it, whatever its
encoding: one plain 10 KB entity used 10,000 times made 100 MB of text and took fetch_feeds
98 s and 1.2 GB. A huge item is refused before it is cleaned, and no stored text can grow
past its cap, whatever writes it."""

import codecs
import contextlib
import json
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from articles.models import TEXT_LIMIT, Article, Paragraph, Source
from ingest.feedxml import ITEM_TEXT_LIMIT, FeedError, parse_feed
from ingest.fetch import Download
from ingest.parsing import ParsedText
from ingest.saving import IncomingArticle, save
from tests.factories import ArticleFactory, SourceFactory

REFUSED = "declares XML entities or a DTD of its own; not read"
SECONDS = 5  # the attack took 98


def rss(items: str, *, prolog: str = "", declaration: str = "utf-8") -> str:
    xml_declaration = f'<?xml version="1.0" encoding="{declaration}"?>\n' if declaration else ""
    return (
        f'{xml_declaration}{prolog}<rss version="2.0"><channel><title>Báo Độc</title>'
        f"<link>https://doc.example/</link>{items}</channel></rss>"
    )


def item(guid: str, title: str, text: str) -> str:
    return (
        f"<item><title>{title}</title><guid>{guid}</guid><description>{text}</description></item>"
    )


# The attack as reported: 40 KB that a parser expands to 100 MB.
ENTITY = "lol " * 2560  # 10 KB
PROLOG = f'<!DOCTYPE rss [<!ENTITY e "{ENTITY}">]>\n'
ATTACK = rss(item("doc-1", "Tin độc", "&e;" * 10_000), prolog=PROLOG)


@pytest.fixture
def served(monkeypatch):
    """What the feed's server answers, as fetch_feeds downloads it."""
    answer = {"body": b"", "content_type": "application/rss+xml; charset=utf-8"}

    def download(url, **_):
        return Download(status=200, body=answer["body"], content_type=answer["content_type"])

    monkeypatch.setattr("ingest.sources.fetch", download)
    return answer


def fetch_feeds() -> tuple[str, float]:
    out, started = StringIO(), time.monotonic()
    try:
        call_command("fetch_feeds", stdout=out, stderr=StringIO())
    except CommandError as error:
        out.write(str(error))
    return out.getvalue(), time.monotonic() - started


def import_articles(path) -> tuple[str, float]:
    out, started = StringIO(), time.monotonic()
    with contextlib.suppress(CommandError):  # it exits with 1 when it refused something
        call_command("import_articles", str(path), stdout=out, stderr=StringIO())
    return out.getvalue(), time.monotonic() - started


def nothing_stored() -> bool:
    return not (Article.objects.exists() or Paragraph.objects.exists() or Article.history.exists())


# --- The attack -------------------------------------------------------------------------------


def test_the_attack_is_the_one_reported():
    assert 40_000 < len(ATTACK.encode()) < 41_000
    assert len(ENTITY.encode()) == 10_240


@pytest.mark.django_db
def test_fetch_feeds_refuses_the_feed_fast_in_one_line_and_records_it(served):
    source = SourceFactory(name="Báo Độc", feed_url="https://doc.example/rss")
    served["body"] = ATTACK.encode()

    output, seconds = fetch_feeds()

    source.refresh_from_db()
    assert seconds < SECONDS
    assert output.splitlines()[0].startswith(f"Báo Độc: failed: {REFUSED} (next try at ")
    assert source.last_error == REFUSED
    assert source.failures == 1
    assert nothing_stored()


@pytest.mark.django_db
def test_import_articles_refuses_the_file_fast_in_one_line(tmp_path):
    path = tmp_path / "file.xml"
    path.write_text(ATTACK, encoding="utf-8")

    output, seconds = import_articles(path)

    assert seconds < SECONDS
    assert output.splitlines()[0] == f"{path}: refused: {REFUSED}"
    assert nothing_stored()
    assert not Source.objects.exists()


# --- In any encoding the parser may take ------------------------------------------------------


def encoded(text: str, codec: str, bom: bytes = b"") -> bytes:
    return bom + text.encode(codec, errors="xmlcharrefreplace")  # EBCDIC has no "ộ"


UTF7_ATTACK = (
    rss(item("doc-1", "Tin độc", "&e;" * 10_000), prolog=PROLOG, declaration="utf-7")
    .encode("utf-7")
    .replace(b"<!", b"+ADwAIQ-")  # "<!" written the long way: no "<!ENTITY" in the bytes
)


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        pytest.param(encoded(ATTACK, "utf-8", codecs.BOM_UTF8), "", id="UTF-8 with a BOM"),
        pytest.param(
            encoded(ATTACK.replace("utf-8", "utf-16"), "utf-16-le", codecs.BOM_UTF16_LE),
            "",
            id="UTF-16 LE with a BOM",
        ),
        pytest.param(
            encoded(ATTACK.replace("utf-8", "utf-16"), "utf-16-be"), "", id="UTF-16 BE, no BOM"
        ),
        pytest.param(
            encoded(ATTACK.replace("utf-8", "utf-32"), "utf-32-be", codecs.BOM_UTF32_BE),
            "",
            id="UTF-32 BE with a BOM",
        ),
        pytest.param(
            encoded(ATTACK.replace("utf-8", "utf-32"), "utf-32-le"), "", id="UTF-32 LE, no BOM"
        ),
        pytest.param(
            encoded(ATTACK.split("\n", 1)[1], "utf-16-le"),
            "application/rss+xml; charset=utf-16le",
            id="UTF-16 said only by the HTTP charset",
        ),
        pytest.param(UTF7_ATTACK, "", id="UTF-7, the declaration's choice"),
        pytest.param(
            encoded(ATTACK.replace("utf-8", "cp037"), "cp037"),
            "",
            id="EBCDIC",
        ),
    ],
)
def test_the_entity_is_found_in_every_encoding(data, content_type):
    started = time.monotonic()

    with pytest.raises(FeedError) as refusal:
        parse_feed(data, content_type=content_type)

    assert str(refusal.value) == REFUSED
    assert time.monotonic() - started < 1


@pytest.mark.django_db
def test_fetch_feeds_refuses_the_feed_in_utf16_too(served):
    source = SourceFactory(feed_url="https://doc.example/rss")
    served["body"] = encoded(ATTACK.replace("utf-8", "utf-16"), "utf-16-le", codecs.BOM_UTF16_LE)

    _output, seconds = fetch_feeds()

    source.refresh_from_db()
    assert seconds < SECONDS
    assert source.last_error == REFUSED
    assert nothing_stored()


@pytest.mark.parametrize(
    "prolog",
    [
        pytest.param("<!DOCTYPE rss [ ]>", id="an empty internal subset"),
        pytest.param(
            '<!DOCTYPE rss [<!ATTLIST rss version CDATA "2.0">]>', id="an attribute default"
        ),
        pytest.param('<!DOCTYPE rss SYSTEM "rss.dtd" [<!ELEMENT rss ANY>]>', id="an element"),
        pytest.param("<!DOCTYPE rss [%parameters;]>", id="a parameter entity reference"),
        pytest.param('<!doctype rss ">" [ ]>', id="lower case, a quoted >"),
        pytest.param('<!DOCTYPE rss [<!entity e "x">]>', id="lower-case entity"),
    ],
)
def test_an_internal_subset_without_an_entity_is_refused_too(prolog):
    with pytest.raises(FeedError, match=REFUSED):
        parse_feed(rss(item("a", "Tin", "Văn bản."), prolog=prolog + "\n").encode())


def test_an_entity_declared_after_the_root_is_refused_too():
    feed = rss(item("a", "Tin", "Văn bản.")).replace("<channel>", '<channel><!ENTITY e "x">')

    with pytest.raises(FeedError, match=REFUSED):
        parse_feed(feed.encode())


def test_a_doctype_that_only_names_its_dtd_is_still_read():
    netscape = (
        '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        '"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
    )

    parsed = parse_feed(rss(item("a", "Tin", "Văn bản &amp; ảnh."), prolog=netscape).encode())

    assert parsed.version == "rss091n"
    assert parsed.entries[0].summary == "Văn bản & ảnh."


# --- A huge item ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_item_of_5_mb_is_refused_fast_and_the_others_still_arrive(served, settings):
    settings.FEED_MAX_BYTES = 8 * 1024 * 1024
    huge = "<p>" + "Một đoạn văn rất dài. " * 240_000 + "</p>"  # 5 MB
    long_paragraph = "Một câu. " * 12_000  # 108,000 characters, no paragraph break
    served["body"] = rss(
        item("huge", "Bài khổng lồ", f"<![CDATA[{huge}]]>")
        + item("long", "Một đoạn quá dài", long_paragraph)
        + item("title", "Tít " * 250_000, "Bài có tít dài.")
        + item("fine", "Bài bình thường", "Nội dung bình thường.")
    ).encode()
    source = SourceFactory(name="Báo Lớn", feed_url="https://lon.example/rss")

    output, seconds = fetch_feeds()

    source.refresh_from_db()
    assert len(served["body"]) > 5_000_000
    assert seconds < 3 * SECONDS
    lines = output.splitlines()
    refused = [line for line in lines if ": refused: " in line]
    assert refused == [
        f"  Báo Lớn: huge: refused: its text is longer than {ITEM_TEXT_LIMIT:,} characters",
        f"  Báo Lớn: long: refused: a paragraph is longer than {TEXT_LIMIT:,} characters",
    ]
    titles = sorted(Article.objects.values_list("title_vi", flat=True), key=len)
    assert titles[0] == "Bài bình thường"
    assert titles[1].startswith("Tít Tít") and len(titles[1]) <= 300
    assert source.last_error == ""


# --- Stored text has a cap, whatever writes it ------------------------------------------------


def incoming(lead: str, paragraphs: tuple[str, ...] = ()) -> IncomingArticle:
    return IncomingArticle(
        ref="test:long",
        vietnamese=ParsedText(title="Bài dài", lead=lead, paragraphs=paragraphs),
        label="bai-dai",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "article",
    [
        pytest.param(incoming("Dài " * 25_001), id="a lead"),
        pytest.param(incoming("Mở đầu.", ("Dài " * 25_001,)), id="a paragraph"),
    ],
)
def test_saving_refuses_text_over_the_cap_in_one_line(article):
    (outcome,) = save([article])

    assert outcome.status == "refused"
    assert outcome.reason.startswith("could not be saved")
    assert "\n" not in outcome.reason
    assert nothing_stored()


@pytest.mark.django_db
def test_an_ndjson_line_over_the_cap_is_refused_in_one_line(tmp_path):
    path = tmp_path / "bulk.ndjson"
    line = {"id": "dai", "title_vi": "Bài dài", "lead_vi": "Dài " * 30_000}
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")

    output, _seconds = import_articles(path)

    assert output.splitlines()[0].startswith(f"{path}:1: refused: ")
    assert nothing_stored()


@pytest.mark.django_db
def test_the_database_refuses_text_over_the_cap():
    article = ArticleFactory()
    paragraph = Paragraph.objects.create(article=article, position=99, text_vi="Đoạn cuối.")
    over = "x" * (TEXT_LIMIT + 1)

    for model, pk, field in (
        (Article, article.pk, "lead_vi"),
        (Article, article.pk, "lead_en"),
        (Paragraph, paragraph.pk, "text_vi"),
        (Paragraph, paragraph.pk, "text_en"),
    ):
        with pytest.raises(IntegrityError, match=f"_{field}_length"), transaction.atomic():
            model.objects.filter(pk=pk).update(**{field: over})

    Article.objects.filter(pk=article.pk).update(lead_vi="x" * TEXT_LIMIT)  # the cap itself


@pytest.mark.django_db
def test_the_admin_refuses_a_lead_or_paragraph_over_the_cap(admin_client, english_site):
    over = "Dài " * 25_001
    data = {
        "title_vi": "Bài dài",
        "slug": "bai-dai",
        "lead_vi": over,
        "status": "draft",
        "paragraphs-TOTAL_FORMS": "1",
        "paragraphs-INITIAL_FORMS": "0",
        "paragraphs-0-text_vi": over,
    }

    response = admin_client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 200
    limit = f"at most {TEXT_LIMIT:,} characters".replace(",", "")
    assert limit in " ".join(response.context["adminform"].form.errors["lead_vi"])
    (paragraphs,) = response.context["inline_admin_formsets"]
    assert limit in " ".join(paragraphs.formset.forms[0].errors["text_vi"])
    assert not Article.objects.exists()
