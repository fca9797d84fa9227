"""Merging entities that turn out to be one: names, aliases, mentions, rules, suggestions."""

from django.db import transaction
from django.db.models import Sum

from articles.derived import relink_articles
from articles.history import record_first_revision, record_revision
from articles.models import Category, Entity, EntityAlias, EntitySuggestion, Mention

ENTITY_RULE_FIELDS = ("any_entities", "all_entities", "exclude_entities")


@transaction.atomic
def merge_entities(target: Entity, others) -> int:
    """Merge the other entities into the target: their names become its aliases, and their
    aliases, mentions, category rules and suggestions move over; then the articles that
    named them are re-linked. Returns how many articles were re-linked."""
    others = [other for other in others if other.pk != target.pk]
    if not others:
        return 0
    other_ids = [other.pk for other in others]
    record_first_revision(Entity, [target.pk, *other_ids])

    EntityAlias.objects.filter(entity_id__in=other_ids).update(entity=target)
    own_names = {(target.name_vi, "vi"), (target.name_en, "en")}
    EntityAlias.objects.bulk_create(
        [
            EntityAlias(entity=target, text=name, language=language)
            for other in others
            for name, language in ((other.name_vi, "vi"), (other.name_en, "en"))
            if name and (name, language) not in own_names
        ],
        ignore_conflicts=True,
    )

    moved = Mention.objects.filter(entity_id__in=other_ids)
    affected = set(moved.values_list("article_id", flat=True))
    by_hand = set(moved.filter(by_hand=True).values_list("article_id", flat=True))
    totals = moved.values_list("article_id").annotate(total=Sum("count")).order_by()
    Mention.objects.bulk_create(
        [
            Mention(
                article_id=article_id, entity=target, count=total, by_hand=article_id in by_hand
            )
            for article_id, total in totals
        ],
        update_conflicts=True,
        unique_fields=["article", "entity"],
        update_fields=["count"],
    )
    Mention.objects.filter(entity=target, article_id__in=by_hand).update(by_hand=True)

    categories = _move_rules(target, other_ids)
    EntitySuggestion.objects.filter(entity_id__in=other_ids).update(entity=target)

    Entity.objects.filter(pk__in=other_ids).delete()
    relink_articles(affected)
    names = ", ".join(str(other) for other in others)
    record_revision([target], reason=f"Merged {names} into it"[:100])
    record_revision(categories, reason=f"Rule took over {names} from the merge"[:100])
    return len(affected)


def _move_rules(target: Entity, other_ids: list[int]) -> list[Category]:
    """Put the target in every category rule that named one of the others."""
    touched: dict[int, Category] = {}
    for field in ENTITY_RULE_FIELDS:
        through = Category._meta.get_field(field).remote_field.through
        category_ids = set(
            through.objects.filter(entity_id__in=other_ids).values_list("category_id", flat=True)
        )
        if not category_ids:
            continue
        record_first_revision(Category, category_ids)
        for category in Category.objects.filter(pk__in=category_ids):
            getattr(category, field).add(target)
            getattr(category, field).remove(*other_ids)
            touched[category.pk] = category
    return list(touched.values())
