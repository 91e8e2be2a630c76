"""Reading the audit log: the filtered list (also used by CSV exports), one entry, one batch,
one connector's history, and the entries reconciliation must resolve."""

import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from accounts.scope import default_name, scope_name
from audit.models import Action, AuditEntry, AuditOutcome, Outcome

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

CHANGE_ACTIONS = (
    Action.CONNECTOR_ENABLE,
    Action.CONNECTOR_DISABLE,
    Action.SOURCE_ENABLE,
    Action.SOURCE_DISABLE,
    Action.BATCH_ENABLE,
    Action.BATCH_DISABLE,
)
# Account, role and sign-in events (accounts.events): the audit log's "accounts" filter.
ACCOUNT_ACTIONS = (
    Action.ACCOUNT_CREATE,
    Action.ACCOUNT_DEACTIVATE,
    Action.ACCOUNT_REACTIVATE,
    Action.ACCOUNT_DELETE,
    Action.ROLE_ADD,
    Action.ROLE_REMOVE,
    Action.PASSWORD_SET,
    Action.PASSWORD_CHANGE,
    Action.SUPERUSER_GRANT,
    Action.SUPERUSER_REVOKE,
    Action.PERMISSIONS_CHANGE,
    Action.SIGN_IN,
    Action.SIGN_IN_FAILED,
    Action.SIGN_IN_LOCKOUT,
)
ACCOUNTS_FILTER = "accounts"
SORTS = {"newest": "-seq", "oldest": "seq"}


class CurrentOutcome(TypedDict):
    """What ``with_current_outcome`` adds to each entry (for the type checker)."""

    current_outcome: str
    latest_status: int | None
    latest_error: str | None


def with_current_outcome(
    queryset: QuerySet[AuditEntry],
) -> "QuerySet[WithAnnotations[AuditEntry, CurrentOutcome]]":
    """Annotate ``current_outcome``: the latest outcome row, else the sealed outcome."""
    latest = AuditOutcome.objects.filter(entry=OuterRef("pk")).order_by("-seq")
    return queryset.annotate(
        current_outcome=Coalesce(Subquery(latest.values("outcome")[:1]), F("outcome")),
        latest_status=Subquery(latest.values("powens_status")[:1]),
        latest_error=Subquery(latest.values("error_message")[:1]),
    )


