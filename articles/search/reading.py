"""Reading a query of plain words as Vietnamese words: which neighbouring syllables make a
word, which forms of each the published articles hold (counted through the word vector's
index), and which entity the whole query names; with what ranking it needs to know of its
terms (their idf, the English stems of its words), in the same query. Kept until the
content changes."""

from articles.entities.linking import current_gazetteer
from articles.models import Article
from articles.search.query import Reading, SearchQuery, plain_syllables
from articles.search.ranking import possible_terms
from articles.text import fold
from articles.words import by_form, query_words, word_candidates
from newsreader.pagecache import FRAGMENT_SECONDS, remember

COUNTED_UP_TO = 1_000  # articles holding a form: enough to tell the usual form from a rare one


def read(query: SearchQuery, literal: bool = False, keep: bool = True) -> Reading:
    """How the query is read (kept for the next reader who asks alike, unless `keep` is
    False: a query the site had to cut); a query with a phrase, an OR or an exclusion is
    read syllable by syllable, as typed (an empty Reading)."""
    syllables = plain_syllables(query.text)
    if not syllables:
        return Reading(literal=literal)
    return remember(
        ("reading", query.text, literal),
        lambda: _read(syllables, literal),
        seconds=FRAGMENT_SECONDS if keep else 0,
    )


def _read(syllables: list[str], literal: bool) -> Reading:
    gazetteer = current_gazetteer()
    vocabulary = gazetteer.vocabulary
    words = word_candidates(syllables, vocabulary)
    counts, idf, stems = Article.objects.published().term_statistics(
        words, COUNTED_UP_TO, possible_terms(syllables, words), map(fold, syllables)
    )
    return Reading(
        words=tuple(query_words(syllables, vocabulary, by_form(counts))),
        named_entities=gazetteer.entities_named(" ".join(syllables)),
        literal=literal,
        idf=tuple(sorted(idf.items())),
        stems=tuple(sorted(stems.items())),
    )
