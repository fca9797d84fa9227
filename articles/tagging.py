"""Tags that put themselves on articles.

A tag's rule is its words in Vietnamese and English, matched as entity names are matched
(articles.entities.matching): whole words, a Vietnamese compound never split, case ignored,
and diacritics too if the editor chose so; the words must occur a minimum number of times,
in the whole text or in the title and lead only.

The tags an article's text meets are found when the text is saved (articles.derived keeps
them, with the rest of what follows from the text); an editor's own tags and the tags an
editor took off win over them.
"""

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from articles.entities.linking import articles_to_match, built_from_names
from articles.entities.matching import ENGLISH, VIETNAMESE, Alias, Gazetteer
from articles.models import Article, Tag
from articles.text import fold

_WORD_SEPARATORS = re.compile(r"[,;\n]+")


def rule_words(text: str) -> list[str]:
    """The words and phrases of a rule, as an editor lists them: by commas or lines."""
    words = (" ".join(word.split()) for word in _WORD_SEPARATORS.split(text or ""))
    return list(dict.fromkeys(word for word in words if word))


@dataclass(frozen=True)
class Rule:
    tag_id: int
    minimum_count: int
    title_and_lead_only: bool


@dataclass(frozen=True)
class TagMatch:
    tag_id: int
    count: int
    words: Counter  # each word as it appeared (lowercase), and how often


class TagRules:
    """The rules of every tag that has words, ready to match texts."""

    def __init__(self, tags: Iterable[Tag]):
        tags = list(tags)
        self.rules = {
            tag.pk: Rule(tag.pk, tag.minimum_count, tag.title_and_lead_only) for tag in tags
        }
        # A word is matched once, as its own "entity", whatever the number of tags that
        # list it: a gazetteer gives a name to one entity only.
        numbers: dict[tuple, int] = {}
        self._tags_of_word: list[set[int]] = []
        exact, folded = [], []
        for tag in tags:
            aliases, key = (folded, fold) if tag.ignore_diacritics else (exact, str.lower)
            for words, language in ((tag.words_vi, VIETNAMESE), (tag.words_en, ENGLISH)):
                for word in rule_words(words):
                    number = numbers.setdefault((key, language, key(word)), len(numbers))
                    if number == len(self._tags_of_word):
                        self._tags_of_word.append(set())
                        aliases.append(Alias(word, language, number))
                    self._tags_of_word[number].add(tag.pk)
        self._gazetteers = [
            (Gazetteer(aliases, key=key), key, {key(alias.text) for alias in aliases})
            for aliases, key in ((exact, str.lower), (folded, fold))
            if aliases
        ]

    def matches(self, article: Article, paragraphs=None) -> dict[int, TagMatch]:
        """The tags whose rule the article's text meets (its stored paragraphs, or those
        given), with the words that matched."""
        if not self.rules:
            return {}
        head = [
            *((article.title_vi, VIETNAMESE), (article.title_en, ENGLISH)),
            *((article.lead_vi, VIETNAMESE), (article.lead_en, ENGLISH)),
        ]
        body = [(article.caption_vi, VIETNAMESE), (article.caption_en, ENGLISH)]
        for vietnamese, english in article.aligned_blocks(paragraphs)[1:]:  # the lead is above
            body += [(vietnamese, VIETNAMESE), (english, ENGLISH)]
        in_head, in_body = self._words(head), self._words(body)
        matches = {}
        for tag_id in in_head.keys() | in_body.keys():
            rule = self.rules[tag_id]
            words = in_head.get(tag_id, Counter())
            if not rule.title_and_lead_only:
                words = words + in_body.get(tag_id, Counter())
            count = sum(words.values())
            if count and count >= rule.minimum_count:
                matches[tag_id] = TagMatch(tag_id, count, words)
        return matches

    def _words(self, texts: list[tuple[str, str]]) -> dict[int, Counter]:
        """The words of each tag found in the texts, lowercase, with how often."""
        found: dict[int, Counter] = {}
        for text, language in texts:
            if not text:
                continue
            for gazetteer, key, needles in self._gazetteers:
                keyed = key(text)
                if not any(needle in keyed for needle in needles):
                    continue  # none of its words is in this text: no need to look closer
                for mention in gazetteer.find_mentions(text, language):
                    for tag_id in self._tags_of_word[mention.entity_id]:
                        found.setdefault(tag_id, Counter())[mention.text.lower()] += 1
        return found

    def tag_ids(self, article: Article, paragraphs=None) -> list[int]:
        return sorted(self.matches(article, paragraphs))


