"""What a reader who taps a word sees: its meanings in the other language.

Meanings come from the glossary (GlossaryEntry, curated in the admin), and from the names
of entities and tags, which gloss themselves (Nhật Bản: Japan, with the entity's page).
A Vietnamese word is the whole word the article's text was read as when it was saved
(Article.word_lengths); an English word is looked up as written, then by its lemma
(alliances: alliance), through simplemma's English dictionary, which ships with it.

The page fetches what one article needs (article_words()) the first time its reader taps a
word: the lengths of its words, and the meanings of those that have one.
"""

import functools
import re
from collections import Counter
from collections.abc import Iterable

import simplemma
from django.db.models import Prefetch, Q

from articles.models import Article, EntityAlias, GlossaryEntry, Mention, Tag
from articles.words import ENGLISH_WORD, SYLLABLE, headword_key

GLOSS_SEPARATOR = re.compile(r"\s*;\s*")


@functools.lru_cache(maxsize=20_000)
def lemma(word: str) -> str:
    """An English word's dictionary form, lowercase: alliances → alliance, ran → run."""
    return simplemma.lemmatize(word.lower(), lang="en").lower()


def vietnamese_pieces(article: Article) -> list[str]:
    """The Vietnamese texts whose word lengths the article stores, a line each: its title,
    its caption, then each block (lead first)."""
    return [article.title_vi, article.caption_vi, *(vi for vi, _en in article.aligned_blocks())]


def english_pieces(article: Article) -> list[str]:
    return [article.title_en, article.caption_en, *(en for _vi, en in article.aligned_blocks())]


def vietnamese_words(text: str, lengths: str) -> list[str]:
    """The words of a Vietnamese text as its page's script reads them: its syllables,
    lowercase, grouped by the stored lengths (one syllable each when they disagree)."""
    syllables = [syllable.lower() for syllable in SYLLABLE.findall(text)]
    sizes = [int(digit, 36) for digit in lengths]
    if sum(sizes) != len(syllables):
        sizes = [1] * len(syllables)
    words, start = [], 0
    for size in sizes:
        words.append(" ".join(syllables[start : start + size]))
        start += size
    return words


def english_words(text: str) -> list[str]:
    return [word.lower() for word in ENGLISH_WORD.findall(text)]


WORD_FIELDS = (
    *("title_vi", "title_en", "caption_vi", "caption_en", "lead_vi", "lead_en"),
    "word_lengths",
)
MENTIONED_ENTITIES = Prefetch(
    "mentions",
    Mention.objects.select_related("entity").prefetch_related(
        Prefetch("entity__aliases", EntityAlias.objects.only("entity", "text"))
    ),
)


def word_lines(article: Article) -> list[str]:
    """The article's stored word lengths, a line for each of vietnamese_pieces()."""
    count = len(vietnamese_pieces(article))
    return (article.word_lengths.split("\n") + [""] * count)[:count]


def words_of(article: Article) -> tuple[list[str], list[str]]:
    """The article's Vietnamese and English words, as its page reads them, in order."""
    vietnamese = [
        word
        for text, line in zip(vietnamese_pieces(article), word_lines(article), strict=True)
        for word in vietnamese_words(text, line)
    ]
    english = [word for text in english_pieces(article) for word in english_words(text)]
    return vietnamese, english


def article_words(pk: int) -> dict:
    """What the article's page needs to gloss its words: the lengths of its Vietnamese
    words ("lengths": a line for the title, the caption and each block), and the meaning
    of each of its words that has one, by the word as the page reads it ("vi", "en": the
    glosses "g", part of speech "p", note "n", lemma "l", entity page "e" and its name "t").
    """
    article = (
        Article.objects.only(*WORD_FIELDS)
        .prefetch_related("paragraphs", MENTIONED_ENTITIES)
        .get(pk=pk)
    )
    vietnamese, english = words_of(article)
    entities = [mention.entity for mention in article.mentions.all()]
    return {"lengths": word_lines(article), **meanings(set(vietnamese), set(english), entities)}


