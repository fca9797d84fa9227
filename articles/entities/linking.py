"""Linking articles to the entities they mention: the gazetteer of every name and alias,
the mentions found in articles' text, and re-linking after names change."""

import uuid
from collections import Counter

from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch
from django.utils.safestring import SafeString

from articles import changes
from articles.entities.matching import Alias, Gazetteer, highlight_mentions
from articles.models import Article, Entity, EntityAlias, Mention, Paragraph
from articles.words import stored_words, text_words

GAZETTEER_KEY = "entities:gazetteer"

_built: dict[str, Gazetteer] = {}  # this process's gazetteer, by the token it was built for


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
    """The gazetteer of every entity, built once per process until a change of any entity
    or alias commits (on any server: the token that says so is in the shared cache).
    Inside the transaction that changes one, it is built afresh each time and kept by no
    one: those names may yet be rolled back."""
    if _names_changed_in_this_transaction():
        return load_gazetteer()
    token = cache.get_or_set(GAZETTEER_KEY, uuid.uuid4().hex, None)
    if token not in _built:
        _built.clear()
        _built[token] = load_gazetteer()
    return _built[token]


def entities_changed() -> None:
    """An entity or alias was written: linking in this transaction sees it at once, and
    every process builds its gazetteer anew once it commits."""
    if not _names_changed_in_this_transaction():
        transaction.on_commit(_new_gazetteer_token)


def _new_gazetteer_token() -> None:
    cache.set(GAZETTEER_KEY, uuid.uuid4().hex, None)


def _names_changed_in_this_transaction() -> bool:
    connection = transaction.get_connection()
    return connection.in_atomic_block and any(
        callback is _new_gazetteer_token for _sids, callback, _robust in connection.run_on_commit
    )


TITLE, LEAD, BODY = range(3)  # the parts of an article's words, one line each


def article_texts(article: Article) -> list[tuple[str, str, int | None]]:
    """(text, language, part) for every piece of the article that can name an entity; the
    part of its words a Vietnamese piece gives (TITLE, LEAD or BODY), or None.

    The source's name is matched against language-neutral aliases (Reuters, AFP).
    """
    texts = [
        (article.title_vi, "vi", TITLE),
        (article.caption_vi, "vi", BODY),
        (article.title_en, "en", None),
        (article.caption_en, "en", None),
    ]
    for number, (vietnamese, english) in enumerate(article.aligned_blocks()):
        texts += [(vietnamese, "vi", BODY if number else LEAD), (english, "en", None)]
    if article.source:
        texts.append((article.source.name, "", None))
    return [(text, language, part) for text, language, part in texts if text]


def read_article(article: Article, gazetteer: Gazetteer) -> tuple[Counter, str]:
    """How often the article names each entity, by entity id, and its Vietnamese words
    (articles.words.stored_words): its title's, its lead's and the rest's. One pass:
    the names found are words of their own, so that its words follow from its text, the
    word list and its mentions alone."""
    counts: Counter[int] = Counter()
    words: list[list[str]] = [[], [], []]
    for text, language, part in article_texts(article):
        mentions = gazetteer.find_mentions(text, language)
        counts.update(mention.entity_id for mention in mentions)
        if part is not None:
            spans = [(mention.start, mention.end) for mention in mentions]
            words[part] += text_words(text, spans)
    return counts, stored_words(words)


def link_articles(article_ids, gazetteer: Gazetteer | None = None) -> dict[int, str]:
    """Store the articles' mentions as their text names them now, in bulk. Entities an
    editor added by hand stay, with a count of 0 when the text does not name them.
    Returns each article's words, read in the same pass (read_article).

    Called by articles.derived.refresh(), which stores the words and brings the rest of
    what follows up to date.
    """
    gazetteer = gazetteer or current_gazetteer()
    articles = (
        Article.objects.filter(pk__in=list(article_ids))
        .only(  # what article_texts() reads, and no more
            *("title_vi", "title_en", "lead_vi", "lead_en", "caption_vi", "caption_en"),
            "source__name",
        )
        .select_related("source")
        .prefetch_related(
            Prefetch("paragraphs", Paragraph.objects.only("article", "text_vi", "text_en"))
        )
    )
    found, words = {}, {}
    for article in articles:
        found[article.pk], words[article.pk] = read_article(article, gazetteer)
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
    return words


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
