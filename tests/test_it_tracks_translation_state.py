import re

import pytest
from django.urls import reverse

from articles.derived import refresh_all
from articles.models import Article
from tests.editors import (
    open_form,
    pair_prefix,
    save,
)
from tests.factories import ArticleFactory

pytestmark = pytest.mark.usefixtures("english_site")

Translation = Article.Translation


def state(article: Article) -> str:
    article.refresh_from_db()
    return article.translation


@pytest.fixture
def article(db):
    return ArticleFactory(paragraphs=[("Một.", "One."), ("Hai.", "Two."), ("Ba.", "Three.")])


def edit(admin_client, article, **pairs: str):
    """Save the article's form with these changes: first_vi="…" changes the Vietnamese
    of the pair whose Vietnamese is "First." (and so on), lead_vi="…" the lead."""
    data = open_form(admin_client, article)
    changes = {}
    for key, value in pairs.items():
        if key.startswith("lead"):
            changes[key] = [value]
        else:
            text_vi, side = key.rsplit("_", 1)
            changes[f"{pair_prefix(data, text_vi)}-text_{side}"] = [value]
    save(admin_client, article, data | changes)


def test_a_fully_translated_article_is_complete(admin_client, article):
    save(admin_client, article, open_form(admin_client, article))

    assert state(article) == Translation.COMPLETE


def test_changing_a_vietnamese_paragraph_alone_makes_the_translation_stale(admin_client, article):
    edit(admin_client, article, **{"Hai._vi": "Hai, viết lại."})

    assert state(article) == Translation.STALE


def test_the_stale_pair_is_marked_in_the_form(admin_client, article):
    edit(admin_client, article, **{"Hai._vi": "Hai, viết lại."})

    html = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    rows = re.findall(r'<tr[^>]*id="paragraphs-\d".*?</tr>', html.content.decode(), re.S)
    stale = [row for row in rows if "stale: the Vietnamese changed after the English" in row]
    assert len(stale) == 1 and "Hai, viết lại." in stale[0]


def test_updating_the_english_afterwards_makes_it_complete_again(admin_client, article):
    edit(admin_client, article, **{"Hai._vi": "Hai, viết lại."})

    edit(admin_client, article, **{"Hai, viết lại._en": "Two, rewritten."})

    assert state(article) == Translation.COMPLETE


def test_changing_both_sides_of_a_pair_together_keeps_it_complete(admin_client, article):
    edit(admin_client, article, **{"Hai._vi": "Hai, viết lại.", "Hai._en": "Two, rewritten."})

    assert state(article) == Translation.COMPLETE


def test_changing_only_the_english_keeps_it_complete(admin_client, article):
    edit(admin_client, article, **{"Hai._en": "Two, better."})

    assert state(article) == Translation.COMPLETE


def test_changing_the_vietnamese_lead_alone_makes_the_translation_stale(admin_client, article):
    edit(admin_client, article, lead_vi="Một mở đầu khác.")

    assert state(article) == Translation.STALE


def test_an_article_with_some_paragraphs_untranslated_is_partial_and_flagged(admin_client):
    article = ArticleFactory(paragraphs=[("Một.", "One."), ("Hai.", ""), ("Ba.", "")])
    save(admin_client, article, open_form(admin_client, article))

    assert state(article) == Translation.PARTIAL
    assert article.has_paragraph_mismatch
    assert (article.translated_block_count, article.block_count) == (2, 4)
    listing = admin_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Partial (2 of 4)" in listing
    change_page = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "The paragraph counts differ" in change_page.content.decode()


def test_an_article_without_english_is_missing(admin_client):
    article = ArticleFactory(lead_en="", paragraphs=[("Một.", ""), ("Hai.", "")])
    save(admin_client, article, open_form(admin_client, article))

    assert state(article) == Translation.MISSING


def test_a_new_pair_with_vietnamese_only_makes_the_article_partial(admin_client, article):
    data = open_form(admin_client, article)
    data["paragraphs-3-text_vi"] = ["Bốn."]
    save(admin_client, article, data)

    assert state(article) == Translation.PARTIAL


def test_a_stale_translation_outranks_a_partial_one(admin_client):
    article = ArticleFactory(paragraphs=[("Một.", "One."), ("Hai.", "")])
    edit(admin_client, article, **{"Một._vi": "Một, viết lại."})

    assert state(article) == Translation.STALE


@pytest.mark.django_db
def test_the_list_filters_on_the_translation_state(admin_client):
    stale = ArticleFactory(title_vi="Bài cũ", paragraphs=[("Một.", "One.")])
    ArticleFactory(title_vi="Bài đủ", paragraphs=[("Hai.", "Two.")])
    ArticleFactory(title_vi="Bài thiếu", lead_en="", paragraphs=[("Ba.", "")])
    edit(admin_client, stale, **{"Một._vi": "Một, viết lại."})
    url = reverse("admin:articles_article_changelist")

    def titles(translation: str) -> set[str]:
        html = admin_client.get(url, {"translation__exact": translation}).content.decode()
        return set(re.findall(r"Bài \w+", html)) & {"Bài cũ", "Bài đủ", "Bài thiếu"}

    assert titles("stale") == {"Bài cũ"}
    assert titles("complete") == {"Bài đủ"}
    assert titles("missing") == {"Bài thiếu"}


def test_a_source_that_corrects_both_sides_leaves_them_in_step(admin_client, tmp_path):
    from tests.importing import import_file
    from tests.test_it_imports_scraped_files import ENGLISH, VIETNAMESE, write_article

    path = write_article(tmp_path, "energy", VIETNAMESE, ENGLISH)
    article = import_file(path).article
    write_article(
        tmp_path,
        "energy",
        VIETNAMESE.replace("hôm thứ Hai", "hôm thứ Ba"),
        ENGLISH.replace("on Monday", "on Tuesday"),
    )
    assert import_file(path).status == "updated"

    assert state(article) == Translation.COMPLETE
    article.refresh_from_db()
    assert article.lead_en.endswith("said on Tuesday.")


def test_a_source_does_not_undo_the_vietnamese_an_editor_wrote(admin_client, tmp_path):
    from tests.importing import import_file
    from tests.test_it_imports_scraped_files import ENGLISH, VIETNAMESE, write_article

    path = write_article(tmp_path, "energy", VIETNAMESE, ENGLISH)
    article = import_file(path).article
    edit(admin_client, article, lead_vi="Một mở đầu khác.")
    assert state(article) == Translation.STALE

    write_article(tmp_path, "energy", VIETNAMESE.replace("hôm thứ Hai", "hôm thứ Ba"), ENGLISH)
    import_file(path)

    article.refresh_from_db()
    assert article.lead_vi == "Một mở đầu khác."
    assert state(article) == Translation.STALE  # the editor's Vietnamese is newer than its English


@pytest.mark.django_db
def test_generated_articles_carry_their_translation_state():
    from benchmarks.corpus import generate_corpus

    generate_corpus(40)
    states = ("translation", "block_count", "translated_block_count")
    written = list(Article.objects.order_by("pk").values_list(*states))
    refresh_all()

    assert list(Article.objects.order_by("pk").values_list(*states)) == written
    assert {translation for translation, _, _ in written} == {
        Translation.COMPLETE,
        Translation.MISSING,
    }
