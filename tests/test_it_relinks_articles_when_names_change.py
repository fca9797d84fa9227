"""An entity's names decide which articles it is linked to: when an editor adds, changes or
removes a name or an alias, the articles that name it (or named it) are linked again, and
the categories built on the entity follow."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from articles.admin import entities as entities_admin
from articles.entities.suggestions import approve_suggestion
from articles.models import Entity, EntitySuggestion
from tests.factories import (
    CategoryFactory,
    EntityAliasFactory,
    EntityFactory,
    IndexedArticleFactory,
    SourceFactory,
)
from tests.test_it_curates_categories import admin_form_data

pytestmark = pytest.mark.usefixtures("english_site")

OLD_NAME = "Phù Tang"  # an old Vietnamese name for Japan


def named_by_old_name(**fields):
    return IndexedArticleFactory(
        lead_vi=f"Xứ {OLD_NAME} nâng ngân sách quốc phòng.",
        lead_en="",
        paragraphs=[],
        **fields,
    )


def linked(entity: Entity) -> set:
    return {mention.article for mention in entity.mentions.select_related("article")}


def change_entity(admin_client, entity: Entity, **changes):
    url = reverse("admin:articles_entity_change", args=[entity.pk])
    response = admin_client.post(url, admin_form_data(admin_client, url, "entity_form") | changes)
    assert response.status_code == 302
    return [str(message) for message in get_messages(response.wsgi_request)]


def add_alias(admin_client, entity: Entity, text: str) -> list[str]:
    url = reverse("admin:articles_entity_change", args=[entity.pk])
    data = admin_form_data(admin_client, url, "entity_form")
    extra = int(data["aliases-TOTAL_FORMS"][0]) - 1  # the empty form the inline offers
    return change_entity(admin_client, entity, **{f"aliases-{extra}-text": [text]})


@pytest.fixture
def japan(db):
    return EntityFactory(slug="japan", name_vi="Nhật Bản", name_en="Japan")


def test_a_new_alias_links_the_articles_that_name_it_and_fills_its_categories(
    admin_client, client, japan
):
    article = named_by_old_name()
    asia = CategoryFactory(any_entities=[japan])
    assert linked(japan) == set()

    said = add_alias(admin_client, japan, OLD_NAME)

    assert linked(japan) == {article}
    assert set(asia.articles.all()) == {article}
    assert "Nhật Bản / Japan is linked in 1 article (1 re-linked)." in said
    # the English query finds the Vietnamese-only article through its new link
    assert article.title_vi in client.get("/search/", {"q": "Japan"}).content.decode()


def test_an_alias_taken_away_unlinks_the_articles_that_named_it_only_by_it(admin_client, japan):
    EntityAliasFactory(entity=japan, text=OLD_NAME, language="vi")
    by_old_name = named_by_old_name()
    by_name = IndexedArticleFactory(lead_vi="Nhật Bản nâng ngân sách.", paragraphs=[])
    assert linked(japan) == {by_old_name, by_name}

    change_entity(admin_client, japan, **{"aliases-0-DELETE": ["on"]})

    assert linked(japan) == {by_name}


def test_an_entity_added_in_the_admin_links_the_articles_already_there(admin_client):
    article = named_by_old_name()
    url = reverse("admin:articles_entity_add")
    data = admin_form_data(admin_client, url, "entity_form")
    data |= {"slug": ["phu-tang"], "kind": ["place"], "name_vi": [OLD_NAME], "name_en": ["Fusō"]}

    assert admin_client.post(url, data).status_code == 302

    assert linked(Entity.objects.get(slug="phu-tang")) == {article}


def test_a_new_alias_links_the_articles_from_a_source_of_that_name(admin_client):
    reuters = EntityFactory(slug="reuters", kind="organisation", name_vi="Rơi-tơ", name_en="RTR")
    article = IndexedArticleFactory(source=SourceFactory(name="Reuters"), paragraphs=[])
    assert linked(reuters) == set()

    add_alias(admin_client, reuters, "Reuters")

    assert linked(reuters) == {article}


def test_editing_anything_but_names_relinks_nothing(admin_client, japan):
    named_by_old_name()
    EntityAliasFactory(entity=japan, text=OLD_NAME, language="vi")  # behind the linker's back

    said = change_entity(admin_client, japan, kind=["organisation"])

    assert linked(japan) == set()
    assert not any("re-linked" in message for message in said)


def test_an_approved_suggestion_links_every_article_naming_it_and_fills_categories(japan):
    article = named_by_old_name()
    asia = CategoryFactory(any_entities=[japan])
    suggestion = EntitySuggestion.objects.create(
        text=OLD_NAME, language="vi", kind="place", entity=japan
    )

    _entity, relinked = approve_suggestion(suggestion)

    assert relinked.linked == 1
    assert set(asia.articles.all()) == {article}


def test_a_save_relinks_the_newest_articles_and_the_command_the_older_ones(
    admin_client, japan, monkeypatch
):
    monkeypatch.setattr(entities_admin, "RELINK_AT_ONCE", 1)
    older = named_by_old_name(published_at=timezone.now() - timedelta(days=1))
    newest = named_by_old_name()

    said = add_alias(admin_client, japan, OLD_NAME)

    assert linked(japan) == {newest}
    assert (
        "Nhật Bản / Japan is linked in 1 article (1 re-linked). 1 older articles may name it "
        "too: re-link them with “manage.py relink_entities japan”."
    ) in said

    output = StringIO()
    call_command("relink_entities", "japan", stdout=output)

    assert linked(japan) == {newest, older}
    assert output.getvalue() == "japan: re-linked 2 articles; linked in 2 now.\n"


def test_the_command_refuses_an_unknown_entity_and_changes_nothing(japan):
    named_by_old_name()
    EntityAliasFactory(entity=japan, text=OLD_NAME, language="vi")

    with pytest.raises(CommandError, match="No entity with the slug nippon"):
        call_command("relink_entities", "japan", "nippon")

    assert linked(japan) == set()
