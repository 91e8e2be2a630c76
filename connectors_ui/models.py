"""The local copy of the Powens catalogue: pages read it so they stay fast when Powens is not.

Each connector keeps the JSON exactly as Powens sent it (``raw``) plus a few denormalised
columns used to filter, sort and show the list without parsing JSON. Sources get their own
rows so other pages (changes, audit) can join on them.
"""

import secrets

from django.conf import settings
from django.db import models

from connectors_ui.domains.context import current_domain_name
from connectors_ui.domains.scoping import (
    ConnectorScopedManager,
    DomainScopedManager,
    domain_field,
)


def new_generation() -> str:
    return secrets.token_hex(16)


class CatalogueSync(models.Model):
    """One refresh attempt, successful or not, so the UI can say when and why."""

    class Status(models.TextChoices):
        RUNNING = "running", "running"
        SUCCESS = "success", "success"
        FAILED = "failed", "failed"
        SKIPPED = "skipped", "skipped (another refresh was running)"

    class Trigger(models.TextChoices):
        AUTO = "auto", "automatic (copy was stale)"
        MANUAL = "manual", "Refresh button"
        COMMAND = "command", "manage.py catalogue_refresh"
        TEST = "test", "test data load"

    domain = domain_field()
    started_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    connector_count = models.PositiveIntegerField(default=0)
    added_count = models.PositiveIntegerField(default=0)
    removed_count = models.PositiveIntegerField(default=0)
    changed_count = models.PositiveIntegerField(default=0)
    restored_count = models.PositiveIntegerField(
        default=0, help_text="Connectors marked removed before, listed again."
    )
    # One line, meant for humans; never contains a token (Powens errors do not carry it).
    error = models.CharField(max_length=500, blank=True)

    objects = DomainScopedManager()
    all_domains = models.Manager()

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Catalogue sync #{self.pk} ({self.status})"

    @property
    def changed_anything(self) -> bool:
        counts = (self.added_count, self.removed_count, self.changed_count, self.restored_count)
        return any(counts)

    @property
    def summary(self) -> str:
        """What a successful refresh did, for its message and the banner: "377 connectors,
        2 added, 0 removed, 3 changed, 1 restored" (or "377 connectors, no change")."""
        counts = (
            (self.added_count, "added"),
            (self.removed_count, "removed"),
            (self.changed_count, "changed"),
            (self.restored_count, "restored"),
        )
        total = f"{self.connector_count:,} connector{'s' if self.connector_count != 1 else ''}"
        if not self.changed_anything:
            return f"{total}, no change"
        return f"{total}, " + ", ".join(f"{count:,} {word}" for count, word in counts)


