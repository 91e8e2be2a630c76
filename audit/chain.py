"""The hash chain: seals audit rows as they are appended and verifies the whole history.

Every row (entry or outcome) gets the next global ``seq``, the previous row's hash as
``prev_hash``, and ``entry_hash`` = SHA-256 of a canonical JSON of all its columns (except its
database id and the hash itself). Editing any column breaks that row's hash; deleting a row
leaves a gap in ``seq`` and breaks the next row's ``prev_hash``.

Appending is serialised so two writers can never fork the chain: on PostgreSQL by a
transaction-scoped advisory lock, on SQLite by the IMMEDIATE transaction mode set in settings
(``BEGIN IMMEDIATE`` takes the database write lock before the tail is read).
"""

import hashlib
import heapq
import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from typing import Any, cast

from django.db import connection, transaction

from audit.models import AuditEntry, AuditOutcome, ChainedRecord

GENESIS_HASH = "0" * 64
# Arbitrary constant naming "the audit chain" among PostgreSQL advisory locks.
_PG_LOCK_KEY = 7_246_001
_UNHASHED = {"id", "entry_hash"}


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def record_hash(record: ChainedRecord) -> str:
    """SHA-256 over the record's columns, its table and its ``prev_hash``."""
    content = {"table": record._meta.label_lower}
    for field in record._meta.concrete_fields:
        if field.attname not in _UNHASHED:
            content[field.attname] = _canonical(getattr(record, field.attname))
    blob = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    if isinstance(value, dict):
        return {_without_nul(key): _without_nul(item) for key, item in value.items()}
    return value


def _replace_nul_bytes(record: ChainedRecord) -> None:
    """PostgreSQL text and JSON cannot hold NUL bytes, and what users typed (a reason, a
    malformed reference) is recorded as it came: NUL becomes U+FFFD so the attempt is still
    recorded, identically on every database, before it is hashed."""
    for field in record._meta.concrete_fields:
        setattr(record, field.attname, _without_nul(getattr(record, field.attname)))


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])


def _chain_tail() -> tuple[int, str]:
    tails = [
        model.objects.order_by("-seq").values_list("seq", "entry_hash").first()
        for model in (AuditEntry, AuditOutcome)
    ]
    return max((tail for tail in tails if tail), default=(0, GENESIS_HASH))


def append[R: ChainedRecord](build: Callable[[], Sequence[R]]) -> list[R]:
    """Seal and insert the records ``build()`` returns, in order, as the chain's new tail.

    ``build`` runs under the chain lock inside the transaction, so checks it makes (is this
    target already being changed? is this entry still unresolved?) cannot race another writer.
    The transaction commits when this returns (unless the caller holds an outer one).
    """
    with transaction.atomic():
        _lock_chain()
        records = list(build())
        seq, prev_hash = _chain_tail()
        for record in records:
            _replace_nul_bytes(record)
            seq += 1
            record.seq = seq
            record.prev_hash = prev_hash
            record.entry_hash = record_hash(record)
            prev_hash = record.entry_hash
        for model, run in groupby(records, key=type):
            cast(type[ChainedRecord], model).objects.bulk_create(list(run), batch_size=500)
    return records


@dataclass(frozen=True)
class ChainBreak:
    """The first record whose place in the chain does not check out."""

    table: str
    pk: int
    seq: int
    problem: str

    def __str__(self) -> str:
        name = "entry" if self.table == "auditentry" else "outcome"
        return f"audit {name} #{self.pk} (seq {self.seq}): {self.problem}"


@dataclass(frozen=True)
class VerifyReport:
    checked: int
    first_break: ChainBreak | None
    # The newest record's (seq, hash): kept outside the database, it lets a later check notice
    # removed newest rows, which leave no gap behind them (``expect_head``).
    head: tuple[int, str] | None = None
    head_problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_break is None and not self.head_problem


def _in_seq_order() -> Iterator[ChainedRecord]:
    streams = (
        model.objects.order_by("seq").iterator(chunk_size=2000)
        for model in (AuditEntry, AuditOutcome)
    )
    return heapq.merge(*streams, key=lambda record: record.seq)


def _head_problem(expect_head: tuple[int, str], found: str | None) -> str:
    seq, expected_hash = expect_head
    if found is None:
        return f"the expected head (seq {seq}) is missing: the newest records were removed"
    if found != expected_hash:
        return f"the record at the expected head (seq {seq}) has another hash: it was rewritten"
    return ""


def chain_verify(expect_head: tuple[int, str] | None = None) -> VerifyReport:
    """Walk the whole chain in ``seq`` order and stop at the first inconsistency.

    With ``expect_head`` (a ``(seq, hash)`` printed by an earlier run and kept elsewhere) the
    chain must still hold that record unchanged: deleting the newest rows breaks no link, so
    only a head remembered outside the database can reveal it.
    """
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    found_head = None
    for record in _in_seq_order():
        problem = None
        if record.seq != expected_seq:
            problem = f"expected seq {expected_seq}: records are missing or duplicated"
        elif record.prev_hash != prev_hash:
            problem = (
                "prev_hash does not match the previous record (a record was removed or rewritten)"
            )
        elif record_hash(record) != record.entry_hash:
            problem = "content does not match its hash (the row was edited)"
        if problem:
            assert record._meta.model_name is not None  # a concrete model always has one
            return VerifyReport(
                checked, ChainBreak(record._meta.model_name, record.pk, record.seq, problem)
            )
        if expect_head is not None and record.seq == expect_head[0]:
            found_head = record.entry_hash
        checked += 1
        expected_seq += 1
        prev_hash = record.entry_hash
    head = (checked, prev_hash) if checked else None
    problem = _head_problem(expect_head, found_head) if expect_head is not None else ""
    return VerifyReport(checked, None, head, problem)
