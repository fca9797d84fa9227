"""Reads from the read replicas where a moment's lag cannot hurt; all else on the primary.

A web request may read from a replica only when ReplicaReadsMiddleware allows it (a GET
or HEAD from a client that has not written lately), and only until it writes. Management
commands, the shell and the importers read from the primary: they read and then write,
and must not act on rows a replica has not caught up with. Reads inside a transaction on
the primary stay there too, with the writes they go with.
"""

import random
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections


@dataclass
class DatabaseUse:
    """What the current request may read from, and whether it has written."""

    replicas_allowed: bool
    wrote: bool = False


_request_use: ContextVar[DatabaseUse | None] = ContextVar("database_use", default=None)


def replica_aliases() -> list[str]:
    """Every database but the primary is a read replica of it (DATABASE_REPLICA_URLS)."""
    return [alias for alias in settings.DATABASES if alias != DEFAULT_DB_ALIAS]


@contextmanager
def database_use_for_request(replicas_allowed: bool) -> Iterator[DatabaseUse]:
    """Route the reads of the request served inside this block; says whether it wrote."""
    use = DatabaseUse(replicas_allowed)
    token = _request_use.set(use)
    try:
        yield use
    finally:
        _request_use.reset(token)


def same_database(alias: str, other: str) -> bool:
    """Whether two aliases name one database, as a test mirror of the primary does."""
    first, second = connections[alias].settings_dict, connections[other].settings_dict
    return all(first[key] == second[key] for key in ("HOST", "PORT", "NAME", "OPTIONS"))


class PrimaryReplicaRouter:
    def __init__(self):
        self.replicas = replica_aliases()

    def db_for_read(self, model, **hints) -> str:
        use = _request_use.get()
        if (
            use is None
            or not use.replicas_allowed
            or use.wrote
            or not self.replicas
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        replica = random.choice(self.replicas)
        # Under test, each replica mirrors the primary's test database (TEST MIRROR); it
        # is read through the primary's own connection, the only one tests may use.
        return DEFAULT_DB_ALIAS if same_database(replica, DEFAULT_DB_ALIAS) else replica

    def db_for_write(self, model, **hints) -> str:
        use = _request_use.get()
        if use is not None:
            use.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS
