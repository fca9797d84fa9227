"""What an article page ends with: more on its story, from other sources, and related
articles, chosen by the tags and entities they share with it, the rarer the heavier, the
recent ones first.

How common a tag or entity is comes from PostgreSQL's statistics of the articles' id arrays
(ArticleQuerySet.topic_counts): kept by ANALYZE as the table changes, and read in one
small query, where counting the articles that hold each one would read thousands of rows.
"""

import math
from dataclasses import dataclass

from articles.models import Article, StoryMember

RELATED = 5
RARE = 100  # a topic about this many articles hold at most is looked for at any age
KEY_SHARE = 0.05  # one that at most this share of articles hold is one of an article's keys


@dataclass(frozen=True)
class Coverage:
    story: list[Article]  # from other sources, on the same story
    related: list[Article]


@dataclass(frozen=True)
class Rarity:
    """What the article's tags and entities say about another article that shares them."""

    weights: dict[str, dict[int, float]]  # {"tag_ids": {id: weight}, "entity_ids": {...}}
    keys: dict[str, list[int]]  # those that are not among the commonest (all if none is)
    rare: dict[str, list[int]]  # those held by few articles, looked for at any age


def rarity(article: Article) -> Rarity:
    """The weight of each of the article's tags and entities: the log of how many times
    rarer than all articles holding it is; 1 each on a site without statistics yet."""
    articles, counts = Article.objects.topic_counts(article.tag_ids, article.entity_ids)
    topics = {"tag_ids": article.tag_ids, "entity_ids": article.entity_ids}
    if not articles or None in counts.values():
        weights = {column: dict.fromkeys(ids, 1.0) for column, ids in topics.items()}
        return Rarity(weights, keys=topics, rare=topics)
    keys = {
        column: [pk for pk in ids if counts[column][pk] <= KEY_SHARE * articles] or ids
        for column, ids in topics.items()
    }
    return Rarity(
        weights={
            column: {pk: math.log(articles / max(counts[column][pk], 1)) for pk in ids}
            for column, ids in topics.items()
        },
        keys=keys,
        rare={
            column: [pk for pk in ids if counts[column][pk] <= RARE]
            for column, ids in topics.items()
        },
    )


def coverage(article: Article, member: StoryMember | None) -> Coverage:
    """The article's story from other sources, and the related articles besides those."""
    if not article.tag_ids and not article.entity_ids:
        return Coverage([], [])
    known = rarity(article)
    articles = Article.objects.all()
    story = articles.story_ids(article, member, known.keys["entity_ids"], RELATED)
    related = articles.related_ids(article, known.weights, known.keys, known.rare, story, RELATED)
    cards = Article.objects.for_cards().in_bulk([*story, *related])
    return Coverage(
        [cards[pk] for pk in story if pk in cards], [cards[pk] for pk in related if pk in cards]
    )
