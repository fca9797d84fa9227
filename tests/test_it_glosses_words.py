import gzip
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from articles.glossary import MENTIONED_ENTITIES, lemma, meanings, vietnamese_words, words_of
from articles.models import Article, GlossaryEntry
from ingest.management.commands.load_demo import DEMO_DIR
from ingest.starter import load_entities, load_glossary, read_glossary
from tests.factories import (
    ArticleFactory,
    DraftArticleFactory,
    EntityAliasFactory,
    EntityFactory,
    TagFactory,
    mention,
    retag,
)
from tests.importing import import_file

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "000_c7c1a47f91e5f97c.txt"
LEAD = "Các doanh nghiệp bảo vệ chuỗi cung ứng và an ninh quốc phòng."


def words_url(article: Article) -> str:
    return reverse("articles:article_words", kwargs={"slug": article.slug})


# --- Words, as the page tells them apart ------------------------------------------------------


@pytest.mark.django_db
def test_an_article_stores_its_vietnamese_words_whole_when_it_is_saved():
    GlossaryEntry.objects.create(headword="chuỗi cung ứng", language="vi", glosses="supply chain")
    article = ArticleFactory(lead_vi=LEAD, paragraphs=[("Nhật Bản và quốc phòng.", "")])
    article.refresh_from_db()

    _title, caption, lead, paragraph = article.word_lengths.split("\n")
    assert caption == ""
    assert vietnamese_words(article.lead_vi, lead) == [
        *("các", "doanh nghiệp", "bảo vệ", "chuỗi cung ứng", "và", "an ninh", "quốc phòng"),
    ]
    assert vietnamese_words("Nhật Bản và quốc phòng.", paragraph)[-1] == "quốc phòng"
    # search still reads the words of the word list: chuỗi, then cung ứng
    assert "chuỗi cung_ứng" in article.search_words.split("\n")[1]


def test_lengths_that_do_not_fit_the_text_fall_back_to_syllables():
    assert vietnamese_words("quốc phòng", "2") == ["quốc phòng"]
    assert vietnamese_words("quốc phòng mới", "2") == ["quốc", "phòng", "mới"]


# --- Meanings -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_word_finds_its_meaning_in_the_glossary_and_in_names():
    GlossaryEntry.objects.create(
        headword="Quốc  phòng",
        language="vi",
        glosses="defense;national defense",
        part_of_speech="noun",
    )
    japan = EntityFactory(name_vi="Nhật Bản", name_en="Japan", slug="japan")
    EntityAliasFactory(entity=japan, text="Nhật", language="vi")
    tag = TagFactory(name_vi="siêu thanh", name_en="hypersonic")
    retag(ArticleFactory(), tag)  # a public tag

    found = meanings({"quốc phòng", "nhật", "siêu thanh", "xyz"}, {"japan"}, [japan])

    assert found["vi"]["quốc phòng"] == {"g": "defense; national defense", "p": "danh từ"}
    assert found["vi"]["nhật"] == {"e": "/entities/japan/", "t": "Japan"}
    assert found["vi"]["siêu thanh"] == {"g": "hypersonic"}
    assert found["en"]["japan"]["t"] == "Nhật Bản"
    assert "xyz" not in found["vi"]  # unknown: the page says so


@pytest.mark.django_db
def test_an_english_word_is_glossed_through_its_lemma():
    GlossaryEntry.objects.create(headword="alliance", language="en", glosses="liên minh")
    GlossaryEntry.objects.create(headword="run", language="en", glosses="chạy")

    assert lemma("Alliances") == "alliance" and lemma("ran") == "run"
    found = meanings(set(), {"alliances", "ran", "alliance"})["en"]
    assert found["alliances"] == {"g": "liên minh", "l": "alliance"}
    assert found["ran"]["l"] == "run"
    assert found["alliance"] == {"g": "liên minh"}


@pytest.mark.django_db
def test_a_private_tag_glosses_nothing():
    TagFactory(name_vi="bí mật", name_en="secret")  # on no published article
    assert meanings({"bí mật"}, set())["vi"] == {}


# --- The data a page fetches ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_names_its_words_data_and_the_data_is_kept_per_version(
    client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    GlossaryEntry.objects.create(headword="quốc phòng", language="vi", glosses="defense")
    article = ArticleFactory(
        lead_vi=LEAD, paragraphs=[(f"Đoạn {i} quốc phòng.", "") for i in range(30)]
    )
    japan = EntityFactory(name_vi="Mỹ", name_en="United States")
    mention(article, japan)

    page = client.get(article.get_absolute_url()).content.decode()
    (url,) = re.findall(r'data-words="([^"]+)"', page)
    url = url.replace("&amp;", "&")
    # the article's version; the article and its source, its paragraphs, its mentions with
    # their entities and the entities' aliases; the glossary; the public tags
    with django_assert_max_num_queries(7):
        response = client.get(url)
    assert response["Content-Type"] == "application/json"
    assert "public" in response["Cache-Control"] and response["ETag"]
    data = json.loads(response.content)
    assert data["vi"]["quốc phòng"]["g"] == "defense"
    assert len(data["lengths"]) == 2 + 31  # title, caption, lead and thirty paragraphs

    with django_assert_max_num_queries(1):  # the article's version: the rest is kept
        assert client.get(url).content == response.content
    assert client.get(url, headers={"if-none-match": response["ETag"]}).status_code == 304

    with django_capture_on_commit_callbacks(execute=True):  # the content changes
        GlossaryEntry.objects.create(headword="an ninh", language="vi", glosses="security")
    changed = client.get(url)
    assert changed["ETag"] != response["ETag"]
    assert json.loads(changed.content)["vi"]["an ninh"]["g"] == "security"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "slug",
    ["nope", "9" * 40, "a" * 5000, "%00", "..%2f..%2fetc", "bai%20viet", "%F0%9F%98%80"],
)
def test_hostile_addresses_for_words_data_get_404(client, slug):
    ArticleFactory()
    assert client.get(f"/articles/{slug}/words/").status_code == 404


