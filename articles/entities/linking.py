"""Linking articles to the entities they mention: the gazetteer of every name and alias,
the mentions found in articles' text, and re-linking after names change."""

import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch
from django.utils.safestring import SafeString

from articles import changes
from articles.entities.matching import Alias, Gazetteer, highlight_mentions
from articles.models import Article, Entity, EntityAlias, Mention, Paragraph
from articles.words import inner_words, joined, segment, stored_words, word_lengths

NAMES_KEY = "entities:gazetteer"

T = TypeVar("T")
_built: dict[str, dict] = {}  # what this process built from names, by the token it was built for


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


def current_gazetteer() -> Gazetteer:
    """The gazetteer of every entity."""
    return built_from_names("gazetteer", load_gazetteer)


def current_names() -> dict[int, list[str]]:
    """Every entity's names and aliases, by entity id."""

    def load() -> dict[int, list[str]]:
        names: dict[int, list[str]] = {}
        for pk, name_vi, name_en in Entity.objects.values_list("pk", "name_vi", "name_en"):
            names[pk] = [name for name in (name_vi, name_en) if name]
        for entity_id, text in EntityAlias.objects.values_list("entity_id", "text"):
            names.setdefault(entity_id, []).append(text)
        return names

    return built_from_names("names", load)


def built_from_names(name: str, build: Callable[[], T]) -> T:
    """What build() makes from the names of entities and the words of tags, built once per
    process until a change of any of them commits (on any server: the token that says so
    is in the shared cache). Inside the transaction that changes one, it is built afresh
    each time and kept by no one: those names may yet be rolled back."""
    if _names_changed_in_this_transaction():
        return build()
    token = cache.get_or_set(NAMES_KEY, uuid.uuid4().hex, None)
    if token not in _built:
        _built.clear()
        _built[token] = {}
    if name not in _built[token]:
        _built[token][name] = build()
    return _built[token][name]


def names_changed() -> None:
    """An entity, alias or tag rule was written: matching in this transaction sees it at
    once, and every process builds its matchers anew once it commits."""
    if not _names_changed_in_this_transaction():
        transaction.on_commit(_new_gazetteer_token)


def _new_gazetteer_token() -> None:
    cache.set(NAMES_KEY, uuid.uuid4().hex, None)


def _names_changed_in_this_transaction() -> bool:
    connection = transaction.get_connection()
    return connection.in_atomic_block and any(
        callback is _new_gazetteer_token for _sids, callback, _robust in connection.run_on_commit
    )


TITLE, LEAD, BODY = range(3)  # the parts of an article's words, one line each


def article_texts(article: Article, paragraphs=None) -> list[tuple[str, str, int | None, int]]:
    """(text, language, part, line) for every piece of the article that can name an entity
    (its stored paragraphs, or those given: an article not stored yet); the part of its
    words a Vietnamese piece gives (TITLE, LEAD or BODY), or None; and its line among the
    lengths of its words (read_article): the title, the caption, then each block.

    The source's name is matched against language-neutral aliases (Reuters, AFP).
    """
    texts = [
        (article.title_vi, "vi", TITLE, 0),
        (article.caption_vi, "vi", BODY, 1),
        (article.title_en, "en", None, 0),
        (article.caption_en, "en", None, 1),
    ]
    for number, (vietnamese, english) in enumerate(article.aligned_blocks(paragraphs)):
        texts += [
            (vietnamese, "vi", BODY if number else LEAD, 2 + number),
            (english, "en", None, 2 + number),
        ]
    if article.source:
        texts.append((article.source.name, "", None, -1))
    return [(text, language, part, line) for text, language, part, line in texts if text]


BlockNames = list[tuple[dict[int, str], dict[int, str]]]


def read_article(
    article: Article, gazetteer: Gazetteer, paragraphs=None, compounds: frozenset = frozenset()
) -> tuple[Counter, str, str, BlockNames]:
    """How often the article names each entity, by entity id; its Vietnamese words
    (articles.words.stored_words): its title's, its lead's and the rest's; how many
    syllables each of them has, a line for its title, its caption and each block
    (articles.words.word_lengths), which its page reads to tell its words apart: there,
    the glossary's headwords of several words (`compounds`) are one word; and the entities
    each side of each block names ({entity id: the name as written}, for the desk's
    checks). One pass: the names found are words of their own, so that its words follow
    from its text, the word list and its mentions alone."""
    counts: Counter[int] = Counter()
    words: list[list[str]] = [[], [], []]
    block_count = len(article.aligned_blocks(paragraphs))
    lengths = [""] * (2 + block_count)
    named: BlockNames = [({}, {}) for _block in range(block_count)]
    for text, language, part, line in article_texts(article, paragraphs):
        mentions = gazetteer.find_mentions(text, language)
        counts.update(mention.entity_id for mention in mentions)
        if line >= 2:  # a side of a block
            side = named[line - 2][0 if language == "vi" else 1]
            for mention in mentions:
                side.setdefault(mention.entity_id, mention.text)
        if part is not None:
            segmented = segment(text, [(mention.start, mention.end) for mention in mentions])
            words[part] += inner_words(segmented)
            lengths[line] = word_lengths(joined(segmented, compounds))
    return counts, stored_words(words), "\n".join(lengths), named


def articles_to_match(article_ids) -> Iterable[Article]:
    """The articles, with what article_texts() and tag rules read, and no more."""
    return (
        Article.objects.filter(pk__in=list(article_ids))
        .only(
            *("title_vi", "title_en", "lead_vi", "lead_en", "caption_vi", "caption_en"),
            *("rule_tag_ids", "source__name"),
        )
        .select_related("source")
        .prefetch_related(
            Prefetch("paragraphs", Paragraph.objects.only("article", "text_vi", "text_en"))
        )
    )


def store_mentions(found: dict[int, Counter]) -> None:
    """Make the articles' stored mentions these counts, by entity id. Entities an editor
    added by hand stay, with a count of 0 when the text does not name them."""
    stale, by_hand_unnamed, stored = [], [], {}
    for pk, article_id, entity_id, count, by_hand in Mention.objects.filter(
        article_id__in=found
    ).values_list("pk", "article_id", "entity_id", "count", "by_hand"):
        stored[article_id, entity_id] = count
        if entity_id not in found[article_id]:
            (by_hand_unnamed if by_hand else stale).append(pk)
    Mention.objects.filter(pk__in=stale).delete()
    Mention.objects.filter(pk__in=by_hand_unnamed).exclude(count=0).update(count=0)
    Mention.objects.bulk_create(
        [
            Mention(article_id=article_id, entity_id=entity_id, count=count)
            for article_id, counts in found.items()
            for entity_id, count in counts.items()
            if stored.get((article_id, entity_id)) != count
        ],
        update_conflicts=True,
        unique_fields=["article", "entity"],
        update_fields=["count"],
    )


def set_entities_by_hand(article: Article, wanted_ids) -> None:
    """Keep the entities an editor picked for the article, besides those its text names.

    Entities the text names need no picking; one that is no longer wanted is left to the
    next linking, which keeps it only if the text names it.
    """
    wanted = set(wanted_ids)
    found_in_text = set(article.mentions.filter(by_hand=False).values_list("entity_id", flat=True))
    article.mentions.filter(by_hand=True).exclude(entity_id__in=wanted).update(by_hand=False)
    Mention.objects.bulk_create(
        [
            Mention(article=article, entity_id=pk, count=0, by_hand=True)
            for pk in wanted - found_in_text
        ],
        update_conflicts=True,
        unique_fields=["article", "entity"],
        update_fields=["by_hand"],
    )
    changes.mark([article.pk], texts_changed=True)


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