class CatalogueState(models.Model):
    """One row per domain: the refresh lock, the copy's version and the latest syncs.

    Reading this one row tells a request everything it needs: whether its in-memory index is
    current (``version``), when the copy was last refreshed and whether the last attempt failed.
    The lock is a lease so that a crashed refresh cannot block the next one forever.
    """

    # A random token, not a counter: a counter can repeat after a rolled-back transaction and
    # a process would then keep an index built from other data.
    version = models.CharField(max_length=32, blank=True)
    # How each process keeps its search index current (catalogue.search_index): a refresh
    # gives the copy a new ``generation`` (rebuild); each of our own writes takes the next
    # ``serial`` and stamps the rows it changed with it (``CatalogueConnector.index_serial``),
    # so a process patches just those. Random on creation: a state row made again (a test's
    # rollback, a flushed table) never passes for one an index was built from.
    generation = models.CharField(max_length=32, default=new_generation)
    serial = models.PositiveBigIntegerField(default=0)
    lock_token = models.CharField(max_length=64, blank=True)
    lock_expires_at = models.DateTimeField(null=True, blank=True)
    # When a refresh of this domain was queued for the worker and has not started yet: pages
    # say "refreshing" from this one row they read anyway, not from a query of the task queue.
    refresh_queued_at = models.DateTimeField(null=True, blank=True)
    last_success = models.ForeignKey(
        CatalogueSync, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_attempt = models.ForeignKey(
        CatalogueSync, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Whether a listing ever included a hidden connector, i.e. the domain honours ``all``
    # (POWENS_API.md §2). Until it has, a listing without hidden connectors may be a domain
    # ignoring ``all``, and the hidden connectors the copy knows are kept, not marked removed.
    lists_hidden = models.BooleanField(default=False)
    domain = models.CharField(max_length=64, default=current_domain_name, unique=True)

    objects = DomainScopedManager()
    all_domains = models.Manager()

    def __str__(self) -> str:
        return f"Catalogue state v{self.version}"


class CatalogueConnector(models.Model):
    # Each domain has its own copy: a UUID is the same connector on every domain, an integer
    # id is not.
    domain = domain_field()
    uuid = models.CharField(max_length=64)
    powens_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    name = models.CharField(max_length=500)
    slug = models.CharField(max_length=200, blank=True)
    code = models.CharField(max_length=200, blank=True)
    color = models.CharField(max_length=6, blank=True, help_text="Validated hex colour or blank.")
    hidden = models.BooleanField(default=False)
    beta = models.BooleanField(default=False)
    restricted = models.BooleanField(default=False)
    charged = models.BooleanField(default=False)
    pay_capable = models.BooleanField(default=False)
    auth_mechanism = models.CharField(max_length=100, blank=True)
    auth_mechanisms = models.JSONField(default=list, help_text="Current and available ones.")
    products = models.JSONField(default=list)
    capabilities = models.JSONField(default=list)
    countries = models.JSONField(default=list, help_text="[[code, name], ...]")
    # Its stability (catalogue.stability): the status as Powens sent it, its own or else the
    # worst of its enabled sources' ("" = none), and that status's last_update.
    stability_status = models.CharField(max_length=100, blank=True)
    stability_since = models.DateTimeField(null=True, blank=True)
    raw = models.JSONField(default=dict)
    raw_hash = models.CharField(max_length=64, blank=True)
    # A connector absent from the latest refresh is kept, not deleted: we saw it before.
    removed_at = models.DateTimeField(null=True, blank=True)
    # The state's ``serial`` of the last write of ours that changed this row (0: none since
    # it was stored by a refresh); see CatalogueState.
    index_serial = models.PositiveBigIntegerField(default=0, db_index=True)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DomainScopedManager()
    all_domains = models.Manager()

    class Meta:
        ordering = ["name", "uuid"]
        constraints = [
            models.UniqueConstraint(fields=["domain", "uuid"], name="unique_connector_per_domain")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.uuid})"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class CatalogueSource(models.Model):
    connector = models.ForeignKey(
        CatalogueConnector, on_delete=models.CASCADE, related_name="sources"
    )
    source_id = models.BigIntegerField()
    name = models.CharField(max_length=200)
    auth_mechanism = models.CharField(max_length=100, blank=True)
    disabled = models.BooleanField(default=False)
    # Disabled since then (Powens' own representation); null when enabled or unparsable.
    disabled_at = models.DateTimeField(null=True, blank=True)
    priority = models.IntegerField(null=True, blank=True)
    # Its stability (catalogue.stability): the status as Powens sent it ("" = none), its date.
    stability_status = models.CharField(max_length=100, blank=True)
    stability_since = models.DateTimeField(null=True, blank=True)
    raw = models.JSONField(default=dict)

    objects = ConnectorScopedManager()
    all_domains = models.Manager()

    class Meta:
        ordering = ["priority", "source_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connector", "source_id"], name="unique_source_per_connector"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.source_id}"


class CatalogueChange(models.Model):
    """What changed in the copy, by a refresh (``sync`` set) or by our own write (``sync`` null)."""

    class Kind(models.TextChoices):
        ADDED = "added", "added"
        REMOVED = "removed", "removed from the catalogue"
        RESTORED = "restored", "back in the catalogue"
        HIDDEN = "hidden", "state changed"
        FIELDS = "fields", "fields changed"
        SOURCES = "sources", "sources changed"
        DETAILS = "details", "other properties changed"

    sync = models.ForeignKey(
        CatalogueSync, null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    connector = models.ForeignKey(
        CatalogueConnector, on_delete=models.CASCADE, related_name="changes"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    summary = models.CharField(max_length=1000)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = ConnectorScopedManager()
    all_domains = models.Manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.summary}"


class ChangeClaim(models.Model):
    """One target (a connector, or one of its sources) held by the change in flight on it, from
    the read before the write to the recorded outcome: a second change finds the row and is
    refused (``connectors_ui.changes.claims``). A lease: a claim past ``expires_at`` belongs to
    a process that died, and the next change takes it over."""

    domain = domain_field()
    target = models.CharField(max_length=80)  # "<uuid>" or "<uuid>/<source id>"
    token = models.CharField(max_length=32, db_index=True)
    holder = models.CharField(max_length=150, blank=True)  # who, for the refusal's message
    claimed_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    objects = DomainScopedManager()
    all_domains = models.Manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["domain", "target"], name="unique_claim_per_domain")
        ]

    def __str__(self) -> str:
        return f"{self.target} claimed by {self.holder or 'the system'}"


