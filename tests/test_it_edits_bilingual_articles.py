import re

import pytest
from django.urls import reverse

from articles.models import Article, Mention
from tests.editors import (
    change_url,
    open_form,
    pair_prefix,
    save,
)
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    EntityFactory,
    SourceFactory,
    TagFactory,
    TopicArticleFactory,
)
from tests.test_it_curates_categories import ids

pytestmark = pytest.mark.usefixtures("english_site")


def pairs(article: Article) -> list[tuple[str, str]]:
    return list(article.paragraphs.order_by("position").values_list("text_vi", "text_en"))


@pytest.fixture
def article(db):
    return ArticleFactory(
        paragraphs=[("Một.", "One."), ("Hai.", "Two."), ("Ba.", "Three.")],
    )


def test_the_form_shows_each_paragraph_as_a_vietnamese_english_pair(admin_client, article):
    html = admin_client.get(change_url(article)).content.decode()

    row = re.search(r'<tr[^>]*id="paragraphs-1".*?</tr>', html, re.S)[0]
    assert re.search(r'<textarea[^>]*name="paragraphs-1-text_vi"[^>]*lang="vi"', row) or re.search(
        r'<textarea[^>]*lang="vi"[^>]*name="paragraphs-1-text_vi"', row
    )
    assert "Hai." in row and "Two." in row
    for field in ("title_vi", "title_en", "lead_vi", "lead_en", "caption_vi", "credit", "author"):
        assert f'name="{field}"' in html
    assert html.index('name="source"') < html.index('name="paragraphs-0-text_vi"')


def test_an_edited_pair_shows_on_the_public_page(admin_client, client, article):
    data = open_form(admin_client, article)
    prefix = pair_prefix(data, "Hai.")

    data[f"{prefix}-text_vi"] = ["Hai, đã sửa."]
    data[f"{prefix}-text_en"] = ["Two, edited."]
    save(admin_client, article, data)

    html = client.get(article.get_absolute_url()).content.decode()
    assert "Hai, đã sửa." in html and "Two, edited." in html
    assert pairs(article)[1] == ("Hai, đã sửa.", "Two, edited.")


def test_an_editor_adds_a_pair_in_the_empty_row(admin_client, article):
    data = open_form(admin_client, article)

    data["paragraphs-3-text_vi"] = ["Bốn."]
    data["paragraphs-3-text_en"] = ["Four."]
    save(admin_client, article, data)

    assert pairs(article) == [
        ("Một.", "One."),
        ("Hai.", "Two."),
        ("Ba.", "Three."),
        ("Bốn.", "Four."),
    ]
    article.refresh_from_db()
    assert "Bốn." in article.body_vi


def test_a_new_pair_numbered_between_two_others_goes_there(admin_client, article):
    data = open_form(admin_client, article)

    data["paragraphs-3-order"] = ["1.5"]
    data["paragraphs-3-text_vi"] = ["Một rưỡi."]
    data["paragraphs-3-text_en"] = ["One and a half."]
    save(admin_client, article, data)

    assert [vi for vi, _ in pairs(article)] == ["Một.", "Một rưỡi.", "Hai.", "Ba."]
    assert list(article.paragraphs.values_list("position", flat=True)) == [1, 2, 3, 4]


def test_an_editor_removes_a_pair_and_the_rest_close_up(admin_client, article):
    data = open_form(admin_client, article)

    data[f"{pair_prefix(data, 'Hai.')}-DELETE"] = ["on"]
    save(admin_client, article, data)

    assert pairs(article) == [("Một.", "One."), ("Ba.", "Three.")]
    assert list(article.paragraphs.values_list("position", flat=True)) == [1, 2]


def test_an_editor_reorders_pairs_by_their_numbers(admin_client, article):
    data = open_form(admin_client, article)

    data[f"{pair_prefix(data, 'Ba.')}-order"] = ["0"]
    data[f"{pair_prefix(data, 'Một.')}-order"] = ["9"]
    save(admin_client, article, data)

    assert pairs(article) == [("Ba.", "Three."), ("Hai.", "Two."), ("Một.", "One.")]


def test_an_entity_picked_by_hand_stays_linked_though_the_text_does_not_name_it(
    admin_client, client, article
):
    pentagon = EntityFactory(name_vi="Lầu Năm Góc", name_en="The Pentagon")
    data = open_form(admin_client, article)

    data["linked_entities"] = ids(pentagon)
    save(admin_client, article, data)

    article.refresh_from_db()
    assert article.entity_ids == [pentagon.pk]
    assert Mention.objects.get(article=article, entity=pentagon).by_hand
    assert "The Pentagon" in client.get(article.get_absolute_url()).content.decode()

    save(admin_client, article, open_form(admin_client, article))  # saved again: relinked
    article.refresh_from_db()
    assert article.entity_ids == [pentagon.pk]


