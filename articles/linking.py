"""Linking articles to the entities they mention, and keeping their categories right."""

from collections import Counter

from django.db import transaction
from django.utils.safestring import SafeString

from articles.entities import Alias, Gazetteer, highlight_mentions
from articles.membership import refresh_membership, sync_entity_ids, sync_tag_ids
from articles.models import Article, Entity, EntityAlias, Mention
from articles.search import sync_search_text
from articles.translation import sync_translation_state


def load_gazetteer(entities=None) -> Gazetteer:
    """Every alias and canonical name of the given entities (default: all of them)."""
    entities = Entity.objects.all() if entities is None else entities
    aliases = EntityAlias.objects.filter(entity__in=entities)
    return Gazetteer(
        [
            *(
                Alias(text, language, entity_id)
                for text, language, entity_id in aliases.values_list(
                    "text", "language", "entity_id"
                )
            ),
            *(
                Alias(name, language, pk)
                for pk, name_vi, name_en in entities.values_list("pk", "name_vi", "name_en")
                for name, language in ((name_vi, "vi"), (name_en, "en"))
                if name
            ),
        ]
    )


def article_texts(article: Article) -> list[tuple[str, str]]:
    """(text, language) for every piece of the article that can name an entity.

    The source's name is matched against language-neutral aliases (Reuters, AFP).
    """
    texts = [
        (article.title_vi, "vi"),
        (article.caption_vi, "vi"),
        (article.title_en, "en"),
        (article.caption_en, "en"),
    ]
    for vietnamese, english in article.aligned_blocks():
        texts += [(vietnamese, "vi"), (english, "en")]
    if article.source:
        texts.append((article.source.name, ""))
    return [(text, language) for text, language in texts if text]


def link_entities(article: Article, gazetteer: Gazetteer | None = None) -> Counter[int]:
    """Store the article's mentions, replacing what was found before. Entities an editor
    added by hand stay, with a count of 0 when the text does not name them."""
    counts = (gazetteer or load_gazetteer()).count_mentions(article_texts(article))
    with transaction.atomic():
        not_found = article.mentions.exclude(entity_id__in=counts.keys())
        not_found.filter(by_hand=False).delete()
        not_found.filter(by_hand=True).exclude(count=0).update(count=0)
        Mention.objects.bulk_create(
            [Mention(article=article, entity_id=pk, count=n) for pk, n in counts.items()],
            update_conflicts=True,
            unique_fields=["article", "entity"],
            update_fields=["count"],
        )
        sync_entity_ids([article.pk])
        sync_search_text([article.pk])
    return counts


def relink_article(article: Article, gazetteer: Gazetteer | None = None) -> None:
    """After an article's text or tags change: its mentions and tags, then its categories
    and the state of its translation."""
    link_entities(article, gazetteer)
    sync_tag_ids([article.pk])
    refresh_membership(article_ids=[article.pk])
    sync_translation_state([article.pk])


def highlight_article(article: Article) -> list[tuple[SafeString, SafeString]]:
    """The article's blocks with the mentions of its entities marked and linked."""
    entities = {mention.entity_id: mention.entity for mention in article.mentions.all()}
    gazetteer = load_gazetteer(Entity.objects.filter(pk__in=entities))

    def url_for(pk: int) -> str | None:
        return entities[pk].get_absolute_url() if pk in entities else None

    def marked(text: str, language: str) -> SafeString:
        return highlight_mentions(text, gazetteer.find_mentions(text, language), url_for)

    return [
        (marked(vietnamese, "vi"), marked(english, "en"))
        for vietnamese, english in article.aligned_blocks()
    ]
