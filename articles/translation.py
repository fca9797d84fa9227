"""How far each article's English has come: missing, partial, complete or stale.

An article is read in blocks, the lead and then each paragraph, each with its Vietnamese
and its English. Every block remembers when each side last changed; the English of a
block is stale when its Vietnamese changed after it. The article's state is

- missing:  no block has English;
- stale:    some block's English is older than its Vietnamese;
- partial:  some blocks have English and some do not (the paragraph counts differ);
- complete: every block has English, none of it stale.

The state and the counts are stored on the article for the admin's list and its filter,
and recomputed explicitly, in one UPDATE, by sync_translation_state() (which
articles.linking.relink_article() calls after an article's text changes).
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import connection
from django.utils import timezone

# The text fields of a block, each with the field that records when it last changed.
CHANGE_STAMPS = {
    "lead_vi": "lead_vi_changed_at",
    "lead_en": "lead_en_changed_at",
    "text_vi": "vi_changed_at",
    "text_en": "en_changed_at",
}

SYNC_TRANSLATION_STATE_SQL = """
WITH blocks AS (
    SELECT article.id,
        (article.lead_vi <> '')::int
            + count(paragraph.id) FILTER (WHERE paragraph.text_vi <> '') AS vietnamese,
        (article.lead_en <> '')::int
            + count(paragraph.id) FILTER (WHERE paragraph.text_en <> '') AS english,
        (article.lead_en <> '' AND article.lead_vi_changed_at > article.lead_en_changed_at)
            OR coalesce(bool_or(paragraph.text_en <> ''
                AND paragraph.vi_changed_at > paragraph.en_changed_at), false) AS stale
    FROM articles_article AS article
    LEFT JOIN articles_paragraph AS paragraph ON paragraph.article_id = article.id
    WHERE {where}
    GROUP BY article.id
)
UPDATE articles_article AS article SET
    translation = CASE
        WHEN blocks.english = 0 THEN 'missing'
        WHEN blocks.stale THEN 'stale'
        WHEN blocks.english < blocks.vietnamese THEN 'partial'
        ELSE 'complete' END,
    block_count = blocks.vietnamese,
    translated_block_count = blocks.english
FROM blocks WHERE article.id = blocks.id
"""


def sync_translation_state(article_ids: Iterable[int] | None = None) -> None:
    """Recompute the translation state of these articles (all articles when None)."""
    with connection.cursor() as cursor:
        if article_ids is None:
            cursor.execute(SYNC_TRANSLATION_STATE_SQL.format(where="true"))
        else:
            cursor.execute(
                SYNC_TRANSLATION_STATE_SQL.format(where="article.id = ANY(%s)"),
                [list(article_ids)],
            )


def stamp_changed_texts(instance, changed_fields: Iterable[str], now: datetime | None = None):
    """Record on an article or paragraph that these of its texts change now.

    Both sides of a block changed together (a new paragraph, a fresh translation) get the
    same time, so neither is older than the other.
    """
    now = now or timezone.now()
    for field in changed_fields:
        if field in CHANGE_STAMPS and hasattr(instance, CHANGE_STAMPS[field]):
            setattr(instance, CHANGE_STAMPS[field], now)
    return instance