def test_an_entity_unpicked_by_hand_is_unlinked(admin_client, article):
    pentagon = EntityFactory(name_vi="Lầu Năm Góc", name_en="The Pentagon")
    data = open_form(admin_client, article)
    data["linked_entities"] = ids(pentagon)
    save(admin_client, article, data)

    data = open_form(admin_client, article)
    assert data["linked_entities"] == ids(pentagon)
    data["linked_entities"] = []
    save(admin_client, article, data)

    article.refresh_from_db()
    assert article.entity_ids == []


def test_an_entity_the_text_names_stays_linked_with_a_warning(admin_client):
    japan = EntityFactory(name_vi="Nhật Bản", name_en="Japan")
    article = ArticleFactory(lead_vi="Nhật Bản mở cửa.", lead_en="Japan opens.", paragraphs=[])
    save(admin_client, article, open_form(admin_client, article))
    data = open_form(admin_client, article)
    assert data["linked_entities"] == ids(japan)

    data["linked_entities"] = []
    response = admin_client.post(change_url(article), data, follow=True)

    assert "is named in the text, so it stays linked" in response.content.decode()
    article.refresh_from_db()
    assert article.entity_ids == [japan.pk]


def test_a_category_picked_for_an_article_pins_it_there(admin_client, article):
    opinion = CategoryFactory()
    data = open_form(admin_client, article)

    data["categories"] = ids(opinion)
    save(admin_client, article, data)

    article.refresh_from_db()
    assert article.category_ids == [opinion.pk]
    assert list(opinion.pinned_articles.all()) == [article]


def test_a_rule_category_removed_from_an_article_excludes_it_by_hand(admin_client):
    navy = TagFactory()
    article = TopicArticleFactory(tags=[navy])
    naval = CategoryFactory(any_tags=[navy])
    data = open_form(admin_client, article)
    assert data["categories"] == ids(naval)

    data["categories"] = []
    save(admin_client, article, data)

    article.refresh_from_db()
    assert article.category_ids == []
    assert list(naval.excluded_articles.all()) == [article]


def test_tags_and_entities_are_picked_with_autocomplete(admin_client, article):
    html = admin_client.get(change_url(article)).content.decode()

    for field in ("tags", "linked_entities", "source"):
        select = re.search(rf'<select[^>]*name="{field}"[^>]*>', html)[0]
        assert "admin-autocomplete" in select, select
    assert 'class="selectfilter"' in re.search(r'<select[^>]*name="categories"[^>]*>', html)[0]
    answer = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "article", "field_name": "entities", "term": ""},
    )
    assert answer.status_code == 200


# --- Query budgets ---------------------------------------------------------------------------


@pytest.mark.parametrize("paragraph_count", [3, 100])
def test_the_change_page_costs_the_same_queries_with_100_paragraphs(
    admin_client, django_assert_num_queries, paragraph_count
):
    tag, entity = TagFactory(), EntityFactory()
    article = TopicArticleFactory(
        tags=[tag],
        entities=[entity],
        # every other one untranslated: the desk looks for suggestions
        paragraphs=[
            (f"Đoạn {n}.", f"Paragraph {n}." if n % 2 else "") for n in range(paragraph_count)
        ],
    )
    CategoryFactory.create_batch(3)
    admin_client.get(change_url(article))  # sessions, content types and permissions cached

    # the session, its user; the article; its tags and its mentions (what the form starts
    # with); the paragraphs; the source, the tags and the entities shown as chosen in the
    # autocomplete boxes; the categories for their picker; the translation desk: the
    # memory's suggestions for every pair that needs them, and the flags dismissed
    with django_assert_num_queries(12):
        response = admin_client.get(change_url(article))

    assert response.status_code == 200
    assert response.content.decode().count('-text_vi"') >= paragraph_count


@pytest.mark.parametrize("article_count", [5, 150])
def test_the_article_list_costs_the_same_queries_with_many_articles(
    admin_client, django_assert_num_queries, article_count
):
    sources = SourceFactory.create_batch(3)
    for n in range(article_count):
        ArticleFactory(source=sources[n % 3], paragraphs=[])
    CategoryFactory.create_batch(3)
    url = reverse("admin:articles_article_changelist")
    admin_client.get(url)

    # the session, its user; the sources and the categories for the filters; the count;
    # the page of articles with their sources; the first and last dates and the dates in
    # between for the date hierarchy
    with django_assert_num_queries(8):
        response = admin_client.get(url)

    assert response.status_code == 200
    assert response.content.decode().count('class="action-select"') == min(article_count, 100)
