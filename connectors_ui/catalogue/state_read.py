"""Every page's first read: the domain's state row and its two latest syncs, made cheap.

Why (issue 16): compiling ``select_related("last_success", "last_attempt").first()`` and
building three model instances was a seventh of the list page's time, on every page. The
state row changes all the time (its version moves with every write), so it is read on every
page; but the ORM writes its query once per domain (the domain is its only parameter), as the
list's row query is (``catalogue.row_query``). A sync that has finished never changes again,
so the two syncs are held per process, keyed by what identifies them for that state: its
generation (random, new with each state row) and version (new with each write), the two
syncs' keys and when they finished (read with the state row, in its query). A sync still
running is read each time, until it finishes.
"""

import functools
import threading
from typing import Any

from django.db import connection
from django.db.models import F

from connectors_ui.domains.context import current_domain_name
from connectors_ui.models import CatalogueState, CatalogueSync

_HELD = 64
_SYNCS = ("last_success", "last_attempt")
_held: dict[tuple, tuple[CatalogueSync | None, CatalogueSync | None]] = {}
_lock = threading.Lock()


@functools.lru_cache(maxsize=64)
def _state_query(domain: str, vendor: str) -> tuple[str, tuple[Any, ...]]:
    """The state row's query for ``domain`` (in the key: it is the query's parameter)."""
    del domain, vendor
    finished = {f"{name}_finished_at": F(f"{name}__finished_at") for name in _SYNCS}
    return CatalogueState.objects.annotate(**finished).order_by("pk").query.sql_with_params()


def state_with_syncs() -> tuple[CatalogueState, CatalogueSync | None, CatalogueSync | None] | None:
    """The current domain's state row, its last successful sync and its last attempt; None
    before the domain's first refresh created the row."""
    sql, params = _state_query(current_domain_name(), connection.vendor)
    state = next(iter(CatalogueState.objects.raw(sql, params)), None)
    if state is None:
        return None
    finished = tuple(getattr(state, f"{name}_finished_at") for name in _SYNCS)
    key = (state.domain, state.generation, state.version, *_sync_keys(state), *finished)
    syncs = _held.get(key)
    if syncs is None:
        syncs = _syncs_of(state)
        if all(sync is None or sync.finished_at is not None for sync in syncs):
            with _lock:
                if len(_held) >= _HELD:
                    _held.clear()
                _held[key] = syncs
    return state, *syncs


def _sync_keys(state: CatalogueState) -> tuple[int | None, int | None]:
    return state.last_success_id, state.last_attempt_id


def _syncs_of(state: CatalogueState) -> tuple[CatalogueSync | None, CatalogueSync | None]:
    """The two syncs in one query (often the same one)."""
    keys = _sync_keys(state)
    wanted = [pk for pk in keys if pk is not None]
    found = (
        {sync.pk: sync for sync in CatalogueSync.objects.filter(pk__in=wanted)} if wanted else {}
    )
    success, attempt = keys
    return found.get(success) if success else None, found.get(attempt) if attempt else None
