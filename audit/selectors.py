"""Reading the audit log: the filtered list (also used by CSV exports), one entry, one batch,
one connector's history, and the entries reconciliation must resolve."""

import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

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


def audit_actor_names() -> list[str]:
    """Usernames that appear in the log, for the actor filter. DISTINCT in the database (the log
    only grows and every audit page asks); sorted here, the same on SQLite and PostgreSQL."""
    names = AuditEntry.objects.exclude(actor_username="").values_list("actor_username", flat=True)
    return sorted(names.order_by().distinct())


def audit_entry_get(pk: int) -> AuditEntry:
    """One entry with its outcomes, oldest first. Raises ``AuditEntry.DoesNotExist``."""
    outcomes = Prefetch("outcomes", queryset=AuditOutcome.objects.order_by("seq"))
    return with_current_outcome(AuditEntry.objects.prefetch_related(outcomes)).get(pk=pk)


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


def audit_connector_history(connector_uuid: str, *, limit: int = 20) -> list[AuditEntry]:
    """The latest entries about one connector and its sources, newest first."""
    entries = AuditEntry.objects.filter(connector_uuid=connector_uuid).order_by("-seq")
    return list(with_current_outcome(entries)[:limit])


def audit_last_change(connector_uuid: str, source_id: int | None = None) -> AuditEntry | None:
    """The latest change to this target that Powens confirmed (for 'who changed it')."""
    entries = with_current_outcome(
        AuditEntry.objects.filter(
            connector_uuid=connector_uuid, source_id=source_id, action__in=CHANGE_ACTIONS
        )
    )
    return entries.filter(current_outcome=Outcome.SUCCEEDED).order_by("-seq").first()


def audit_unresolved(*, min_age_seconds: int) -> QuerySet[AuditEntry]:
    """Change entries still unknown, or pending for over ``min_age_seconds`` (not in flight)."""
    cutoff = timezone.now() - timedelta(seconds=min_age_seconds)
    entries = with_current_outcome(AuditEntry.objects.filter(action__in=CHANGE_ACTIONS))
    return entries.filter(
        Q(current_outcome=Outcome.UNKNOWN)
        | Q(current_outcome=Outcome.PENDING, created_at__lte=cutoff)
    ).order_by("seq")
