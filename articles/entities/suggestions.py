"""Names the NER finds that no curated entity covers yet, proposed to editors in batches.

underthesea's NER runs at about 1,300 syllables a second here, so it never runs inside a
page request: the suggest_entities command (or an import followed by it) feeds the queue.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import transaction

from articles.derived import RELINK_AT_ONCE, Relinked, relink_entity
from articles.entities.linking import load_gazetteer
from articles.entities.matching import Gazetteer
from articles.models import Article, Entity, EntityAlias, EntitySuggestion
from articles.slugs import unique_slug

NER_KINDS = {"PER": Entity.Kind.PERSON, "ORG": Entity.Kind.ORGANISATION, "LOC": Entity.Kind.PLACE}
MIN_NAME_LENGTH = 2


def named_spans(text: str) -> list[tuple[list[str], str]]:
    """(words, NER kind) for each person, organisation or place underthesea finds."""
    from underthesea import ner

    spans: list[tuple[list[str], str]] = []
    for word, *_, label in ner(text):
        continues = label.startswith("I-") and spans and spans[-1][1] == label[2:]
        if continues:
            spans[-1][0].append(word)
        elif label[2:] in NER_KINDS:
            spans.append(([word], label[2:]))
        else:
            spans.append(([], ""))
    return [(words, kind) for words, kind in spans if words]


def uncurated_names(
    articles: Iterable[Article], gazetteer: Gazetteer
) -> tuple[Counter[tuple[str, str]], dict[tuple[str, str], set[int]]]:
    """Occurrences and articles of each (name, kind) the gazetteer does not already cover.

    The NER sometimes runs a curated name into a new one ("Indonesia Retno Marsudi"):
    the curated words are taken out and what is left is the suggestion.
    """
    occurrences: Counter[tuple[str, str]] = Counter()
    seen_in: dict[tuple[str, str], set[int]] = defaultdict(set)
    for article in articles:
        for vietnamese, _ in article.aligned_blocks():
            for words, kind in named_spans(vietnamese):
                for name in _uncovered_parts(words, gazetteer):
                    occurrences[(name, kind)] += 1
                    seen_in[(name, kind)].add(article.pk)
    return occurrences, seen_in


def _uncovered_parts(words: list[str], gazetteer: Gazetteer) -> list[str]:
    parts, current = [], []
    for word in [*words, None]:
        if word is None or _is_covered(word, gazetteer):
            name = " ".join(current)
            if len(name) >= MIN_NAME_LENGTH and not _is_covered(name, gazetteer):
                parts.append(name)
            current = []
        else:
            current.append(word)
    return parts


def _is_covered(name: str, gazetteer: Gazetteer) -> bool:
    mentions = gazetteer.find_mentions(name, "vi")
    return any(mention.start == 0 and mention.end == len(name) for mention in mentions)


def suggest_entities(articles: Iterable[Article]) -> dict[str, int]:
    """Add or refresh pending suggestions from these articles; rejected names stay rejected."""
    occurrences, seen_in = uncurated_names(articles, load_gazetteer())
    report = Counter()
    decided = set(
        EntitySuggestion.objects.exclude(status=EntitySuggestion.Status.PENDING).values_list(
            "text", flat=True
        )
    )
    with transaction.atomic():
        for (name, kind), count in occurrences.items():
            if name in decided:
                report["skipped"] += 1
                continue
            _, created = EntitySuggestion.objects.update_or_create(
                text=name,
                language="vi",
                defaults={
                    "kind": NER_KINDS[kind],
                    "occurrences": count,
                    "article_count": len(seen_in[(name, kind)]),
                },
            )
            report["created" if created else "updated"] += 1
    return dict(report)


@transaction.atomic
def approve_suggestion(suggestion: EntitySuggestion) -> tuple[Entity, Relinked]:
    """Make the name an alias of the chosen entity, or a new entity; then relink articles."""
    entity = suggestion.entity
    if entity is None:
        entity = Entity.objects.create(
            slug=unique_slug(suggestion.text, model=Entity),
            kind=suggestion.kind,
            name_vi=suggestion.text,
            name_en=suggestion.text,
        )
    else:
        EntityAlias.objects.get_or_create(
            text=suggestion.text, language=suggestion.language, defaults={"entity": entity}
        )
    suggestion.entity = entity
    suggestion.status = EntitySuggestion.Status.APPROVED
    suggestion.save()
    return entity, relink_entity(entity, limit=RELINK_AT_ONCE)


def reject_suggestions(suggestions) -> int:
    return suggestions.update(status=EntitySuggestion.Status.REJECTED)
