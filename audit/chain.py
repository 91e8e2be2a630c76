"""The hash chain: seals audit rows as they are appended and verifies the whole history.

Every row (entry or outcome) gets an id chosen before it is sealed, the next global ``seq``,
the previous row's hash as ``prev_hash``, a hash over all that gives it meaning, its id and
(an outcome) its entry's hash included, and a MAC of that hash under a key the database never
sees (``audit.sealing``). Editing a row breaks its hash; re-hashing it breaks its MAC; deleting
one leaves a gap in ``seq`` or a broken ``prev_hash``; swapping ids breaks both rows' hashes.
Once committed, every append writes a signed checkpoint of the new head outside the database
(``audit.checkpoints``): what no link shows (the newest rows deleted, the tables truncated) the
checkpoints do.

Appending is serialised so two writers can never fork the chain: on PostgreSQL by a
transaction-scoped advisory lock, on SQLite by the IMMEDIATE transaction mode set in settings
(``BEGIN IMMEDIATE`` takes the database write lock before the tail is read).
"""

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import groupby
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import F, Max

from audit.checkpoints import checkpoint_record
from audit.cutover import CutoverCheck
from audit.models import (
    AppendOnlyError,
    AuditEntry,
    AuditOutcome,
    ChainCutover,
    ChainedRecord,
    in_seq_order,
)
from audit.sealing import legacy_record_hash, mac_problem, record_hash, seal
from audit.signals import records_appended

GENESIS_HASH = "0" * 64
# Arbitrary constant naming "the audit chain" among PostgreSQL advisory locks.
_PG_LOCK_KEY = 7_246_001


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


def _next_ids(model: type[ChainedRecord], count: int) -> list[int]:
    """Ids for ``count`` new rows, known before they are sealed (the hash covers them). Runs
    under the chain lock, which every insert into these tables takes."""
    pk = model._meta.pk
    assert pk is not None  # a concrete model always has one
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
    newest = model.objects.aggregate(newest=Max("pk"))["newest"] or 0
    return list(range(newest + 1, newest + 1 + count))


def _give_ids(records: Sequence[ChainedRecord]) -> None:
    counts = Counter(type(record) for record in records)
    ids = {model: iter(_next_ids(model, count)) for model, count in counts.items()}
    for record in records:
        record.pk = next(ids[type(record)])


def _link_outcomes(records: Sequence[ChainedRecord]) -> None:
    """Seal into each outcome the hash its entry has in the database."""
    outcomes = [record for record in records if isinstance(record, AuditOutcome)]
    entry_ids = {outcome.entry_id for outcome in outcomes}
    hashes = dict(AuditEntry.objects.filter(pk__in=entry_ids).values_list("pk", "entry_hash"))
    for outcome in outcomes:
        if outcome.entry_id not in hashes:
            raise AppendOnlyError("An outcome is appended for a sealed entry only.")
        outcome.entry_link = hashes[outcome.entry_id]


def append[R: ChainedRecord](build: Callable[[], Sequence[R]]) -> list[R]:
    """Seal and insert the records ``build()`` returns, in order, as the chain's new tail.

    ``build`` runs under the chain lock inside the transaction, so checks it makes (is this
    target already being changed? is this entry still unresolved?) cannot race another writer.
    The transaction commits when this returns (unless the caller holds an outer one); the new
    head's checkpoint is written once it has.
    """
    with transaction.atomic():
        _lock_chain()
        records = list(build())
        if not records:
            return records
        seq, prev_hash = _chain_tail()
        _give_ids(records)
        _link_outcomes(records)
        for record in records:
            _replace_nul_bytes(record)
            seq += 1
            seal(record, seq=seq, prev_hash=prev_hash)
            prev_hash = record.entry_hash
        for model, run in groupby(records, key=type):
            cast(type[ChainedRecord], model).objects.bulk_create(list(run), batch_size=500)
        records_appended.send(sender=ChainedRecord, records=records)
        transaction.on_commit(partial(checkpoint_record, seq=seq, entry_hash=prev_hash))
    return records


# The annotation carrying, with each outcome, the hash its entry has now.
_LINKED = "linked_hash"
_NAMES = {"auditentry": "audit entry", "auditoutcome": "audit outcome"}


