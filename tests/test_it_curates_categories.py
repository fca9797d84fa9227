import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from articles.derived import refresh, refresh_categories
from articles.models import Article, Category
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    EntityFactory,
    TagFactory,
    TopicArticleFactory,
    retag,
)


def members(category: Category) -> set[Article]:
    return set(category.articles.all())


def categories_of(article: Article) -> set[Category]:
    article.refresh_from_db()
    return set(article.categories.all())


class _FormFields(HTMLParser):
    """What a browser would submit from the form with the given id, unchanged."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select: tuple[str, bool] | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(attrs.get("value") or "on")
                return
            self.data.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self._select = (name, "multiple" in attrs)
            self._select_first, self._select_chosen = None, False
            self.data.setdefault(name, [])
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs:
                self.data[self._select[0]].append(value)
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            name, multiple = self._select
            if not multiple and not self._select_chosen and self._select_first is not None:
                self.data[name] = [self._select_first]
            self._select = None
        elif tag == "textarea" and self._textarea:
            value = self.data[self._textarea][0]
            self.data[self._textarea][0] = value.removeprefix("\n")  # as browsers do
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data


def admin_form_data(admin_client, url: str, form_id: str) -> dict[str, list[str]]:
    """GET an admin change form and return what saving it unchanged would POST, management
    forms of the inlines included."""
    response = admin_client.get(url)
    assert response.status_code == 200
    fields = _FormFields(form_id)
    fields.feed(response.content.decode())
    assert fields.data, f"no form #{form_id} on {url}"
    return fields.data


def ids(*objects) -> list[str]:
    return [str(obj.pk) for obj in objects]


# --- The rule --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_article_with_any_rule_tag_joins_the_category():
    navy, army, cooking = TagFactory(), TagFactory(), TagFactory()
    naval = TopicArticleFactory(tags=[navy])
    military = TopicArticleFactory(tags=[army, cooking])
    TopicArticleFactory(tags=[cooking])
    ArticleFactory()
    defence = CategoryFactory(any_tags=[navy, army])

    assert members(defence) == {naval, military}


@pytest.mark.django_db
def test_an_article_mentioning_any_rule_entity_joins_the_category():
    japan, korea, brazil = EntityFactory(), EntityFactory(), EntityFactory()
    tokyo = TopicArticleFactory(entities=[japan])
    seoul = TopicArticleFactory(entities=[korea, brazil])
    TopicArticleFactory(entities=[brazil])
    asia = CategoryFactory(any_entities=[japan, korea])

    assert members(asia) == {tokyo, seoul}


@pytest.mark.django_db
def test_a_rule_with_tags_and_entities_takes_articles_with_either():
    navy, japan = TagFactory(), EntityFactory()
    tagged = TopicArticleFactory(tags=[navy])
    mentioning = TopicArticleFactory(entities=[japan])
    TopicArticleFactory(tags=[TagFactory()], entities=[EntityFactory()])
    category = CategoryFactory(any_tags=[navy], any_entities=[japan])

    assert members(category) == {tagged, mentioning}


@pytest.mark.django_db
def test_all_of_tags_narrows_the_category_to_articles_with_every_one():
    defence, navy, pacific = TagFactory(), TagFactory(), TagFactory()
    both = TopicArticleFactory(tags=[defence, navy, pacific])
    TopicArticleFactory(tags=[defence, navy])
    TopicArticleFactory(tags=[navy, pacific])  # has all of them but none of the "any"
    category = CategoryFactory(any_tags=[defence], all_tags=[navy, pacific])

    assert members(category) == {both}


@pytest.mark.django_db
def test_all_of_entities_narrows_the_category_to_articles_mentioning_every_one():
    defence = TagFactory()
    japan, united_states = EntityFactory(), EntityFactory()
    alliance = TopicArticleFactory(tags=[defence], entities=[japan, united_states])
    TopicArticleFactory(tags=[defence], entities=[japan])
    TopicArticleFactory(entities=[japan, united_states])
    category = CategoryFactory(any_tags=[defence], all_entities=[japan, united_states])

    assert members(category) == {alliance}


@pytest.mark.django_db
def test_an_excluded_tag_keeps_an_article_out_even_when_it_matches():
    defence, opinion = TagFactory(), TagFactory()
    news = TopicArticleFactory(tags=[defence])
    TopicArticleFactory(tags=[defence, opinion])
    category = CategoryFactory(any_tags=[defence], exclude_tags=[opinion])

    assert members(category) == {news}


@pytest.mark.django_db
def test_an_excluded_entity_keeps_an_article_out_even_when_it_matches():
    defence = TagFactory()
    japan, russia = EntityFactory(), EntityFactory()
    news = TopicArticleFactory(tags=[defence], entities=[japan])
    TopicArticleFactory(tags=[defence], entities=[japan, russia])
    category = CategoryFactory(any_tags=[defence], exclude_entities=[russia])

    assert members(category) == {news}


@pytest.mark.django_db
def test_a_pinned_article_joins_without_matching_the_rule():
    defence = TagFactory()
    matching = TopicArticleFactory(tags=[defence])
    pinned = ArticleFactory()
    ArticleFactory()
    category = CategoryFactory(any_tags=[defence], pinned_articles=[pinned])

    assert members(category) == {matching, pinned}


@pytest.mark.django_db
def test_a_hand_excluded_article_stays_out_even_though_it_matches():
    defence = TagFactory()
    kept = TopicArticleFactory(tags=[defence])
    unwanted = TopicArticleFactory(tags=[defence])
    category = CategoryFactory(any_tags=[defence], excluded_articles=[unwanted])

    assert members(category) == {kept}


@pytest.mark.django_db
def test_a_category_with_an_empty_rule_holds_only_its_pinned_articles():
    TopicArticleFactory(tags=[TagFactory()], entities=[EntityFactory()])
    pinned = ArticleFactory()
    hand_picked = CategoryFactory(pinned_articles=[pinned])
    empty = CategoryFactory()

    assert members(hand_picked) == {pinned}
    assert members(empty) == set()


@pytest.mark.django_db
def test_refreshing_drops_articles_that_no_longer_match():
    defence = TagFactory()
    article = TopicArticleFactory(tags=[defence])
    category = CategoryFactory(any_tags=[defence])
    assert categories_of(article) == {category}

    retag(article)

    assert categories_of(article) == set()


@pytest.mark.django_db
def test_refreshing_no_articles_changes_nothing():
    defence = TagFactory()
    article = TopicArticleFactory(tags=[defence])
    category = CategoryFactory(any_tags=[defence])

    assert refresh([]) == 0

    assert members(category) == {article}


@pytest.mark.django_db
def test_refreshing_a_category_costs_the_same_queries_however_many_articles_match(
    django_assert_max_num_queries,
):
    defence, japan = TagFactory(), EntityFactory()
    category = CategoryFactory(any_tags=[defence], all_entities=[japan])
    for count in (2, 40):
        TopicArticleFactory.create_batch(count, tags=[defence], entities=[japan])

        # the category and its any, all and excluded tags and entities and its pinned
        # and hand-excluded articles (eight lists of ids); the ids of its members and of
        # the articles its rule selects; a savepoint, one UPDATE, the savepoint's release
        with django_assert_max_num_queries(13):
            refresh_categories([category.pk])

    assert category.articles.count() == 42


# --- Editors at work -------------------------------------------------------------------------


@pytest.mark.django_db
def test_changing_a_rule_in_the_admin_updates_the_category_at_once(admin_client):
    navy, army = TagFactory(), TagFactory()
    naval = TopicArticleFactory(tags=[navy])
    military = TopicArticleFactory(tags=[army])
    category = CategoryFactory(any_tags=[navy])
    url = reverse("admin:articles_category_change", args=[category.pk])
    data = admin_form_data(admin_client, url, "category_form")
    assert data["any_tags"] == ids(navy)

    data["any_tags"] = ids(army)
    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert members(category) == {military}
    assert categories_of(naval) == set()


@pytest.mark.django_db
def test_pinning_and_excluding_by_hand_in_the_admin_updates_the_category(admin_client):
    navy = TagFactory()
    unwanted = TopicArticleFactory(tags=[navy])
    kept = TopicArticleFactory(tags=[navy])
    wanted = ArticleFactory()
    category = CategoryFactory(any_tags=[navy])
    url = reverse("admin:articles_category_change", args=[category.pk])
    data = admin_form_data(admin_client, url, "category_form")

    data["pinned_articles"] = ids(wanted)
    data["excluded_articles"] = ids(unwanted)
    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert members(category) == {kept, wanted}


@pytest.mark.django_db
def test_a_category_added_in_the_admin_is_filled_straight_away(admin_client):
    navy = TagFactory()
    naval = TopicArticleFactory(tags=[navy])
    ArticleFactory()
    url = reverse("admin:articles_category_add")
    data = admin_form_data(admin_client, url, "category_form")

    data.update(
        name_vi=["Hải quân"], name_en=["Navy"], slug=["navy"], position=["3"], any_tags=ids(navy)
    )
    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert members(Category.objects.get(slug="navy")) == {naval}


@pytest.mark.django_db
def test_tagging_an_article_in_the_admin_moves_it_into_and_out_of_categories(admin_client):
    navy, army = TagFactory(), TagFactory()
    article = TopicArticleFactory(tags=[army])
    naval = CategoryFactory(any_tags=[navy])
    military = CategoryFactory(any_tags=[army])
    assert categories_of(article) == {military}
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(admin_client, url, "article_form")
    assert data["paragraphs-INITIAL_FORMS"] == ["3"]

    data["tags"] = ids(navy)
    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert categories_of(article) == {naval}
    assert article.paragraphs.count() == 3


@pytest.mark.django_db
def test_an_article_edited_to_name_an_entity_joins_that_entitys_category(admin_client):
    japan = EntityFactory(name_vi="Nhật Bản", name_en="Japan")
    article = ArticleFactory(
        lead_vi="Thời tiết hôm nay đẹp.",
        lead_en="The weather is fine today.",
        paragraphs=[],
    )
    asia = CategoryFactory(any_entities=[japan])
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(admin_client, url, "article_form")

    data["lead_en"] = ["The weather is fine in Japan today."]
    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert members(asia) == {article}


# --- Navigation ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_categories_appear_in_the_navigation_in_the_editors_order(client):
    CategoryFactory(name_vi="Thế giới", position=2)
    CategoryFactory(name_vi="Kinh tế", position=0)
    CategoryFactory(name_vi="Quốc phòng", position=1)

    html = client.get("/").content.decode()

    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S)[0]
    assert re.findall(r'<span lang="vi">([^<]*)</span>', nav) == [
        "Kinh tế",
        "Quốc phòng",
        "Thế giới",
    ]
