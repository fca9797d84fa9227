"""Did-you-mean and the search box's suggestions: entity names and categories that look
like what the reader typed (trigram similarity on folded names). Only public entities
(Entity.objects.public()) are ever offered: a name found only in drafts stays unknown."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import F, Func, Q
from django.utils.translation import gettext

from articles.models import Category, Entity
from articles.search.query import SearchQuery
from articles.search.sql import FOLD_FUNCTION, NAMES_LIKE_FUNCTION
from articles.text import fold
from newsreader.pagecache import remember

SIMILAR_NAMES_SQL = f"""
SELECT name, entity_id, score FROM {NAMES_LIKE_FUNCTION}(%(typed)s, %(read)s) AS names
WHERE {{public}}
ORDER BY score DESC, name LIMIT %(limit)s
"""
SIMILAR_NAMES_READ = 50  # the best names, of which the public ones are offered
MIN_SUGGESTION_SCORE = 0.4
MAX_WORDS_TO_CORRECT = 4
MIN_WORD_TO_CORRECT = 4


@dataclass(frozen=True)
class Suggestion:
    query: str  # the corrected query to offer
    entity_id: int


def similar_names(folded_text: str, limit: int = 5) -> list[tuple[str, int, float]]:
    """Public entities' names and aliases that look like the text (trigram similarity)."""
    public, params = Entity.objects.public_sql("names.entity_id")
    read = {"typed": folded_text, "read": max(limit, SIMILAR_NAMES_READ), "limit": limit}
    with connection.cursor() as cursor:
        cursor.execute(SIMILAR_NAMES_SQL.format(public=public), params | read)
        return cursor.fetchall()


def did_you_mean(query: SearchQuery, found: int) -> list[Suggestion]:
    """A corrected query: a mistyped name (Blinkin → Blinken), or an unaccented one given
    its accents (nhat ban → Nhật Bản). The whole query first; when nothing was found,
    each word of a short query. Kept until the content changes."""
    return remember(("did you mean", query.text, bool(found)), lambda: _did_you_mean(query, found))


def _did_you_mean(query: SearchQuery, found: int) -> list[Suggestion]:
    if any(operator in query.text for operator in ('"', " OR ", " -")) or query.text[:1] == "-":
        return []
    whole = _correction(query.text)
    if whole:
        return [whole]
    words = query.text.split()
    if found or not 1 < len(words) <= MAX_WORDS_TO_CORRECT:
        return []
    corrected, entity_id = [], None
    for word in words:
        correction = _correction(word) if len(word) >= MIN_WORD_TO_CORRECT else None
        corrected.append(correction.query if correction else word)
        entity_id = entity_id or (correction and correction.entity_id)
    if entity_id is None:
        return []
    return [Suggestion(" ".join(corrected), entity_id)]


def _correction(typed: str) -> Suggestion | None:
    folded = fold(typed)
    for name, entity_id, score in similar_names(folded):
        folded_name = fold(name)
        if name == typed:
            return None
        if folded_name == folded:
            # offer the accents the reader left out, not just other capitals (japan → Japan)
            typed_accents = any(not char.isascii() for char in typed)
            only_case_differs = name.lower() == typed.lower()
            return None if typed_accents or only_case_differs else Suggestion(name, entity_id)
        close_in_length = abs(len(folded_name) - len(folded)) <= max(2, len(folded) // 4)
        if score >= MIN_SUGGESTION_SCORE and close_in_length:
            return Suggestion(name, entity_id)
    return None


def complete(typed: str, limit: int = 8) -> list[dict]:
    """Entities and categories for the search box as the reader types."""
    folded = fold(typed).strip()
    if len(folded) < 2:
        return []
    entity_ids = [entity_id for _, entity_id, _ in similar_names(folded, limit * 2)]
    starting = Entity.objects.public().filter(
        Q(folded_vi__startswith=folded) | Q(folded_en__startswith=folded)
    )
    entities = list(starting.order_by("name_en")[:limit])
    known = {entity.pk for entity in entities}
    entities += [
        entity
        for entity in Entity.objects.in_bulk(entity_ids).values()  # public: similar_names()
        if entity.pk not in known
    ]
    categories = Category.objects.annotate(
        folded_vi=Func(F("name_vi"), function=FOLD_FUNCTION),
        folded_en=Func(F("name_en"), function=FOLD_FUNCTION),
    ).filter(Q(folded_vi__contains=folded) | Q(folded_en__contains=folded))
    return [
        {
            "label": str(category),
            "kind_label": gettext("Category"),
            "url": category.get_absolute_url(),
        }
        for category in categories[:3]
    ] + [
        {
            "label": str(entity),
            "kind_label": entity.get_kind_display(),
            "url": entity.get_absolute_url(),
        }
        for entity in entities[:limit]
    ]
