import pytest
from django.core.management import call_command

from articles.entities.suggestions import approve_suggestion, reject_suggestions, suggest_entities
from articles.models import Entity, EntityAlias, EntitySuggestion
from tests.factories import ArticleFactory

TEXT = "Ngoại trưởng Retno Marsudi đã gặp người đồng cấp tại Jakarta hôm qua."


@pytest.fixture
def article(db):
    return ArticleFactory(
        lead_vi=TEXT, paragraphs=[("Bà Retno Marsudi cho biết sẽ tới Jakarta.", "")]
    )


def pending_names() -> set[str]:
    return set(EntitySuggestion.objects.filter(status="pending").values_list("text", flat=True))


def test_names_no_entity_covers_are_suggested_with_their_counts(article):
    suggest_entities([article])

    suggestion = EntitySuggestion.objects.get(text="Retno Marsudi")
    assert suggestion.occurrences == 2
    assert suggestion.article_count == 1
    assert suggestion.kind == Entity.Kind.PERSON


def test_curated_names_are_not_suggested(article):
    jakarta = Entity.objects.create(
        slug="jakarta", kind="place", name_vi="Jakarta", name_en="Jakarta"
    )
    EntityAlias.objects.create(entity=jakarta, text="Jakarta", language="")

    suggest_entities([article])

    assert "Jakarta" not in pending_names()


def test_a_curated_name_run_into_a_new_one_is_taken_out(db):
    indonesia = Entity.objects.create(
        slug="indonesia", kind="place", name_vi="Indonesia", name_en="Indonesia"
    )
    EntityAlias.objects.create(entity=indonesia, text="Indonesia", language="")
    article = ArticleFactory(lead_vi="Bộ trưởng Ngoại giao Indonesia Retno Marsudi đã tới Hà Nội.")

    suggest_entities([article])

    assert "Retno Marsudi" in pending_names()
    assert not any("Indonesia" in name for name in pending_names())


def test_an_approved_suggestion_becomes_an_entity_and_links_the_article(article):
    suggest_entities([article])

    entity, _relinked = approve_suggestion(EntitySuggestion.objects.get(text="Retno Marsudi"))

    assert entity.name_vi == "Retno Marsudi"
    assert article.mentions.get(entity=entity).count == 2


def test_a_suggestion_approved_onto_an_entity_becomes_its_alias(article):
    indonesia = Entity.objects.create(
        slug="indonesia", kind="place", name_vi="In-đô-nê-xi-a", name_en="Indonesia"
    )
    suggest_entities([article])
    suggestion = EntitySuggestion.objects.get(text="Retno Marsudi")
    suggestion.entity = indonesia

    approve_suggestion(suggestion)

    assert indonesia.aliases.filter(text="Retno Marsudi").exists()


def test_a_rejected_suggestion_is_not_proposed_again(article):
    suggest_entities([article])
    reject_suggestions(EntitySuggestion.objects.filter(text="Retno Marsudi"))

    suggest_entities([article])

    assert EntitySuggestion.objects.get(text="Retno Marsudi").status == "rejected"


def test_the_command_reports_what_it_queued(article, capsys):
    call_command("suggest_entities", "--limit", "5")

    assert "created" in capsys.readouterr().out
