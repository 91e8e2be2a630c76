"""Keep the local catalogue copy in step with Powens.

One upstream call fetches the whole catalogue (all expands, hidden connectors included); the
copy is replaced in one transaction, so a refresh that fails half way leaves the last good copy.
Only one refresh runs at a time across processes: a lease on the CatalogueState row, taken
under ``select_for_update`` (PostgreSQL) or an IMMEDIATE transaction (SQLite, see settings).
"""

import logging
import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from django.db import transaction
from django.utils import timezone

from connectors_ui.catalogue.columns import UPDATED_COLUMNS, ConnectorColumns, connector_columns
from connectors_ui.catalogue.health_history import health_record
from connectors_ui.catalogue.lease import (
    bump_version,
    catalogue_state_for_update,
    lock_acquire,
    lock_release,
    refresh_queued_clear,
)
from connectors_ui.catalogue.mirror import (
    BATCH,
    change_records,
    previous_names_record,
    replace_sources,
    set_columns,
)
from connectors_ui.catalogue.observed import Revision, observed_changes_record
from connectors_ui.domains.context import current_domain_name
from connectors_ui.models import CatalogueChange, CatalogueConnector, CatalogueSync
from connectors_ui.powens import parsed_skipping_malformed
from connectors_ui.powens.errors import (
    PowensAuthError,
    PowensError,
    PowensMalformedResponse,
    PowensNotFound,
    PowensRateLimited,
    PowensUnavailable,
)
from connectors_ui.powens.types import Connector

logger = logging.getLogger(__name__)

CATALOGUE_EXPAND = ("fields", "payment_fields", "sources", "countries", "urls")


class RefreshLeaseLost(Exception):
    """Our lease expired and another refresh took over: our result must not be applied."""


def _one_line(error: BaseException) -> str:
    """For the server log: the exception class helps developers."""
    message = " ".join(str(error).split()) or "no details"
    return f"{type(error).__name__}: {message}"[:480]


# What support staff read in the banner: what went wrong in words, never a Python class name.
_FAILURE_LABELS: tuple[tuple[type[BaseException], str], ...] = (
    (PowensAuthError, "Powens refused our credentials"),
    (PowensNotFound, "Powens did not find the catalogue"),
    (PowensRateLimited, "Powens rate limit reached"),
    (PowensMalformedResponse, "Powens sent an unreadable answer"),
    (PowensUnavailable, "Powens unavailable"),
    (PowensError, "Powens refused the request"),
    (RefreshLeaseLost, "Refresh abandoned"),
)


def _failure_line(error: BaseException) -> str:
    """'Powens unavailable: HTTP 503 maintenance: Down. (request 918273004)', one line.

    Without an HTTP answer (timeout, no connection) the client's description says it all."""
    label = next((text for cls, text in _FAILURE_LABELS if isinstance(error, cls)), None)
    if isinstance(error, PowensError) and error.status is None:
        line = error.description
    elif isinstance(error, PowensError):
        head = " ".join(filter(None, (f"HTTP {error.status}", error.code)))
        line = f"{label}: {head}: {error.description}"
    else:
        line = f"{label or 'Unexpected error'}: {error}"
    if isinstance(error, PowensError) and error.request_id is not None:
        line += f" (request {error.request_id})"
    return " ".join(line.split())[:480]


def catalogue_refresh(*, trigger: str, actor: Any = None) -> CatalogueSync:
    """Fetch the whole catalogue and replace the local copy; returns the attempt's record.

    When another refresh holds the lock this one does not run and is recorded as skipped.
    Failures are recorded (one line, no secrets) and never raised: the old copy stays.
    """
    from connectors_ui.powens import get_client

    token = secrets.token_hex(16)
    actor = actor if getattr(actor, "pk", None) else None
    refresh_queued_clear()
    if not lock_acquire(token):
        return CatalogueSync.objects.create(
            trigger=trigger,
            actor=actor,
            status=CatalogueSync.Status.SKIPPED,
            finished_at=timezone.now(),
            error="Another refresh was already running.",
        )
    sync = CatalogueSync.objects.create(trigger=trigger, actor=actor)
    try:
        client = get_client(current_domain_name())
        result = client.list_connectors(expand=CATALOGUE_EXPAND, include_hidden=True)
        _ingest(sync, result.connectors, token=token)
    except Exception as error:  # noqa: BLE001 - any failure must keep the last good copy
        logger.warning("catalogue refresh #%s failed: %s", sync.pk, _one_line(error))
        _record_failure(sync, _failure_line(error))
    finally:
        lock_release(token)
    sync.refresh_from_db()
    return sync


