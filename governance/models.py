"""Change requests (four eyes) and scheduled changes: a stored plan, its approval, its steps.

A ``ChangeRequest`` is one plan: the targets it changes (``PlannedTarget``: a connector, or one
source of it), each with the state asked for and the state Powens showed when it was proposed,
plus a reason. It is applied now (once approved, or directly) or at set times
(``ScheduledStep``: "at T", or a window's start and end). Under the domain's policy it waits for
another editor's or an admin's ``Approval`` first; a schedule in a direct domain needs none.

Nothing here writes to Powens: ``governance.apply`` runs a plan through the same change
services as every other write path, and the audit log, not these rows, is the history.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ChangeRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Awaiting approval"
        APPROVED = "approved", "Approved"
        # A scheduled change in a domain that needs no approval: it simply runs.
        DIRECT = "direct", "No approval needed"
        APPLIED = "applied", "Applied"
        REJECTED = "rejected", "Rejected"
        EXPIRED = "expired", "Expired"
        WITHDRAWN = "withdrawn", "Withdrawn"
        CANCELLED = "cancelled", "Cancelled"

    class Kind(models.TextChoices):
        CONNECTOR = "connector", "Connector"
        SOURCE = "source", "Source"
        BATCH = "batch", "Batch"
        REVERT = "revert", "Revert"
        PROMOTE = "promote", "Promote"

    domain = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    summary = models.CharField(max_length=255)
    reason = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, db_index=True)
    # The domain's policy when it was proposed: only these are listed as change requests.
    approval_required = models.BooleanField()
    # Bumped by every edit: approvals of an older revision no longer count.
    revision = models.PositiveIntegerField(default=1)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="change_requests"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    bypassed = models.BooleanField(default=False)
    # What applying it did: counts per outcome, the batch id or audit entry, a message.
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.summary}"

    @property
    def needs_approval(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_scheduled(self) -> bool:
        return self.steps.exists()


# Plans of several targets (applied as one batch for their connectors): one not as expected
# when proposed is left out and listed, not a refusal of the whole proposal.
SEVERAL_TARGETS = (ChangeRequest.Kind.BATCH, ChangeRequest.Kind.REVERT, ChangeRequest.Kind.PROMOTE)


class PlannedTarget(models.Model):
    """One connector (or one source of it) a plan changes. ``off`` is the state asked for
    (hidden connector, disabled source); ``before`` is Powens' state at proposal time, and
    ``before_off`` its off-state: applying refuses if Powens shows anything else by then."""

    request = models.ForeignKey(ChangeRequest, on_delete=models.CASCADE, related_name="targets")
    connector_uuid = models.CharField(max_length=64, db_index=True)
    connector_name = models.CharField(max_length=255, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)
    source_name = models.CharField(max_length=64, blank=True)
    off = models.BooleanField()
    before_off = models.BooleanField()
    before = models.JSONField(default=dict)
    # For a window: whether its start step changed this target (its end restores only those).
    changed_by_start = models.BooleanField(default=False)
    # What the write entries of this target carry besides the request: the entry a revert
    # reverts (and a source's disabled date it restores), the domain a promote copies.
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        where = f" source {self.source_id}" if self.source_id is not None else ""
        return f"{self.connector_name or self.connector_uuid}{where} -> off={self.off}"


class Approval(models.Model):
    """One approval of one revision of a request: an edit makes it void (kept, not counted)."""

    request = models.ForeignKey(ChangeRequest, on_delete=models.CASCADE, related_name="approvals")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revision = models.PositiveIntegerField()
    approved_at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["approved_at"]

    def __str__(self) -> str:
        return f"approval of #{self.request_id} r{self.revision}"


class ScheduledStep(models.Model):
    """One timed application of a plan: "at T" (``AT``), or a window's ``START`` and ``END``
    (the end restores what the start changed). Due times are stored in UTC; ``time_zone`` is
    the zone they were entered in, shown beside them."""

    class Kind(models.TextChoices):
        AT = "at", "At"
        START = "start", "Window start"
        END = "end", "Window end"

    class Status(models.TextChoices):
        UPCOMING = "upcoming", "Upcoming"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    request = models.ForeignKey(ChangeRequest, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    due_at = models.DateTimeField(db_index=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.UPCOMING, db_index=True
    )
    # Set by the one runner whose conditional UPDATE claimed the step (two never both do).
    claim_token = models.CharField(max_length=32, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of #{self.request_id} at {self.due_at:%Y-%m-%d %H:%M}Z"
