import pytest
from django.urls import reverse

from articles.models import Article, Entity, EntitySuggestion
from tests.factories import ArticleFactory, CategoryFactory, EntityAliasFactory, EntityFactory

pytestmark = pytest.mark.usefixtures("english_site")

CHANGELIST = reverse("admin:articles_entity_changelist")


def merge(admin_client, target, *others):
    selected = [target.pk, *(other.pk for other in others)]
    asked = admin_client.post(
        CHANGELIST, {"action": "merge", "_selected_action": selected, "index": "0"}
    )
    assert asked.status_code == 200
    assert str(target) in asked.content.decode()
    return admin_client.post(
        CHANGELIST, {"action": "merge", "_selected_action": selected, "target": target.pk}
    )


@pytest.fixture
def usa(db):
    return EntityFactory(name_vi="Mỹ", name_en="United States")


@pytest.fixture
def duplicate(db):
    duplicate = EntityFactory(name_vi="Hoa Kỳ", name_en="USA")
    EntityAliasFactory(entity=duplicate, text="nước Mỹ", language="vi")
    return duplicate


@pytest.fixture
def article(usa, duplicate):
    article = ArticleFactory(
        lead_vi="Hoa Kỳ và nước Mỹ là một.", lead_en="The USA is one country.", paragraphs=[]
    )
    assert Article.objects.get(pk=article.pk).entity_ids == [duplicate.pk]
    return article


def test_merging_moves_mentions_over_and_relinks_the_articles(
    admin_client, usa, duplicate, article
):
    response = merge(admin_client, usa, duplicate)

    assert response.status_code == 302
    assert not Entity.objects.filter(pk=duplicate.pk).exists()
    article = Article.objects.get(pk=article.pk)
    assert article.entity_ids == [usa.pk]
    assert article.mentions.get().count >= 2
    assert "Hoa Kỳ" in article.entity_names and "United States" in article.entity_names


def test_merging_turns_the_others_names_and_aliases_into_aliases(admin_client, usa, duplicate):
    merge(admin_client, usa, duplicate)

    assert set(usa.aliases.values_list("text", "language")) == {
        ("Hoa Kỳ", "vi"),
        ("USA", "en"),
        ("nước Mỹ", "vi"),
    }


def test_merging_moves_category_rules_over(admin_client, client, usa, duplicate, article):
    americas = CategoryFactory(any_entities=[duplicate])
    assert list(americas.articles.all()) == [article]

    merge(admin_client, usa, duplicate)

    assert list(americas.any_entities.all()) == [usa]
    assert list(americas.articles.all()) == [article]
    assert article.title_vi in client.get(americas.get_absolute_url()).content.decode()


def test_merging_points_suggestions_at_the_kept_entity(admin_client, usa, duplicate):
    suggestion = EntitySuggestion.objects.create(
        text="Hợp chúng quốc", language="vi", kind=Entity.Kind.PLACE, entity=duplicate
    )

    merge(admin_client, usa, duplicate)

    suggestion.refresh_from_db()
    assert suggestion.entity == usa


def test_a_merge_is_recorded_in_the_kept_entitys_history(admin_client, usa, duplicate):
    merge(admin_client, usa, duplicate)

    latest = Entity.history.filter(id=usa.pk).first()
    assert "Merged" in latest.history_change_reason
    assert ["nước Mỹ", "vi"] in latest.related["aliases"]


def test_merging_needs_two_entities(admin_client, usa):
    response = admin_client.post(
        CHANGELIST, {"action": "merge", "_selected_action": [usa.pk], "index": "0"}, follow=True
    )

    assert "Select two entities or more to merge." in response.content.decode()
    assert Entity.objects.filter(pk=usa.pk).exists()