@dataclass(frozen=True)
class ChainBreak:
    """The first record whose place in the chain does not check out, and which check failed."""

    table: str
    pk: int
    seq: int
    check: str
    problem: str

    def __str__(self) -> str:
        name = _NAMES.get(self.table, "the cut-over record")
        return f"{name} #{self.pk} (seq {self.seq}) fails the {self.check} check: {self.problem}"


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


def _records() -> Iterator[Any]:
    outcomes = AuditOutcome.objects.annotate(**{_LINKED: F("entry__entry_hash")})
    return in_seq_order(AuditEntry.objects.all(), outcomes)


def _head_problem(expect_head: tuple[int, str], found: str | None) -> str:
    seq, expected_hash = expect_head
    if found is None:
        return f"the expected head (seq {seq}) is missing: the newest records were removed"
    if found != expected_hash:
        return f"the record at the expected head (seq {seq}) has another hash: it was rewritten"
    return ""


def _keyed_problem(record: Any) -> tuple[str, str] | None:
    # The MAC first: it says whether the stored hash is one we sealed, then the hash whether
    # the content is still the one it was computed from.
    if problem := mac_problem(record):
        return "MAC", problem
    if record_hash(record) != record.entry_hash:
        return "hash", "its content does not match its hash: the row was edited"
    if isinstance(record, AuditOutcome) and record.entry_link != getattr(record, _LINKED):
        return "entry link", (
            f"entry #{record.entry_id} is not the entry it was sealed for: entry ids were swapped"
        )
    return None


def _legacy_problem(record: Any, cutover: CutoverCheck) -> tuple[str, str] | None:
    if legacy_record_hash(record) != record.entry_hash:
        return "hash", "its content does not match its hash (old rule): the row was edited"
    if problem := cutover.legacy_problem(record):
        return "cut-over", problem
    return None


def _record_problem(
    record: Any, seq: int, prev_hash: str, cutover: CutoverCheck
) -> tuple[str, str] | None:
    """(check, problem) for the first check ``record`` fails, or None."""
    if record.seq != seq:
        return "sequence", f"expected seq {seq}: records are missing or duplicated"
    if record.prev_hash != prev_hash:
        return "link", "prev_hash is not the previous record's hash: one was removed or rewritten"
    if cutover.is_legacy(record.seq):
        return _legacy_problem(record, cutover)
    return _keyed_problem(record)


def _cutover_break(cutover: CutoverCheck, problem: str) -> ChainBreak:
    assert cutover.cutover is not None  # only a cut-over row can have a problem
    return ChainBreak("chaincutover", cutover.cutover.pk, cutover.seq, "cut-over", problem)


def chain_verify(expect_head: tuple[int, str] | None = None) -> VerifyReport:
    """Walk the whole chain in ``seq`` order and stop at the first inconsistency.

    Records after the cut-over (all of them on a database created since migration 0006) must
    carry a valid MAC; older ones are checked by the old rule and pinned by the signed
    cut-over. With ``expect_head`` (a ``(seq, hash)`` kept elsewhere, like a checkpoint) the
    chain must still hold that record unchanged.
    """
    cutover = CutoverCheck(ChainCutover.objects.order_by("pk")[:2])
    if cutover.problem:
        return VerifyReport(0, _cutover_break(cutover, cutover.problem))
    expected_seq, prev_hash, found_head = 1, GENESIS_HASH, None
    for record in _records():
        if found := _record_problem(record, expected_seq, prev_hash, cutover):
            assert record._meta.model_name is not None  # a concrete model always has one
            table = record._meta.model_name
            return VerifyReport(expected_seq - 1, ChainBreak(table, record.pk, record.seq, *found))
        if expect_head is not None and record.seq == expect_head[0]:
            found_head = record.entry_hash
        expected_seq += 1
        prev_hash = record.entry_hash
    checked = expected_seq - 1
    if problem := cutover.end_problem(checked):
        return VerifyReport(checked, _cutover_break(cutover, problem))
    head = (checked, prev_hash) if checked else None
    problem = _head_problem(expect_head, found_head) if expect_head is not None else ""
    return VerifyReport(checked, None, head, problem)
