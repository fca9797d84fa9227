import html
import re

import pytest
from django.urls import reverse

from articles.models import Article, Category, Entity
from tests.editors import (
    change_url,
    open_form,
    pair_prefix,
    save,
)
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    EntityAliasFactory,
    EntityFactory,
    TagFactory,
)
from tests.test_it_curates_categories import admin_form_data, ids

pytestmark = pytest.mark.usefixtures("english_site")


def history_url(obj) -> str:
    return reverse(f"admin:articles_{obj._meta.model_name}_history", args=[obj.pk])


def revision_urls(admin_client, obj) -> list[str]:
    """The links to the object's revisions on its history page, newest first."""
    page = admin_client.get(history_url(obj)).content.decode()
    return re.findall(r'href="(/admin/articles/\w+/\d+/history/\d+/)"', page)


def text(response) -> str:
    return html.unescape(response.content.decode())


def words(response) -> str:
    """The page's text as a reader sees it: no tags, single spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


@pytest.fixture
def article(db):
    return ArticleFactory(
        title_vi="Tiêu đề gốc",
        lead_vi="Mở đầu về Nhật Bản.",
        paragraphs=[("Một.", "One."), ("Hai.", "Two.")],
    )


def test_an_edit_is_recorded_with_who_made_it_and_what_it_changed(admin_client, article):
    data = open_form(admin_client, article)
    data["title_vi"] = ["Tiêu đề mới"]
    data[f"{pair_prefix(data, 'Hai.')}-text_vi"] = ["Hai, đã sửa."]
    save(admin_client, article, data)

    page = text(admin_client.get(history_url(article)))

    assert "admin" in page
    assert "Tiêu đề gốc" in page and "Tiêu đề mới" in page
    assert "¶2" in page and "Hai, đã sửa." in page
    assert len(revision_urls(admin_client, article)) == 2  # before the first edit, and after


def test_reverting_brings_back_the_text_paragraphs_and_tags(admin_client, client, article):
    navy = TagFactory()
    data = open_form(admin_client, article)
    data["title_vi"] = ["Tiêu đề mới"]
    data["tags"] = ids(navy)
    data[f"{pair_prefix(data, 'Hai.')}-DELETE"] = ["on"]
    data[f"{pair_prefix(data, 'Một.')}-text_en"] = ["One, changed."]
    save(admin_client, article, data)
    _newest, original = revision_urls(admin_client, article)

    response = admin_client.post(original)

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title_vi == "Tiêu đề gốc"
    assert list(article.paragraphs.values_list("text_vi", "text_en")) == [
        ("Một.", "One."),
        ("Hai.", "Two."),
    ]
    assert list(article.tags.all()) == [] and article.tag_ids == []
    assert "Hai." in article.body_vi
    assert "Tiêu đề gốc" in client.get(article.get_absolute_url()).content.decode()


def test_a_revert_keeps_categories_entities_and_search_text_right(admin_client, article):
    japan = EntityFactory(name_vi="Nhật Bản", name_en="Japan")
    navy = TagFactory()
    naval = CategoryFactory(any_tags=[navy])
    save(admin_client, article, open_form(admin_client, article))
    data = open_form(admin_client, article)
    data["tags"] = ids(navy)
    data["lead_vi"] = ["Mở đầu không nêu tên nước nào."]
    data["lead_en"] = ["A lead that names no country."]
    save(admin_client, article, data)
    article.refresh_from_db()
    assert (article.category_ids, article.entity_ids) == ([naval.pk], [])

    _latest, before_the_tag, _first = revision_urls(admin_client, article)
    admin_client.post(before_the_tag)

    article.refresh_from_db()
    assert article.category_ids == []
    assert article.entity_ids == [japan.pk]
    assert "Japan" in article.entity_names


def test_a_revert_is_itself_recorded_and_can_be_undone(admin_client, article):
    save(admin_client, article, open_form(admin_client, article) | {"title_vi": ["Mới"]})
    _newest, original = revision_urls(admin_client, article)
    admin_client.post(original)
    assert Article.objects.get(pk=article.pk).title_vi == "Tiêu đề gốc"

    _revert, newest, _original = revision_urls(admin_client, article)
    assert "Reverted to the revision of" in text(admin_client.get(history_url(article)))
    admin_client.post(newest)

    assert Article.objects.get(pk=article.pk).title_vi == "Mới"


def test_a_revision_page_shows_the_pairs_and_what_reverting_would_change(admin_client, article):
    save(admin_client, article, open_form(admin_client, article) | {"title_vi": ["Mới"]})
    _newest, original = revision_urls(admin_client, article)

    page = text(admin_client.get(original))

    assert "Revert to this revision" in page
    assert "Mới → Tiêu đề gốc" in page
    assert re.search(r'<td lang="vi">Hai\.</td><td lang="en">Two\.</td>', page)


def test_a_revert_raises_the_version_so_open_forms_are_refused(admin_client, article):
    save(admin_client, article, open_form(admin_client, article) | {"title_vi": ["Mới"]})
    form = open_form(admin_client, article)
    _newest, original = revision_urls(admin_client, article)
    admin_client.post(original)

    response = admin_client.post(change_url(article), form)

    assert response.status_code == 200
    assert "Someone else saved this article" in text(response)


def test_reverting_an_entity_brings_back_its_names_and_aliases(admin_client):
    usa = EntityFactory(name_vi="Mỹ", name_en="United States")
    EntityAliasFactory(entity=usa, text="Hoa Kỳ", language="vi")
    url = reverse("admin:articles_entity_change", args=[usa.pk])
    data = admin_form_data(admin_client, url, "entity_form")
    data["name_en"] = ["USA"]
    data["aliases-0-DELETE"] = ["on"]
    assert admin_client.post(url, data).status_code == 302
    assert not usa.aliases.exists()

    _newest, original = revision_urls(admin_client, usa)
    admin_client.post(original)

    usa = Entity.objects.get(pk=usa.pk)
    assert usa.name_en == "United States"
    assert list(usa.aliases.values_list("text", flat=True)) == ["Hoa Kỳ"]


def test_reverting_a_category_brings_back_its_rule_and_its_members(admin_client):
    navy, army = TagFactory(), TagFactory()
    naval = ArticleFactory()
    naval.tags.add(navy)
    military = ArticleFactory()
    military.tags.add(army)
    category = CategoryFactory(any_tags=[navy])
    url = reverse("admin:articles_category_change", args=[category.pk])
    data = admin_form_data(admin_client, url, "category_form")
    data["any_tags"] = ids(army)
    assert admin_client.post(url, data).status_code == 302
    assert set(category.articles.all()) == {military}

    _newest, original = revision_urls(admin_client, category)
    admin_client.post(original)

    category = Category.objects.get(pk=category.pk)
    assert list(category.any_tags.all()) == [navy]
    assert set(category.articles.all()) == {naval}


def test_only_editors_who_may_change_an_article_can_revert_it(
    admin_client, client, django_user_model, article
):
    save(admin_client, article, open_form(admin_client, article) | {"title_vi": ["Mới"]})
    _newest, original = revision_urls(admin_client, article)
    reader = django_user_model.objects.create_user("reader", password="x", is_staff=False)
    client.force_login(reader)

    response = client.post(original)

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Article.objects.get(pk=article.pk).title_vi == "Mới"


def test_the_history_of_entities_and_categories_says_what_changed(admin_client):
    usa = EntityFactory(name_vi="Mỹ", name_en="United States")
    EntityAliasFactory(entity=usa, text="Hoa Kỳ", language="vi")
    url = reverse("admin:articles_entity_change", args=[usa.pk])
    data = admin_form_data(admin_client, url, "entity_form")
    data["aliases-0-DELETE"] = ["on"]
    admin_client.post(url, data)
    navy = TagFactory(name_vi="Hải quân", name_en="Navy")
    category = CategoryFactory()
    url = reverse("admin:articles_category_change", args=[category.pk])
    data = admin_form_data(admin_client, url, "category_form")
    data["any_tags"] = ids(navy)
    admin_client.post(url, data)

    entity_history = words(admin_client.get(history_url(usa)))
    category_history = words(admin_client.get(history_url(category)))

    assert "aliases: Hoa Kỳ → —" in entity_history
    assert "any of these tags: — → Hải quân / Navy" in category_history
    for obj in (usa, category):
        newest = revision_urls(admin_client, obj)[0]
        assert admin_client.get(newest).status_code == 200


def test_a_deleted_article_leaves_its_history_behind(admin_client, article):
    save(admin_client, article, open_form(admin_client, article) | {"title_vi": ["Mới"]})

    response = admin_client.post(
        reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    assert [r.history_type for r in Article.history.filter(id=article.pk)] == ["-", "~", "~"]


def test_reverting_to_the_imported_revision_brings_back_the_tags_it_came_with(
    admin_client, tmp_path
):
    from django.core.management import call_command

    navy = TagFactory(slug="navy", name_vi="Hải quân", name_en="Navy")
    line = '{"id": "n1", "lead_vi": "Hải quân tập trận.", "tags": ["Navy"]}\n'
    (tmp_path / "bulk.ndjson").write_text(line, encoding="utf-8")
    call_command("import_articles", str(tmp_path / "bulk.ndjson"), stdout=None)
    article = Article.objects.get()
    assert list(article.tags.all()) == [navy]
    data = open_form(admin_client, article)
    data["tags"] = []
    save(admin_client, article, data)
    assert not Article.objects.get().tags.exists()

    *_newer, imported = revision_urls(admin_client, article)
    admin_client.post(imported)

    assert list(Article.objects.get().tags.all()) == [navy]
    assert Article.objects.get().tag_ids == [navy.pk]