def meanings(vietnamese: Iterable[str], english: Iterable[str], entities=()) -> dict:
    """The meanings of these words (lowercase, as a page reads them) that have one, from
    the glossary, the names of these entities and the names of public tags."""
    by_key = {"vi": {}, "en": {}}
    for word in vietnamese:
        by_key["vi"].setdefault(headword_key(word, "vi"), []).append(word)
    for word in english:
        for key in (headword_key(word, "en"), lemma(word)):
            by_key["en"].setdefault(key, []).append(word)
    found: dict[str, dict[str, dict]] = {"vi": {}, "en": {}}

    def add(language: str, key: str, meaning: dict) -> None:
        for word in by_key[language].get(key, ()):
            known = found[language].setdefault(word, {})
            for name, value in meaning.items():
                known.setdefault(name, value)
            if language == "en" and key != word and "l" not in known:
                known["l"] = key

    for entity in entities:
        link = {"e": entity.get_absolute_url()}
        for name, language, other in (
            (entity.name_vi, "vi", entity.name_en),
            (entity.name_en, "en", entity.name_vi),
        ):
            add(language, headword_key(name, language), {**link, "t": other})
        for alias in entity.aliases.all():
            for language in ("vi", "en"):
                other = entity.name_en if language == "vi" else entity.name_vi
                add(language, headword_key(alias.text, language), {**link, "t": other})
    entries = GlossaryEntry.objects.filter(
        Q(language="vi", headword__in=list(by_key["vi"]))
        | Q(language="en", headword__in=list(by_key["en"]))
    ).order_by("headword")
    for entry in entries:
        add(entry.language, entry.headword, _entry_meaning(entry))
    for tag in Tag.objects.public().only("name_vi", "name_en"):
        add("vi", headword_key(tag.name_vi, "vi"), {"g": tag.name_en})
        add("en", headword_key(tag.name_en, "en"), {"g": tag.name_vi})
    return found


def _entry_meaning(entry: GlossaryEntry) -> dict:
    meaning = {"g": "; ".join(GLOSS_SEPARATOR.split(entry.glosses.strip()))}
    if entry.part_of_speech:
        meaning["p"] = str(entry.get_part_of_speech_display())
    if entry.note:
        meaning["n"] = entry.note
    return meaning


# --- The editors' queue ------------------------------------------------------------------

QUEUE_ARTICLES = 500  # the latest published articles whose words the queue counts


def unglossed_words(limit: int = 100, articles: int = QUEUE_ARTICLES) -> list[tuple[str, str, int]]:
    """(language, headword, how many times) for the words used most in the latest
    published articles that have no meaning yet: not in the glossary, not the name of an
    entity they mention or of a tag. English words are counted by lemma; words with a
    digit are left out."""
    latest = (
        Article.objects.published()
        .latest_first()
        .only(*WORD_FIELDS)
        .prefetch_related("paragraphs", MENTIONED_ENTITIES)[:articles]
    )
    counts: Counter[tuple[str, str]] = Counter()
    entities = {}
    for article in latest:
        vietnamese, english = words_of(article)
        counts.update(("vi", word) for word in vietnamese)
        counts.update(("en", word) for word in english)
        entities.update((mention.entity_id, mention.entity) for mention in article.mentions.all())
    words = {
        language: {word for side, word in counts if side == language} for language in ["vi", "en"]
    }
    known = meanings(words["vi"], words["en"], entities.values())
    queue: Counter[tuple[str, str]] = Counter()
    for (language, word), count in counts.items():
        if word not in known[language] and not any(letter.isdigit() for letter in word):
            queue[language, headword_key(word, "vi") if language == "vi" else lemma(word)] += count
    return [(language, word, count) for (language, word), count in queue.most_common(limit)]
