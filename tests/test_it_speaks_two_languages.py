import re
from datetime import datetime
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import polib
import pytest
from django.conf import settings
from django.template import engines
from django.utils import translation
from django.utils.translation.template import templatize

from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    EntityFactory,
    TagFactory,
    TopicArticleFactory,
)

LOCALE = Path(settings.BASE_DIR) / "locale"
MESSAGE = re.compile(r"""_\((?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\)""")


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html)[1]


def switcher(html: str) -> dict[str, str]:
    """{language name: link} of the interface-language switcher."""
    nav = re.search(r'<nav class="languages".*?</nav>', html, re.S)[0]
    return {
        name: unescape(href)
        for href, name in re.findall(
            r'<a href="([^"]*)" hreflang="[^"]+" lang="[^"]+"[^>]*>([^<]+)</a>', nav
        )
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "lang", "strings"),
    [
        ("/", "vi", ["Tin mới nhất", "Chuyển đến nội dung chính", 'aria-label="Các chuyên mục"']),
        ("/en/", "en", ["Latest news", "Skip to content", 'aria-label="Sections"']),
        ("/search/", "vi", ["Tìm trong tiêu đề, nội dung và tên riêng"]),
        ("/en/search/", "en", ["Search titles, text and names in Vietnamese or English"]),
    ],
)
def test_the_interface_speaks_vietnamese_at_the_root_and_english_under_en(
    client, url, lang, strings
):
    html = client.get(url).content.decode()

    assert html_lang(html) == lang
    for string in strings:
        assert string in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "strings"),
    [
        ("", ['aria-label="Chế độ đọc"', "Song song", "Xen kẽ", "3 phút đọc", "Nguồn:"]),
        (
            "/en",
            ['aria-label="Reading mode"', "Side by side", "Interleaved", "3 min read", "Source:"],
        ),
    ],
)
def test_the_article_page_controls_speak_the_interface_language(client, prefix, strings):
    article = ArticleFactory(paragraphs=[(" ".join(["chữ"] * 500), "words")])

    html = client.get(prefix + article.get_absolute_url()).content.decode()

    for string in strings:
        assert string in html


@pytest.mark.django_db
def test_the_language_switcher_keeps_the_reader_on_the_same_page(client):
    article = ArticleFactory(slug="tuan-tra", title_vi="Tuần tra chung")

    vietnamese = client.get("/articles/tuan-tra/?view=interleaved").content.decode()
    links = switcher(vietnamese)
    english = client.get(links["English"])

    assert links == {
        "Tiếng Việt": "/articles/tuan-tra/?view=interleaved",
        "English": "/en/articles/tuan-tra/?view=interleaved",
    }
    assert english.status_code == 200
    assert html_lang(english.content.decode()) == "en"
    assert article.title_vi in english.content.decode()
    assert (
        switcher(english.content.decode())["Tiếng Việt"] == "/articles/tuan-tra/?view=interleaved"
    )
    assert re.search(r'lang="en" aria-current="true">English</a>', english.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/?tag=hai-quan&page=1", "/categories/bien-dong/", "/tags/hai-quan/", "/entities/nhat-ban/"],
)
def test_every_list_page_has_its_english_version_under_en(client, path):
    tag = TagFactory(slug="hai-quan")
    TopicArticleFactory(tags=[tag], entities=[EntityFactory(slug="nhat-ban")])  # public names
    CategoryFactory(slug="bien-dong", any_tags=[tag])

    vietnamese = client.get(path)
    english = client.get(switcher(vietnamese.content.decode())["English"])

    assert english.status_code == 200
    assert english.wsgi_request.path == "/en" + path.split("?")[0]
    assert html_lang(english.content.decode()) == "en"


@pytest.mark.django_db
def test_vietnamese_pages_keep_their_addresses_and_the_admin_stays_outside_the_languages(
    client, admin_client
):
    article = ArticleFactory(slug="tuan-tra")

    assert article.get_absolute_url() == "/articles/tuan-tra/"
    assert client.get("/articles/tuan-tra/").status_code == 200
    assert client.get("/vi/articles/tuan-tra/").status_code == 404
    assert admin_client.get("/admin/").status_code == 200
    assert client.get("/en/admin/").status_code == 404


