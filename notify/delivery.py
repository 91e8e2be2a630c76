"""Delivering the outbox: at least once, retried with exponential backoff and jitter, then
dead-lettered; redelivered on an admin's request.

``webhook_deliveries_run_due`` is what the worker runs every few seconds (``notify.tasks``): it
claims the due messages (a lease pushes their ``next_attempt_at`` forward in the claiming
transaction, with ``SKIP LOCKED`` on PostgreSQL, so two workers never send the same one at once),
posts each one outside any transaction, and records the try. A crash between the post and the
record means the message is sent again when the lease runs out: at least once, never lost, and
the unchanged ``webhook-id`` lets the receiver drop the duplicate. Only a 2xx counts as
delivered; redirects are not followed.
"""

import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notify.models import DeliveryAttempt, MessageStatus, WebhookMessage
from notify.secrets import SecretUnreadable
from notify.signing import endpoint_secrets, webhook_headers

_session = requests.Session()


@dataclass
class DeliveryRun:
    sent: int = 0
    retried: int = 0
    dead: int = 0


def backoff_delay(attempts: int, *, rng: random.Random | None = None) -> timedelta:
    """Wait after the ``attempts``-th failure: base·2^(n-1) capped, half of it jittered
    ("equal jitter"), so endpoints that fail together do not all come back at once."""
    ceiling = min(
        settings.WEBHOOK_BACKOFF_MAX_SECONDS,
        settings.WEBHOOK_BACKOFF_BASE_SECONDS * 2 ** (attempts - 1),
    )
    jitter = (rng or random).uniform(0, ceiling / 2)
    return timedelta(seconds=ceiling / 2 + jitter)


def _claim_due(now: datetime, limit: int) -> list[WebhookMessage]:
    lease = timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS * limit + 60)
    with transaction.atomic():
        due = (
            WebhookMessage.objects.select_for_update(skip_locked=True)
            .filter(status=MessageStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
        )
        messages = list(due[:limit])
        ids = [message.pk for message in messages]
        WebhookMessage.objects.filter(pk__in=ids).update(next_attempt_at=now + lease)
    return list(WebhookMessage.objects.filter(pk__in=ids).select_related("endpoint"))


def _post(message: WebhookMessage) -> tuple[int | None, str]:
    """(HTTP status, error) of one try. The error names what failed, never the URL (a Slack
    URL is itself a credential) nor a secret."""
    try:
        headers = webhook_headers(
            message, secrets=endpoint_secrets(message.endpoint), at=timezone.now()
        )
    except SecretUnreadable as error:
        return None, str(error)
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    try:
        response = _session.post(
            message.endpoint.url,
            data=message.body.encode(),
            headers=headers,
            timeout=timeout,
            allow_redirects=False,
            stream=True,  # the body is never read: a huge answer costs nothing
        )
    except requests.Timeout:
        return None, f"no answer within {timeout} s"
    except requests.RequestException as error:
        return None, f"could not connect ({type(error).__name__})"
    response.close()
    ok = 200 <= response.status_code < 300
    return response.status_code, "" if ok else f"answered HTTP {response.status_code}"


def _record(message: WebhookMessage, status: int | None, error: str, *, now: datetime) -> str:
    """Store the try's effect on the message; returns its new state."""
    message.attempts += 1
    message.last_error = error
    if not error:
        message.status, message.delivered_at = MessageStatus.DELIVERED, now
    elif message.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        message.status = MessageStatus.DEAD
    else:
        message.next_attempt_at = now + backoff_delay(message.attempts)
    message.save(
        update_fields=["attempts", "last_error", "status", "delivered_at", "next_attempt_at"]
    )
    return message.status


def webhook_message_deliver(message: WebhookMessage, *, now: datetime) -> str:
    """One try of one claimed message, logged as a ``DeliveryAttempt``."""
    started = time.monotonic()
    status, error = _post(message)
    duration_ms = int((time.monotonic() - started) * 1000)
    DeliveryAttempt.objects.create(
        message=message, at=now, status_code=status, error=error, duration_ms=duration_ms
    )
    return _record(message, status, error, now=now)


def webhook_deliveries_run_due(*, now: datetime | None = None) -> DeliveryRun:
    """Try every message due at ``now`` (a batch of ``WEBHOOK_BATCH``)."""
    now = now or timezone.now()
    run = DeliveryRun()
    for message in _claim_due(now, settings.WEBHOOK_BATCH):
        state = webhook_message_deliver(message, now=now)
        if state == MessageStatus.DELIVERED:
            run.sent += 1
        elif state == MessageStatus.DEAD:
            run.dead += 1
        else:
            run.retried += 1
    return run