def _record_failure(sync: CatalogueSync, reason: str) -> None:
    with transaction.atomic():
        state = catalogue_state_for_update()
        CatalogueSync.objects.filter(pk=sync.pk).update(
            status=CatalogueSync.Status.FAILED, finished_at=timezone.now(), error=reason
        )
        state.last_attempt_id = sync.pk
        state.save(update_fields=["last_attempt"])


def catalogue_ingest(raws: Sequence[Any], *, trigger: str) -> CatalogueSync:
    """Replace the copy with these raw connector objects (the refresh's second half).

    For tests that load a catalogue without Powens (the refresh itself calls ``_ingest``).
    """
    sync = CatalogueSync.objects.create(trigger=trigger)
    _ingest(sync, _read_connectors(raws), token=None)
    sync.refresh_from_db()
    return sync


def _read_connectors(raws: Iterable[Any]) -> list[Connector]:
    """Connectors read from JSON objects as the client reads them; one it would refuse (not an
    object, no uuid) is skipped, as a refresh never stores one either."""
    return parsed_skipping_malformed(Connector.from_api, raws)


def _incoming(connectors: Iterable[Connector]) -> dict[str, ConnectorColumns]:
    """Columns of every usable connector by UUID (first one wins on a duplicate UUID)."""
    incoming: dict[str, ConnectorColumns] = {}
    for connector in connectors:
        stored = connector_columns(connector)
        if stored.uuid and stored.uuid not in incoming:
            incoming[stored.uuid] = stored
    return incoming


def _ingest(sync: CatalogueSync, connectors: Sequence[Connector], *, token: str | None) -> None:
    now = timezone.now()
    # Columns built and hashed before the transaction: on SQLite it blocks every other writer.
    incoming = _incoming(connectors)
    with transaction.atomic():
        state = catalogue_state_for_update()
        if token is not None and state.lock_token != token:
            raise RefreshLeaseLost("Another refresh took over after this one's lease expired.")
        previous = state.last_success
        lists_hidden = state.lists_hidden or any(c.hidden for c in incoming.values())
        counts, note = _apply_all(
            sync, incoming, now=now, previous=previous, lists_hidden=lists_hidden
        )
        CatalogueSync.objects.filter(pk=sync.pk).update(
            status=CatalogueSync.Status.SUCCESS, finished_at=timezone.now(), error=note, **counts
        )
        bump_version(
            state, last_success_id=sync.pk, last_attempt_id=sync.pk, lists_hidden=lists_hidden
        )


class _Known(NamedTuple):
    """What the refresh compares of a connector already in the copy."""

    pk: int
    raw_hash: str
    removed_at: datetime | None
    hidden: bool


def _known() -> dict[str, _Known]:
    rows = CatalogueConnector.objects.values_list(*_Known._fields, "uuid")
    return {uuid: _Known(*known) for *known, uuid in rows}


def _absent(
    existing: Mapping[str, _Known], incoming: Mapping[str, ConnectorColumns], *, lists_hidden: bool
) -> tuple[list[int], list[int]]:
    """Copy rows missing from the response: (to mark removed, hidden ones kept as they are).

    We list with ``all`` (POWENS_API.md §2), so a connector missing from the listing is gone,
    hidden or not. Unless this domain has never listed a hidden connector (``lists_hidden``):
    it may ignore ``all``, and the hidden connectors we knew (hidden by our own writes) stay
    known, not "removed". A catalogue that merely has no hidden connector left (every hidden
    one gone, as after ``sandbox_import --replace``) is not such a domain."""
    gone: list[int] = []
    kept: list[int] = []
    for uuid, known in existing.items():
        if uuid not in incoming and known.removed_at is None:
            (kept if known.hidden and not lists_hidden else gone).append(known.pk)
    return gone, kept


