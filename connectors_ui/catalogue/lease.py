"""The catalogue's state row, one per domain (``connectors_ui.domains``): refresh lease (one
refresh at a time across processes) and the copy's version, generation and serial (which tell
each process when to rebuild that domain's search index, or which rows to patch it with: see
``catalogue.search_index``).

The row is taken with ``select_for_update`` (PostgreSQL) or inside an IMMEDIATE transaction
(SQLite, see settings), so the check-and-take of the lease is serialised everywhere.
"""

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from connectors_ui.models import CatalogueState, CatalogueSync


def _lease() -> timedelta:
    return timedelta(seconds=settings.CATALOGUE_REFRESH_LEASE)


def catalogue_state_for_update() -> CatalogueState:
    """The current domain's state row, locked for the rest of the current transaction."""
    try:
        return CatalogueState.objects.select_for_update().get()
    except CatalogueState.DoesNotExist:
        try:
            with transaction.atomic():
                return CatalogueState.objects.create()
        except IntegrityError:
            return CatalogueState.objects.select_for_update().get()


def bump_version(state: CatalogueState, **fields: Any) -> None:
    """Mark the copy as rewritten by a refresh (every process rebuilds its index) and save
    ``fields``."""
    state.version = secrets.token_hex(16)
    state.generation = secrets.token_hex(16)
    for name, value in fields.items():
        setattr(state, name, value)
    state.save()


def bump_serial(state: CatalogueState) -> int:
    """Mark the copy as changed by one of our writes, in the transaction that holds ``state``
    (``catalogue_state_for_update``): the serial to stamp the changed rows with, so other
    processes patch their index with just those rows."""
    state.version = secrets.token_hex(16)
    state.serial += 1
    state.save(update_fields=["version", "serial"])
    return state.serial


def refresh_queued_mark() -> None:
    """Note on the current domain's state row that a refresh waits for the worker."""
    with transaction.atomic():
        state = catalogue_state_for_update()
        state.refresh_queued_at = timezone.now()
        state.save(update_fields=["refresh_queued_at"])


def refresh_queued_clear() -> None:
    """A refresh of the current domain starts (or is skipped): none waits any more."""
    CatalogueState.objects.exclude(refresh_queued_at=None).update(refresh_queued_at=None)


def lock_acquire(token: str) -> bool:
    """Take the refresh lease for ``token``; False when another live refresh holds it."""
    now = timezone.now()
    with transaction.atomic():
        state = catalogue_state_for_update()
        if state.lock_token and state.lock_expires_at and state.lock_expires_at > now:
            return False
        if state.lock_token:
            # The previous holder's lease ran out: it crashed or hung. Say so on its row.
            CatalogueSync.objects.filter(status=CatalogueSync.Status.RUNNING).update(
                status=CatalogueSync.Status.FAILED,
                finished_at=now,
                error="Abandoned: the refresh stopped before finishing (lease expired).",
            )
        state.lock_token, state.lock_expires_at = token, now + _lease()
        state.save(update_fields=["lock_token", "lock_expires_at"])
    return True


def lock_release(token: str) -> None:
    CatalogueState.objects.filter(lock_token=token).update(lock_token="", lock_expires_at=None)