@pytest.mark.django_db
def test_the_english_interface_still_lists_vietnamese_only_articles_marked_as_such(client):
    ArticleFactory(slug="dich", title_vi="Bài có bản dịch", title_en="A translated article")
    ArticleFactory(
        slug="chi-tieng-viet",
        title_vi="Bài chỉ có tiếng Việt",
        title_en="",
        lead_en="",
        paragraphs=[("Chỉ tiếng Việt.", "")],
    )

    listing = client.get("/en/").content.decode()
    cards = dict(
        re.findall(r'<article class="card">.*?lang="vi">([^<]+)</a>(.*?)</article>', listing, re.S)
    )
    page = client.get("/en/articles/chi-tieng-viet/").content.decode()

    assert "Vietnamese only" in cards["Bài chỉ có tiếng Việt"]
    assert "Vietnamese only" not in cards["Bài có bản dịch"]
    assert "This article has no English translation yet" in page
    assert "Chỉ có tiếng Việt" in client.get("/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "shown"), [("", "6/11/2025, 15:04"), ("/en", "6 Nov 2025, 15:04")]
)
def test_dates_read_the_way_the_interface_language_writes_them(client, prefix, shown):
    published = datetime(2025, 11, 6, 15, 4, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    article = ArticleFactory(published_at=published)

    for url in (prefix + "/", prefix + article.get_absolute_url()):
        html = client.get(url).content.decode()
        assert f'<time datetime="2025-11-06T15:04:00+0700">{shown}</time>' in html


@pytest.mark.parametrize(
    ("language", "shown"), [("vi", "12.345 bài viết"), ("en", "12,345 articles")]
)
def test_numbers_are_grouped_the_way_the_interface_language_groups_them(language, shown):
    template = engines["jinja2"].from_string(
        '{{ ngettext("%(shown)s article", "%(shown)s articles", n)|format(shown=n|grouped) }}'
    )

    with translation.override(language):
        assert template.render({"n": 12345}) == shown


@pytest.mark.django_db
@pytest.mark.parametrize(("prefix", "label"), [("", "Phân trang"), ("/en", "Pages")])
def test_pagination_speaks_the_interface_language(client, settings, prefix, label):
    settings.ARTICLES_PER_PAGE = 1
    ArticleFactory.create_batch(2)

    html = client.get(prefix + "/").content.decode()

    assert f'<nav class="pagination" aria-label="{label}">' in html


def test_every_interface_string_has_a_vietnamese_translation():
    catalogue = polib.pofile(str(LOCALE / "vi" / "LC_MESSAGES" / "django.po"))

    assert [entry.msgid for entry in catalogue if not entry.translated()] == []
    assert catalogue.percent_translated() == 100


def test_every_message_of_the_reader_templates_is_in_the_catalogue():
    """makemessages reads the reader's Jinja2 templates as Django's: each `_("…")` in them
    is found, and translated."""
    catalogue = {
        entry.msgid
        for entry in polib.pofile(str(LOCALE / "vi" / "LC_MESSAGES" / "django.po"))
        if entry.translated()
    }
    found = set()
    for path in (Path(settings.BASE_DIR) / "templates" / "jinja2").rglob("*.html"):
        extracted = templatize(path.read_text(), origin=str(path))
        found |= {double or single for double, single in MESSAGE.findall(extracted)}

    assert len(found) > 80
    assert found - catalogue == set()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_committed_compiled_catalogues_match_their_sources(language):
    """make test needs no gettext: the .mo files are committed; `make messages` rebuilds them."""
    folder = LOCALE / language / "LC_MESSAGES"
    source = {
        (entry.msgid, entry.msgstr or tuple(entry.msgstr_plural.values()))
        for entry in polib.pofile(str(folder / "django.po")).translated_entries()
    }
    compiled = {
        (entry.msgid, entry.msgstr or tuple(entry.msgstr_plural.values()))
        for entry in polib.mofile(str(folder / "django.mo"))
        if entry.msgid
    }

    assert compiled == source


def admin_language(html: str) -> tuple[str, str]:
    """The admin page's language, and the language its switch offers."""
    offered = re.search(r'<button type="submit" name="language" value="(\w+)"', html)[1]
    return html_lang(html), offered


@pytest.mark.django_db
def test_an_editor_switches_the_admin_language_and_readers_pages_keep_theirs(admin_client):
    assert admin_language(admin_client.get("/admin/").content.decode()) == ("vi", "en")

    response = admin_client.post(
        "/i18n/setlang/", {"language": "en", "next": "/admin/articles/article/"}
    )

    assert response.status_code == 302 and response["Location"] == "/admin/articles/article/"
    html = admin_client.get("/admin/articles/article/").content.decode()
    assert admin_language(html) == ("en", "vi")
    assert "Select article to change" in html
    assert html_lang(admin_client.get("/").content.decode()) == "vi"


@pytest.mark.django_db
def test_the_admin_speaks_the_editors_browser_language_until_they_switch(admin_client):
    html = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()

    assert admin_language(html) == ("en", "vi")
    assert "Log out" in html


@pytest.mark.django_db
def test_the_admin_opens_on_the_newsroom_in_the_editors_language(admin_client):
    html = admin_client.get("/admin/").content.decode()

    sections = re.findall(r'class="section" title="[^"]*">([^<]+)</a>', html)
    assert sections[0] == "Tòa soạn"
    assert "<title>Biên tập | newsreader</title>" in html
