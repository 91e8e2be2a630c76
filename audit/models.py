"""The audit log: append-only, hash-chained records of every change, refusal and export.

Two tables share one hash chain (a global ``seq``):

- ``AuditEntry``: what someone did or tried (an intent, a refusal, an export), sealed when written.
- ``AuditOutcome``: what came of an intent (the Powens answer, or a reconciliation), appended
  later and pointing at its entry.

A Powens write cannot join our transaction, so the intent is sealed *before* the call and the
outcome appended *after* it; history is never updated. An entry's current outcome is its latest
outcome row, or the outcome it was sealed with (``pending`` for an intent).

Rows are written only through ``audit.chain``. The model and queryset refuse updates and
deletes; on PostgreSQL a trigger (migration 0002) refuses them even for raw SQL, and the app's
own role may only SELECT and INSERT (``audit.db_roles``). Each row carries a MAC under a key
from the environment (``audit.sealing``), so someone with database access but not the key
cannot forge or re-seal one.
"""

import heapq
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    """Someone tried to change or delete sealed audit history."""


class Action(models.TextChoices):
    CONNECTOR_ENABLE = "connector_enable", "Enable connector"
    CONNECTOR_DISABLE = "connector_disable", "Disable connector"
    SOURCE_ENABLE = "source_enable", "Enable source"
    SOURCE_DISABLE = "source_disable", "Disable source"
    BATCH_ENABLE = "batch_enable", "Enable connector (batch)"
    BATCH_DISABLE = "batch_disable", "Disable connector (batch)"
    EXPORT = "export", "CSV export"
    RECONCILE = "reconcile", "Reconcile"
    # Only refusals: a refresh writes nothing to Powens, and CatalogueSync records the runs.
    CATALOGUE_REFRESH = "catalogue_refresh", "Refresh catalogue"
    # "N more refused attempts": those counted, not recorded one by one (``audit.flood``).
    REFUSALS_SUMMARY = "refusals_summary", "More refused attempts"
    # Accounts and roles (accounts.events), whatever changed them: Django admin, a shell,
    # a command, sign-in provisioning. The account concerned is ``details["account"]``.
    ACCOUNT_CREATE = "account_create", "Create account"
    ACCOUNT_DEACTIVATE = "account_deactivate", "Deactivate account"
    ACCOUNT_REACTIVATE = "account_reactivate", "Reactivate account"
    ACCOUNT_DELETE = "account_delete", "Delete account"
    ROLE_ADD = "role_add", "Add role"
    ROLE_REMOVE = "role_remove", "Remove role"
    PASSWORD_SET = "password_set", "Set password"
    PASSWORD_CHANGE = "password_change", "Change own password"
    SUPERUSER_GRANT = "superuser_grant", "Grant superuser"
    SUPERUSER_REVOKE = "superuser_revoke", "Revoke superuser"
    # Raw Django permissions of an account, or of a role (``details["role"]``): superusers only.
    PERMISSIONS_CHANGE = "permissions_change", "Change permissions"
    SIGN_IN = "sign_in", "Sign in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
    SIGN_IN_LOCKOUT = "sign_in_lockout", "Sign-in lockout"
    # Change requests (four eyes) and scheduled changes (governance): each step of a request's
    # life; the writes themselves are the change actions above, with the request in ``details``.
    REQUEST_PROPOSE = "request_propose", "Propose change"
    REQUEST_EDIT = "request_edit", "Edit change request"
    REQUEST_APPROVE = "request_approve", "Approve change"
    REQUEST_REJECT = "request_reject", "Reject change"
    REQUEST_WITHDRAW = "request_withdraw", "Withdraw change request"
    REQUEST_EXPIRE = "request_expire", "Change request expired"
    REQUEST_APPLY = "request_apply", "Apply change request"
    REQUEST_BYPASS = "request_bypass", "Apply change, approval bypassed"
    SCHEDULE_CREATE = "schedule_create", "Schedule change"
    SCHEDULE_CANCEL = "schedule_cancel", "Cancel scheduled change"
    STEP_RUN = "step_run", "Run scheduled step"
    STEP_SKIP = "step_skip", "Skip scheduled step"
    # Found by a catalogue refresh, not done by us: a connector's or source's state that no
    # write of ours explains (``details``: the sync, when detected). No actor.
    OBSERVED_CHANGE = "observed_change", "Changed outside the dashboard"
    # New differences between two domains of the scheduled drift check (``details``: the list).
    DRIFT_DETECTED = "drift_detected", "Drift detected"
    # Webhooks and the SIEM's service tokens (notify): configuration changes, redeliveries,
    # and refused reads of the audit stream (a missing, unknown or revoked token).
    WEBHOOK_CREATE = "webhook_create", "Create webhook"
    WEBHOOK_EDIT = "webhook_edit", "Edit webhook"
    WEBHOOK_ROTATE = "webhook_rotate", "Rotate webhook secret"
    WEBHOOK_DELETE = "webhook_delete", "Delete webhook"
    WEBHOOK_REDELIVER = "webhook_redeliver", "Redeliver webhook message"
    TOKEN_CREATE = "token_create", "Create service token"
    TOKEN_REVOKE = "token_revoke", "Revoke service token"
    AUDIT_STREAM = "audit_stream", "Read audit stream"
    EVIDENCE_EXPORT = "evidence_export", "Write evidence bundle"


