"""Which articles the writes touched: noticed as they happen, refreshed now or once per
batch.

Django's signals (connected by articles.derived) and the querysets' bulk methods
(articles.querysets.NoticedWrites) call mark() with the articles a write touched. Outside
a batch they are refreshed at once; inside `with batch():` (a save path, an admin request)
they are collected and refreshed once, when the batch ends, in the same transaction. What
refreshes them is articles.derived, which registers itself here when the app is ready.
The content version changes once the transaction that changed content commits: once per
batch, or once per write outside one.
"""

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.db import transaction

from newsreader.pagecache import content_changed

# An article whose text changes is linked again: its mentions follow from its text.
TEXT_FIELDS = frozenset(
    {
        *("title_vi", "title_en", "lead_vi", "lead_en", "caption_vi", "caption_en"),
        *("source", "source_id", "text_vi", "text_en"),
    }
)


class _State(threading.local):
    depth = 0  # nesting of batch()
    paused = False  # while refreshing: its own writes need no noticing
    changed = False  # what readers see changed: the content version goes up on commit
    articles: set
    relink: set
    categories: set

    def __init__(self):
        self.articles, self.relink, self.categories = set(), set(), set()


_state = _State()
_refresh: Callable[[set, set, set], None] | None = None


def refresh_with(refresh: Callable[[set, set, set], None]) -> None:
    """Say what brings touched articles up to date: refresh(articles, relink, categories)."""
    global _refresh
    _refresh = refresh


@contextmanager
def batch() -> Iterator[None]:
    """Collect the articles the writes inside touch, and refresh them once at the end (in
    the same transaction: open the batch inside it)."""
    _state.depth += 1
    try:
        yield
    except BaseException:
        if _state.depth == 1:
            _state.articles, _state.relink, _state.categories = set(), set(), set()
            _state.changed = False
        raise
    finally:
        _state.depth -= 1
    if _state.depth == 0:
        _flush()


@contextmanager
def not_noticed() -> Iterator[None]:
    """The writes inside bring derived data up to date themselves."""
    paused, _state.paused = _state.paused, True
    try:
        yield
    finally:
        _state.paused = paused


def _flush() -> None:
    articles, relink, categories = _state.articles, _state.relink, _state.categories
    _state.articles, _state.relink, _state.categories = set(), set(), set()
    if _state.changed:
        _state.changed = False
        content_changed_on_commit()
    if (articles or relink or categories) and _refresh is not None:
        _refresh(articles, relink, categories)


def mark(article_ids: Iterable[int] = (), *, texts_changed: bool = False) -> None:
    """Note that these articles' derived data may be out of step: refreshed now, or at the
    end of the batch. Readers' pages go stale once the transaction commits: one change
    of the content version per batch, or per write outside one."""
    if _state.paused:
        return
    _state.changed = True
    target = _state.relink if texts_changed else _state.articles
    target.update(pk for pk in article_ids if pk is not None)
    if _state.depth == 0:
        _flush()


def mark_categories(category_ids: Iterable[int]) -> None:
    if _state.paused:
        return
    _state.changed = True
    _state.categories.update(category_ids)
    if _state.depth == 0:
        _flush()


def content_changed_on_commit() -> None:
    """Make cached pages stale once this transaction commits (never if it rolls back)."""
    transaction.on_commit(content_changed)
