"""How far each article's English has come: missing, partial, complete or stale.

An article is read in blocks, the lead and then each paragraph, each with its Vietnamese
and its English. Every block remembers when each side last changed; the English of a
block is stale when its Vietnamese changed after it. The article's state is

- missing:  no block has English;
- stale:    some block's English is older than its Vietnamese;
- partial:  some blocks have English and some do not (the paragraph counts differ);
- complete: every block has English, none of it stale.

The state and the counts are stored on the article for the admin's list and its filter,
and recomputed by articles.derived with everything else that follows from the text. Here:
the stamps that say when each side of a block changed.
"""

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

# The text fields of a block, each with the field that records when it last changed.
CHANGE_STAMPS = {
    "lead_vi": "lead_vi_changed_at",
    "lead_en": "lead_en_changed_at",
    "text_vi": "vi_changed_at",
    "text_en": "en_changed_at",
}


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