class Outcome(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    UNKNOWN = "unknown", "Unknown"
    REFUSED = "refused", "Refused"


class ResolvedBy(models.TextChoices):
    CALL = "call", "Powens answer"
    RECONCILE = "reconcile", "Reconciliation"


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk updates and deletes would rewrite history: refused."""

    def update(self, **kwargs):
        raise AppendOnlyError("Audit history cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Audit history cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Audit history cannot be updated.")

    def bulk_create(self, objs, *args, **kwargs):
        if any(not obj.entry_hash for obj in objs):
            raise AppendOnlyError("Audit rows are appended through audit.chain only.")
        return super().bulk_create(objs, *args, **kwargs)


class ChainedRecord(models.Model):
    """A row of the hash chain: sealed (hashed) at insert, never changed afterwards."""

    seq = models.BigIntegerField(unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, unique=True, editable=False)
    # HMAC-SHA256 of entry_hash under the key AUDIT_KEYS names key_id. Empty on records sealed
    # before migration 0006 (up to the ChainCutover's seq), which the old rule verifies.
    key_id = models.CharField(max_length=32, blank=True, default="", editable=False)
    mac = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_sealed(self) -> bool:
        return bool(self.entry_hash)

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Sealed audit history cannot be updated.")
        if not self.is_sealed:
            raise AppendOnlyError("Audit rows are appended through audit.chain only.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit history cannot be deleted.")


def in_seq_order(*querysets: models.QuerySet) -> Iterator[Any]:
    """The rows of several chained tables as one stream in ``seq`` order, in chunks."""
    streams = (queryset.order_by("seq").iterator(chunk_size=2000) for queryset in querysets)
    return heapq.merge(*streams, key=lambda record: record.seq)


class AuditEntry(ChainedRecord):
    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    # PROTECT: a user with history cannot be deleted (deactivate them); SET_NULL would need an
    # UPDATE of sealed rows, which the trigger refuses anyway.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_entries",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=16, blank=True)
    action = models.CharField(max_length=32, choices=Action.choices, db_index=True)
    connector_uuid = models.CharField(max_length=64, blank=True, db_index=True)
    connector_name = models.CharField(max_length=255, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)
    source_name = models.CharField(max_length=64, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    batch_id = models.UUIDField(null=True, blank=True, db_index=True)
    # The outcome the entry was sealed with: pending (an intent), refused, or succeeded.
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    client_ip = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    # The Powens domain the entry is about, by name ("" for account events, and for entries
    # from before domains: the default domain's). Sealed like every column: it is hashed into
    # new entries, while those sealed before it existed (empty) hash as they always did.
    domain = models.CharField(max_length=64, blank=True, default="", db_index=True)

    class Meta:
        ordering = ["-seq"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        target = self.connector_name or self.connector_uuid or "-"
        return f"#{self.pk} {self.get_action_display()} {target}"


class AuditOutcome(ChainedRecord):
    entry = models.ForeignKey(AuditEntry, on_delete=models.PROTECT, related_name="outcomes")
    # The entry's entry_hash, sealed into this outcome: the entry's id alone could be swapped
    # with another entry's, moving this outcome to it.
    entry_link = models.CharField(max_length=64, blank=True, default="", editable=False)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    resolved_by = models.CharField(max_length=16, choices=ResolvedBy.choices)
    powens_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    powens_request_id = models.CharField(max_length=64, blank=True)
    # The state Powens reported after the call (or at reconciliation).
    observed = models.JSONField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_outcomes",
    )
    actor_username = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["entry", "-seq"], name="audit_outcome_latest")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} for entry #{self.entry_id}"


class RefusalTally(models.Model):
    """Refused attempts of one account (or anonymous) from one address in the current window,
    beyond those recorded in full: counted here, then written to the chain as one summary
    entry (``audit.flood``). Not history itself, so it is updated and deleted freely; the
    count is durable from the refusal's own transaction on."""

    actor_key = models.CharField(max_length=32)  # "user:<pk>" or "anonymous"
    client_ip = models.CharField(max_length=45, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=16, blank=True)
    window_started = models.DateTimeField(db_index=True)
    recorded = models.PositiveIntegerField(default=0)
    counted = models.PositiveIntegerField(default=0)
    first_counted_at = models.DateTimeField(null=True, blank=True)
    last_counted_at = models.DateTimeField(null=True, blank=True)
    # {action: n} and {refusal code: n} of the counted attempts.
    actions = models.JSONField(default=dict)
    codes = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor_key", "client_ip"], name="refusal_tally_key")
        ]

    def __str__(self) -> str:
        return f"{self.actor_key}@{self.client_ip or '-'}: {self.counted} counted"


class ChainCutover(models.Model):
    """Where the keyed rule starts: records up to ``seq`` were sealed before migration 0006
    (no MAC, no identity in their hash) and are verified by the old rule.

    Written once by that migration, only when there were such records, and signed: raising
    ``seq`` to pass forged records off as old ones breaks the MAC, and deleting the row makes
    every record need a MAC. ``head_hash`` and ``legacy_digest`` (over each old record's
    table, id and seq) pin the old records, their ids included, under the key.
    """

    seq = models.BigIntegerField(editable=False)
    head_hash = models.CharField(max_length=64, editable=False)
    legacy_digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(editable=False)
    key_id = models.CharField(max_length=32, editable=False)
    mac = models.CharField(max_length=64, editable=False)

    def __str__(self) -> str:
        return f"cut-over at seq {self.seq}"