def set_tags_by_hand(article: Article, shown: set[int], wanted: set[int]) -> None:
    """An editor saw the article's tags `shown` and left `wanted`: a tag added stays, and a
    tag taken off stays off, even where the text meets its rule."""
    given_by_hand = set(article.tags.values_list("pk", flat=True))
    article.tags.set((given_by_hand & wanted) | (wanted - shown))
    article.removed_tags.remove(*wanted)
    article.removed_tags.add(*((shown - wanted) & set(article.rule_tag_ids)))


def load_tag_rules() -> TagRules:
    return TagRules(Tag.objects.exclude(words_vi="", words_en="").order_by("pk"))


def current_tag_rules() -> TagRules:
    """Every tag's rule, built once per process until a tag changes."""
    return built_from_names("tag rules", load_tag_rules)


@dataclass(frozen=True)
class RuleChange:
    article_id: int
    rule_tag_ids: list[int]  # the tags its text meets the rule of, as they would be
    gained: bool  # it would gain one of the tags
    lost: bool  # or lose one


@dataclass(frozen=True)
class RuleOutcome:
    """What a tag's rule changes over the stored articles."""

    gained: list[int]  # ids of the articles its rule would give the tag
    lost: list[int]  # and of those that hold it by its rule and would lose it
    checked: int  # articles read: those whose text may hold its words, and its holders
    complete: bool  # False when only the newest `limit` of them were read


CHECK_BATCH = 1_000


def rule_changes(
    tags: list[Tag], *, limit: int | None = None, progress=None, read=None
) -> Iterator[RuleChange]:
    """How the stored articles' rule tags would change under these tags' rules as given
    (saved or not). Only the articles the search index says may use their words are read,
    with those holding one of them, newest first; at most `limit` of them. `read(count)`
    is told how many were chosen."""
    rules = TagRules(tags)
    tag_ids = {tag.pk for tag in tags}
    words = [word for tag in tags for word in rule_words(tag.words_vi) + rule_words(tag.words_en)]
    candidates = Article.objects.may_name(words) if words else Article.objects.none()
    saved = [pk for pk in tag_ids if pk is not None]
    if saved:
        candidates = candidates | Article.objects.filter(rule_tag_ids__overlap=saved)
    ids = list(candidates.latest_first().values_list("pk", flat=True)[:limit])
    if read:
        read(len(ids))
    for start in range(0, len(ids), CHECK_BATCH):
        for article in articles_to_match(ids[start : start + CHECK_BATCH]):
            held = {pk for pk in article.rule_tag_ids if pk in tag_ids}
            meets = set(rules.matches(article))
            if meets != held:
                kept = [pk for pk in article.rule_tag_ids if pk not in tag_ids]
                yield RuleChange(
                    article.pk,
                    sorted(kept + [pk for pk in meets if pk is not None]),
                    gained=bool(meets - held),
                    lost=bool(held - meets),
                )
        if progress:
            progress(min(start + CHECK_BATCH, len(ids)), len(ids))


def rule_outcome(tag: Tag, *, limit: int | None = None) -> RuleOutcome:
    """What the tag's rule, as given, would change over the stored articles."""
    checked = []
    changes = list(rule_changes([tag], limit=limit, read=checked.append))
    return RuleOutcome(
        gained=[change.article_id for change in changes if change.gained],
        lost=[change.article_id for change in changes if change.lost],
        checked=checked[0],
        complete=limit is None or checked[0] < limit,
    )