def _day_start(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_entry_list(filters: Mapping[str, Any]) -> QuerySet[AuditEntry]:
    """Entries matching ``AuditFilterForm.cleaned_data`` (missing keys mean no filter)."""
    entries = with_current_outcome(AuditEntry.objects.all())
    if actor := filters.get("actor"):
        entries = entries.filter(actor_username=actor)
    if (action := filters.get("action")) == ACCOUNTS_FILTER:
        entries = entries.filter(action__in=ACCOUNT_ACTIONS)
    elif action:
        entries = entries.filter(action=action)
    if outcome := filters.get("outcome"):
        entries = entries.filter(current_outcome=outcome)
    if connector := (filters.get("connector") or "").strip():
        try:
            entries = entries.filter(connector_uuid=str(uuid.UUID(connector)))
        except ValueError:
            entries = entries.filter(connector_name__icontains=connector)
    if batch := filters.get("batch"):
        entries = entries.filter(batch_id=batch)
    if domain := filters.get("domain"):
        entries = entries.filter(domain_q(domain))
    if date_from := filters.get("date_from"):
        entries = entries.filter(created_at__gte=_day_start(date_from))
    if date_to := filters.get("date_to"):
        entries = entries.filter(created_at__lt=_day_start(date_to + timedelta(days=1)))
    if q := (filters.get("q") or "").strip():
        entries = entries.filter(
            Q(connector_name__icontains=q)
            | Q(connector_uuid__icontains=q)
            | Q(actor_username__icontains=q)
            | Q(reason__icontains=q)
            | Q(error_message__icontains=q)
            | Q(source_name__icontains=q)
        )
    return entries.order_by(SORTS.get(filters.get("sort") or "", "-seq"))


def audit_log_rows(filters: Mapping[str, Any]) -> QuerySet[AuditEntry]:
    """The log's rows: each matching entry outside a batch, and one per batch (its first
    matching entry, standing for the batch). Filtered by batch, that batch's entries one by one.

    A batch of 33 connectors is one decision, one reason, one person: 33 rows of it buried
    the rest of the log (issue 10). ``audit_batch_groups`` fills the batch rows in.
    """
    entries = audit_entry_list(filters)
    if filters.get("batch"):
        return entries
    in_batches = entries.filter(batch_id__isnull=False).order_by()
    firsts = in_batches.values("batch_id").annotate(first=Min("seq")).values("first")
    return entries.filter(Q(batch_id__isnull=True) | Q(seq__in=firsts))


@dataclass(frozen=True)
class BatchGroup:
    """One batch's row: its matching entries counted by outcome, and the first
    ``BATCH_ROWS_SHOWN`` of them (oldest first) for the expanded row."""

    batch_id: uuid.UUID
    counts: dict[str, int]
    entries: list[AuditEntry]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def hidden_count(self) -> int:
        return self.total - len(self.entries)


PAGE_SIZE = 50
# A batch expands to at most a page's worth of entries; the batch filter shows them all.
BATCH_ROWS_SHOWN = PAGE_SIZE


def audit_batch_groups(
    filters: Mapping[str, Any], batch_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, BatchGroup]:
    """The batch rows of one page: two queries whatever the number or size of the batches."""
    ids = set(batch_ids)
    if not ids:
        return {}
    entries = cast(  # audit_entry_list's entries carry with_current_outcome's annotations
        "QuerySet[WithAnnotations[AuditEntry, CurrentOutcome]]",
        audit_entry_list(filters).filter(batch_id__in=ids).order_by(),
    )
    counts: defaultdict[uuid.UUID | None, Counter[str]] = defaultdict(Counter)
    for row in entries.values("batch_id", "current_outcome").annotate(n=Count("pk")):
        counts[row["batch_id"]][row["current_outcome"]] += row["n"]
    position = Window(RowNumber(), partition_by=F("batch_id"), order_by=F("seq").asc())
    shown = entries.annotate(position=position).filter(position__lte=BATCH_ROWS_SHOWN)
    listed: defaultdict[uuid.UUID | None, list[AuditEntry]] = defaultdict(list)
    for entry in shown.order_by("seq"):
        listed[entry.batch_id].append(entry)
    order = {outcome: index for index, outcome in enumerate(Outcome.values)}
    return {
        batch_id: BatchGroup(
            batch_id,
            dict(sorted(counts[batch_id].items(), key=lambda item: order.get(item[0], 99))),
            listed[batch_id],
        )
        for batch_id in ids
    }


@dataclass(frozen=True)
class LogRow:
    entry: AuditEntry
    batch: BatchGroup | None = None


@dataclass(frozen=True)
class LogPage:
    """One page of the log: rows (an entry, or a batch led by its first entry) and how many
    entries match in all, which is more than the rows when batches are grouped."""

    page: Page
    rows: list[LogRow]
    entry_count: int


def audit_log_page(filters: Mapping[str, Any], page_number: Any) -> LogPage:
    """The log page the filters and ``?page=`` ask for (any page number: the nearest page)."""
    paginator = Paginator(audit_log_rows(filters), PAGE_SIZE)
    page = paginator.get_page(page_number)
    heads = list(page.object_list)
    grouped = not filters.get("batch")
    batch_ids = {entry.batch_id for entry in heads if entry.batch_id and grouped}
    batches = audit_batch_groups(filters, batch_ids)
    rows = [
        LogRow(entry, batches.get(entry.batch_id) if entry.batch_id else None) for entry in heads
    ]
    entry_count = audit_entry_list(filters).count() if grouped else paginator.count
    return LogPage(page, rows, entry_count)


def audit_actor_names() -> list[str]:
    """Usernames that appear in the log, for the actor filter. DISTINCT in the database (the log
    only grows and every audit page asks); sorted here, the same on SQLite and PostgreSQL."""
    names = AuditEntry.objects.exclude(actor_username="").values_list("actor_username", flat=True)
    return sorted(names.order_by().distinct())


def audit_domain_names() -> list[str]:
    """The domains entries are about, for the domain filter: the default one always (entries
    from before domains are its), and the page's own, which a connector page's "full audit
    history" link names even when nothing was recorded there yet."""
    names = AuditEntry.objects.exclude(domain="").values_list("domain", flat=True)
    return sorted({default_name(), *filter(None, [scope_name()]), *names.order_by().distinct()})


def audit_entry_get(pk: int) -> AuditEntry:
    """One entry with its outcomes, oldest first. Raises ``AuditEntry.DoesNotExist``."""
    outcomes = Prefetch("outcomes", queryset=AuditOutcome.objects.order_by("seq"))
    return with_current_outcome(AuditEntry.objects.prefetch_related(outcomes)).get(pk=pk)


@dataclass(frozen=True)
class DiffRow:
    key: str
    before: str
    after: str
    changed: bool
    # The write did not send this property: Powens keeps it, so "after" repeats "before".
    kept: bool


def audit_entry_diff(entry: AuditEntry) -> list[DiffRow]:
    """Before and after, one row per property, values as JSON.

    ``after`` holds only what the write sent (a source disable sends ``disabled``, not its
    ``priority``): a property missing from it kept its value. Showing it as ``null`` read as
    "priority 0 → null", a change nobody made (issue 10; POWENS_API.md: a disabled source
    keeps its priority, and the sandbox does).
    """
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    rows = []
    for key in dict.fromkeys([*before, *after]):
        kept = key not in after
        new = before.get(key) if kept else after[key]
        rows.append(
            DiffRow(
                key=key,
                before=json.dumps(before.get(key)),
                after=json.dumps(new),
                changed=not kept and before.get(key) != new,
                kept=kept,
            )
        )
    return rows


@dataclass(frozen=True)
class BatchSummary:
    batch_id: uuid.UUID
    entries: "list[WithAnnotations[AuditEntry, CurrentOutcome]]"
    counts: dict[str, int]

    @property
    def first(self) -> AuditEntry:
        return self.entries[0]

    @property
    def is_partial(self) -> bool:
        return self.counts.get(Outcome.SUCCEEDED, 0) not in (0, len(self.entries))


def audit_batch_get(batch_id: uuid.UUID) -> BatchSummary | None:
    """All entries of one batch with a count per current outcome; None if unknown."""
    entries = list(
        with_current_outcome(AuditEntry.objects.filter(batch_id=batch_id)).order_by("seq")
    )
    if not entries:
        return None
    return BatchSummary(batch_id, entries, dict(Counter(e.current_outcome for e in entries)))


def domain_q(name: str) -> Q:
    """Entries about domain ``name``; for the default domain, those from before domains too
    (they carry none)."""
    return Q(domain__in=(name, "")) if name == default_name() else Q(domain=name)


def audit_reverts_of(entry: AuditEntry) -> list[AuditEntry]:
    """The entries that revert ``entry`` (each revert record names the entry it reverts in
    ``details["reverts"]``: history is never updated, so the original cannot point at them)."""
    reverts = AuditEntry.objects.filter(details__reverts__entry=entry.pk).order_by("seq")
    return list(with_current_outcome(reverts))


def audit_batch_reverts(batch_id: uuid.UUID) -> list[uuid.UUID]:
    """The batches that revert entries of this batch, oldest first."""
    rows = AuditEntry.objects.filter(details__reverts__batch=str(batch_id)).order_by("seq")
    return list(dict.fromkeys(b for b in rows.values_list("batch_id", flat=True) if b))


def audit_revertible(entry: Any) -> bool:
    """Whether a revert may be offered for ``entry`` (with its current outcome): a succeeded
    change of a connector's or a source's state."""
    return entry.action in CHANGE_ACTIONS and entry.current_outcome == Outcome.SUCCEEDED


def audit_connector_history(connector_uuid: str, *, limit: int = 20) -> list[AuditEntry]:
    """The latest entries about one connector and its sources on the current domain, newest
    first."""
    entries = AuditEntry.objects.filter(domain_q(scope_name()), connector_uuid=connector_uuid)
    entries = entries.order_by("-seq")
    return list(with_current_outcome(entries)[:limit])


def connector_history_panel(connector_uuid: str) -> dict[str, Any]:
    """What a connector page's history panel shows, first drawn or refreshed after a change:
    this domain's entries, and the domain its "full audit history" link filters on."""
    return {
        "connector_uuid": connector_uuid,
        "entries": audit_connector_history(connector_uuid),
        "domain": scope_name(),
    }


def audit_last_change(connector_uuid: str, source_id: int | None = None) -> AuditEntry | None:
    """The latest change to this target that Powens confirmed (for 'who changed it')."""
    entries = with_current_outcome(
        AuditEntry.objects.filter(
            domain_q(scope_name()),
            connector_uuid=connector_uuid,
            source_id=source_id,
            action__in=CHANGE_ACTIONS,
        )
    )
    return entries.filter(current_outcome=Outcome.SUCCEEDED).order_by("-seq").first()


def audit_unresolved(*, min_age_seconds: int) -> QuerySet[AuditEntry]:
    """Change entries still unknown, or pending for over ``min_age_seconds`` (not in flight)."""
    return audit_unresolved_since(timezone.now() - timedelta(seconds=min_age_seconds))


def audit_unresolved_since(cutoff: datetime) -> QuerySet[AuditEntry]:
    """Change entries still unknown, or pending since before ``cutoff``."""
    entries = with_current_outcome(AuditEntry.objects.filter(action__in=CHANGE_ACTIONS))
    return entries.filter(
        Q(current_outcome=Outcome.UNKNOWN)
        | Q(current_outcome=Outcome.PENDING, created_at__lte=cutoff)
    ).order_by("seq")