def _apply_all(
    sync: CatalogueSync,
    incoming: dict[str, ConnectorColumns],
    *,
    now: Any,
    previous: CatalogueSync | None,
    lists_hidden: bool,
) -> tuple[dict[str, int], str]:
    """Apply the response to the copy; returns the sync's counts and its one-line note.

    Changes are recorded from the second refresh on (``previous``: the last successful one):
    the first one loads the copy, which changes nothing. Health history starts with it."""
    record = previous is not None
    existing = _known()
    new = [c for uuid, c in incoming.items() if uuid not in existing]
    changed = {
        uuid: c
        for uuid, c in incoming.items()
        if uuid in existing and existing[uuid].raw_hash != c.raw_hash
    }
    restored = [
        existing[u].pk for u in incoming if u in existing and existing[u].removed_at is not None
    ]
    gone, kept = _absent(existing, incoming, lists_hidden=lists_hidden)
    changes, added = _add(sync, new, record=record)
    revisions: list[Revision] = []
    changed_count = _apply_changed(sync, changed, changes, revisions, record=record)
    CatalogueConnector.objects.filter(pk__in=restored).update(removed_at=None)
    CatalogueConnector.objects.filter(pk__in=gone).update(removed_at=now)
    if record:
        changes += _listing_records(sync, restored, "restored", "listed again")
        changes += _listing_records(sync, gone, "removed", "no longer listed")
    CatalogueChange.objects.bulk_create(changes, batch_size=BATCH)
    health_record(sync=sync, added=added, revisions=revisions)
    if previous is not None:
        observed_changes_record(sync=sync, revisions=revisions, since=previous.started_at)
    counts = {
        "connector_count": len(incoming),
        "added_count": len(new),
        "removed_count": len(gone),
        "changed_count": changed_count,
        "restored_count": len(restored),
    }
    return counts, _kept_note(kept)


def _add(
    sync: CatalogueSync, new: Sequence[ConnectorColumns], *, record: bool
) -> tuple[list[CatalogueChange], list[CatalogueConnector]]:
    """Create the rows of connectors new to the copy; returns their unsaved change records
    and the rows."""
    created = CatalogueConnector.objects.bulk_create(
        [CatalogueConnector(**stored._asdict()) for stored in new], batch_size=BATCH
    )
    replace_sources(created, [stored.raw for stored in new])
    if not record:
        return [], created
    return [
        CatalogueChange(sync=sync, connector=row, kind="added", summary="new connector")
        for row in created
    ], created


def _listing_records(
    sync: CatalogueSync, pks: Sequence[int], kind: str, summary: str
) -> list[CatalogueChange]:
    return [CatalogueChange(sync=sync, connector_id=pk, kind=kind, summary=summary) for pk in pks]


def _kept_note(kept: Sequence[int]) -> str:
    if not kept:
        return ""
    return (
        "Powens has never listed a hidden connector here (the domain may ignore “all”): "
        f"{len(kept)} hidden connector{'s' if len(kept) != 1 else ''} kept from the previous copy."
    )


def _apply_changed(
    sync: CatalogueSync,
    changed: Mapping[str, ConnectorColumns],
    changes: list[CatalogueChange],
    revisions: list[Revision],
    *,
    record: bool,
) -> int:
    """Update rows whose JSON differs; returns how many had a change worth reporting.
    Each row's two versions go to ``revisions`` (observed changes, health history)."""
    reported = set()
    uuids = list(changed)
    for start in range(0, len(uuids), BATCH):
        chunk = uuids[start : start + BATCH]
        rows = {row.uuid: row for row in CatalogueConnector.objects.filter(uuid__in=chunk)}
        previous_names_record(
            [(rows[u], changed[u].name) for u in chunk if rows[u].name != changed[u].name]
        )
        for uuid in chunk:
            row, stored = rows[uuid], changed[uuid]
            found = change_records(row, row.raw, stored.raw, sync=sync)
            if found:
                reported.add(uuid)
            if record:
                changes += found
            revisions.append(
                Revision(row.pk, uuid, stored.name, row.hidden, stored.hidden, row.raw, stored.raw)
            )
            set_columns(row, stored)
        CatalogueConnector.objects.bulk_update(rows.values(), [*UPDATED_COLUMNS, "updated_at"])
        replace_sources(list(rows.values()), [changed[row.uuid].raw for row in rows.values()])
    return len(reported)