class ConnectorPreviousName(models.Model):
    """A name a connector had before, as a refresh saw it change (BoursoBank was "Boursorama
    Banque"): support staff search with the name their customer knows, which may be old."""

    connector = models.ForeignKey(
        CatalogueConnector, on_delete=models.CASCADE, related_name="previous_names"
    )
    name = models.CharField(max_length=500)
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-replaced_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["connector", "name"], name="unique_previous_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} (now {self.connector_id})"


class SavedView(models.Model):
    """A named list query (filters + sort, as its query string) kept by one person, private or
    shared with the team. The URL stays the source of truth: opening a view is opening
    ``/connectors/?<query>``; nothing here is applied behind the page's back."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=2000, blank=True)
    shared = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="unique_saved_view_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({'shared' if self.shared else 'private'})"


class UpstreamBudget(models.Model):
    """One domain's token bucket of Powens calls, shared by every process and host
    (``connectors_ui.domains.budget``): ``tokens`` left as of ``updated_at`` (seconds since the
    epoch); negative while calls that reserved a turn are waiting for it."""

    domain = models.CharField(max_length=64, primary_key=True)
    tokens = models.FloatField()
    updated_at = models.FloatField()

    def __str__(self) -> str:
        return f"{self.domain}: {self.tokens:.1f} calls left"


class HealthTransition(models.Model):
    """A connector's (``source_id`` null) or one of its sources' stability as a refresh first
    saw it: written only when it differs from the target's previous one (transitions only), so
    30 days of history stay a few rows per target however often the copy is refreshed."""

    connector = models.ForeignKey(
        CatalogueConnector, on_delete=models.CASCADE, related_name="health"
    )
    source_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=100, blank=True)  # as Powens sent it ("" = none)
    since = models.DateTimeField(null=True, blank=True)  # Powens' ``last_update``
    seen_at = models.DateTimeField()
    sync = models.ForeignKey(
        CatalogueSync, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["seen_at", "id"]
        indexes = [models.Index(fields=["connector", "seen_at"], name="health_by_connector")]

    def __str__(self) -> str:
        target = f"{self.connector_id}/{self.source_id}" if self.source_id else self.connector_id
        return f"{target}: {self.status or 'no status'} at {self.seen_at:%Y-%m-%d %H:%M}"


class DriftRun(models.Model):
    """One run of the scheduled drift check of a pair of domains (``catalogue.drift``): its
    counts, and the differences it found as stable keys, which the next run compares with to
    notify only what is new. Numbered per pair, so two runs racing cannot both follow one."""

    pair = models.CharField(max_length=300)  # "<source domain> | <target domain>"
    number = models.PositiveIntegerField()  # 1, 2, … per pair
    ran_at = models.DateTimeField()
    total = models.PositiveIntegerField(default=0)
    new_count = models.PositiveIntegerField(default=0)
    resolved_count = models.PositiveIntegerField(default=0)
    differences = models.JSONField(default=list)  # sorted keys, one string per difference
    # The "drift detected" entry that notified the new differences (none when nothing was new).
    # No database constraint: nothing outside the audit app holds its tables (an entry is never
    # deleted anyway), so tampering with them is caught by ``audit_verify``, not masked by an
    # error of ours (tests/audit/test_tampering.py).
    entry = models.ForeignKey(
        "audit.AuditEntry",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["pair", "number"], name="drift_run_number_per_pair")
        ]

    def __str__(self) -> str:
        return f"drift {self.pair} #{self.number}: {self.total} at {self.ran_at:%Y-%m-%d %H:%M}"
