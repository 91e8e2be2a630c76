"""Sandbox state, kept in the database so it survives restarts and is shared by every worker.

A connector is stored as its API document (everything except its sources) plus the few columns
the endpoints filter or write on; sources get their own rows because E6–E8 address them
individually and a connector's stability is derived from them.
"""

from django.db import models
from django.db.models import Q

from sandbox.domains import sandbox_domain


class _DomainManager(models.Manager):
    """Only the current sandbox domain's rows (``sandbox.domains``). Class attributes, since
    Django builds related managers from the class alone: ``lookup`` reaches the domain through
    a relation, and ``shared`` also keeps rows of every domain (domain "")."""

    lookup = "domain"
    shared = False

    def get_queryset(self) -> models.QuerySet:
        mine = Q(**{self.lookup: sandbox_domain()})
        if self.shared:
            mine |= Q(**{self.lookup: ""})
        return super().get_queryset().filter(mine)


class _ByConnector(_DomainManager):
    lookup = "connector__domain"


class _Shared(_DomainManager):
    shared = True


class SandboxConnector(models.Model):
    id = models.IntegerField(primary_key=True)
    domain = models.CharField(max_length=64, default=sandbox_domain, db_index=True)
    uuid = models.CharField(max_length=36)
    name = models.CharField(max_length=255)
    hidden = models.BooleanField(null=True)
    # ",fr,be," so E1's country_codes filter runs in SQL on any backend.
    country_codes = models.CharField(max_length=255, default=",")
    pay_capable = models.BooleanField(default=False)
    document = models.JSONField(default=dict)

    objects = _DomainManager()
    all_domains = models.Manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["domain", "uuid"], name="sandbox_uuid_per_domain")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.uuid})"


class SandboxSource(models.Model):
    id = models.IntegerField(primary_key=True)
    connector = models.ForeignKey(
        SandboxConnector, on_delete=models.CASCADE, related_name="sources"
    )
    priority = models.IntegerField(default=0)
    # "YYYY-MM-DD HH:MM:SS" (UTC) or null, exactly as the API shows it.
    disabled = models.CharField(max_length=19, null=True, blank=True)
    document = models.JSONField(default=dict)

    objects = _ByConnector()
    all_domains = models.Manager()

    class Meta:
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return f"source {self.id} of connector {self.connector_id}"


class SandboxFault(models.Model):
    """One injected fault; consumed by the transport and the standalone server alike."""

    # The one domain it fires on; "" = every domain.
    domain = models.CharField(max_length=64, blank=True, default="")
    kind = models.CharField(max_length=16)
    method = models.CharField(max_length=10, null=True, blank=True)
    endpoint = models.CharField(max_length=4, null=True, blank=True)
    # Firings left; null = unlimited (rate-based faults last until cleared).
    remaining = models.IntegerField(null=True)
    rate = models.FloatField(null=True)
    status = models.IntegerField(null=True)
    retry_after = models.IntegerField(null=True)
    delay_ms = models.IntegerField(null=True)
    apply_write = models.BooleanField(default=False)
    # The n-th draw of a rate fault is a pure function of (seed, n): reruns behave the same.
    seed = models.IntegerField(default=0)
    calls = models.IntegerField(default=0)
    fired = models.IntegerField(default=0)

    objects = _Shared()
    all_domains = models.Manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} fault on {self.endpoint or 'all'} {self.method or ''}".strip()


class SandboxCounter(models.Model):
    """Monotonic counters (the Powens-style integer request ids)."""

    name = models.CharField(max_length=32, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
