"""Webhook endpoints, their outbox of messages with the delivery log, and service tokens.

A ``WebhookMessage`` is written in the audit record's own transaction (``notify.outbox``): one
row per record and subscribed endpoint, holding the exact body to send. The worker delivers it
(``notify.delivery``) at least once, under the same ``webhook-id`` every time, so a receiver
can drop duplicates; each try leaves a ``DeliveryAttempt``.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils import timezone


class WebhookFormat(models.TextChoices):
    STANDARD = "standard", "Standard Webhooks (JSON event)"
    SLACK = "slack", "Slack incoming webhook (one-line text)"


class WebhookEndpoint(models.Model):
    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500)
    format = models.CharField(max_length=16, choices=WebhookFormat.choices)
    # audit Action values this endpoint hears of; never empty (the form requires one).
    event_types = models.JSONField(default=list)
    # "" hears of every domain, else only records of that domain.
    domain = models.CharField(max_length=100, blank=True)
    active = models.BooleanField(default=True)
    # Fernet tokens (notify.secrets) of the signing secret, and of the previous one during a
    # rotation: both sign until the previous is dropped, so receivers can switch at leisure.
    secret_encrypted = models.TextField(editable=False)
    previous_secret_encrypted = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def url_display(self) -> str:
        """The URL without its path or query: a Slack URL's path is its credential."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}/…" if parts.path.strip("/") else self.url

    def wants(self, event_type: str, domain: str) -> bool:
        return event_type in self.event_types and self.domain in ("", domain)


class MessageStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    DEAD = "dead", "Dead-lettered"


class WebhookMessage(models.Model):
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="messages")
    # The webhook-id header: the same on every try and redelivery (the idempotency key).
    message_id = models.CharField(max_length=64, unique=True, editable=False)
    event_type = models.CharField(max_length=32)
    domain = models.CharField(max_length=100)
    audit_seq = models.BigIntegerField(db_index=True)
    summary = models.CharField(max_length=500)
    body = models.TextField()  # exactly the bytes sent (UTF-8), so signatures cover them
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=16, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    redeliveries = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due")]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.endpoint_id}"


class DeliveryAttempt(models.Model):
    message = models.ForeignKey(WebhookMessage, on_delete=models.CASCADE, related_name="tries")
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-pk"]

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class ServiceToken(models.Model):
    """A bearer token a machine (the SIEM) reads the audit stream with. Only its SHA-256 is
    kept: the token has 256 bits of randomness, so a fast hash is enough."""

    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=32, default="audit:read", editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=12, editable=False)  # to recognise it in a list
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