@pytest.mark.django_db
def test_a_drafts_words_are_for_staff_alone(client, admin_client):
    draft = DraftArticleFactory()
    assert client.get(words_url(draft)).status_code == 404
    response = admin_client.get(words_url(draft))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


# --- The starter glossary -------------------------------------------------------------------


def test_the_starter_glossary_holds_the_words_readers_meet_most():
    vietnamese = read_glossary(DEMO_DIR / "glossary-vi.tsv", "vi")
    english = read_glossary(DEMO_DIR / "glossary-en.tsv", "en")
    assert len(vietnamese) >= 1500 and len(english) >= 1000
    assert all(entry.glosses and entry.headword for entry in [*vietnamese, *english])


@pytest.mark.django_db
def test_the_starter_glossary_covers_the_samples_frequent_words():
    if not SAMPLE.exists():
        pytest.skip(f"{SAMPLE} is not present")
    load_entities(DEMO_DIR / "entities.json")
    load_glossary(DEMO_DIR / "glossary-vi.tsv", "vi")
    article = Article.objects.prefetch_related("paragraphs", MENTIONED_ENTITIES).get(
        pk=import_file(SAMPLE).article.pk
    )
    vietnamese, _english = words_of(article)
    frequent = [
        word
        for word, count in Counter(vietnamese).most_common()
        if count >= 2 and not any(c.isdigit() for c in word)
    ]
    names = [mention.entity for mention in article.mentions.all()]  # gloss themselves
    glossed = meanings(set(frequent), set(), names)["vi"]
    assert len(frequent) > 40
    assert [word for word in frequent if word not in glossed] == []


@pytest.mark.django_db
def test_load_demo_keeps_an_editors_meaning():
    entry = GlossaryEntry.objects.create(headword="quốc phòng", language="vi", glosses="mine")
    assert load_glossary(DEMO_DIR / "glossary-vi.tsv", "vi") >= 1500
    assert load_glossary(DEMO_DIR / "glossary-vi.tsv", "vi") == 0
    entry.refresh_from_db()
    assert entry.glosses == "mine"


# --- Editors' queue -------------------------------------------------------------------------


@pytest.mark.django_db
def test_editors_see_the_words_without_a_meaning_and_add_one(admin_client):
    ArticleFactory(lead_vi="Hải quân tuần tra. Hải quân diễn tập.", lead_en="Navies patrol.")
    GlossaryEntry.objects.create(headword="tuần tra", language="vi", glosses="to patrol")

    page = admin_client.get(reverse("admin:articles_glossaryentry_queue")).content.decode()
    assert '<td lang="vi">hải quân</td>' in page and '<td lang="en">navy</td>' in page
    assert '<td lang="vi">tuần tra</td>' not in page
    add = admin_client.get(
        reverse("admin:articles_glossaryentry_add") + "?headword=hải+quân&language=vi"
    )
    assert 'value="hải quân"' in add.content.decode()
    admin_client.post(
        reverse("admin:articles_glossaryentry_add"),
        {"headword": "Hải quân", "language": "vi", "glosses": "navy", "part_of_speech": "noun"},
    )
    assert GlossaryEntry.objects.get(language="vi", headword="hải quân").glosses == "navy"
    again = admin_client.post(
        reverse("admin:articles_glossaryentry_add"),
        {"headword": "HẢI  QUÂN", "language": "vi", "glosses": "naval forces"},
    )
    assert again.status_code == 200 and "errornote" in again.content.decode()  # one entry a word
    page = admin_client.get(reverse("admin:articles_glossaryentry_queue")).content.decode()
    assert '<td lang="vi">hải quân</td>' not in page


# --- The pages ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("prefix, title", [("", "Từ của tôi"), ("/en", "My words")])
def test_the_words_page_speaks_both_languages(client, prefix, title):
    page = client.get(f"{prefix}/words/").content.decode()
    assert f'<h1 class="page-title">{title}</h1>' in page
    assert "<script" not in page.split("</head>")[1]  # no inline script: the CSP allows none


@pytest.mark.django_db
def test_the_article_page_weighs_at_most_50_kb_gzipped_on_first_load(client):
    if not SAMPLE.exists():
        pytest.skip(f"{SAMPLE} is not present")
    article = import_file(SAMPLE, publish=True).article
    html = client.get(article.get_absolute_url()).content
    assets = re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
    assert b"js/words.js" in b" ".join(assets) and b"css/words.css" in b" ".join(assets)
    sizes = [len(gzip.compress(html))] + [
        len(gzip.compress(Path(finders.find(asset.decode())).read_bytes())) for asset in assets
    ]
    assert sum(sizes) <= 50_000, sizes


@pytest.mark.django_db
def test_the_words_data_for_the_sample_is_small(client):
    if not SAMPLE.exists():
        pytest.skip(f"{SAMPLE} is not present")
    load_entities(DEMO_DIR / "entities.json")
    for language in ("vi", "en"):
        load_glossary(DEMO_DIR / f"glossary-{language}.tsv", language)
    article = import_file(SAMPLE, publish=True).article
    assert len(gzip.compress(client.get(words_url(article)).content)) <= 20_000
