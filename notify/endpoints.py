"""Admins' changes to webhook endpoints and redeliveries, each audited in its own transaction.

A new or rotated secret is returned once, to be shown once; it is stored only encrypted and
never reaches the audit record (which names the endpoint, its URL's host and its filters).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from audit.models import Action
from audit.services import Actor, RequestMeta, audit_record_event
from notify.models import MessageStatus, WebhookEndpoint, WebhookMessage
from notify.refusals import NameTaken, RotationUnderWay
from notify.secrets import secret_encrypt, secret_generate

CONFIG_FIELDS = ("name", "url", "format", "event_types", "domain", "active")


@dataclass(frozen=True)
class NewSecret:
    endpoint: WebhookEndpoint
    secret: str  # shown once, then gone


def _described(endpoint: WebhookEndpoint) -> dict[str, Any]:
    config = {name: getattr(endpoint, name) for name in CONFIG_FIELDS}
    config["url"] = endpoint.url_display
    return config


def _audit(
    action: Action, endpoint: WebhookEndpoint, actor: Actor, meta: RequestMeta | None, **extra: Any
) -> None:
    details = {"webhook": {"id": endpoint.pk, "name": endpoint.name}, **extra}
    audit_record_event(actor=actor, action=action, details=details, request_meta=meta)


def webhook_endpoint_create(
    *, actor: Actor, config: Mapping[str, Any], request_meta: RequestMeta | None = None
) -> NewSecret:
    if WebhookEndpoint.objects.filter(name=config.get("name")).exists():
        raise NameTaken(
            f"A webhook called “{config.get('name')}” exists already: open it to change it."
        )
    secret = secret_generate()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            **{name: config[name] for name in CONFIG_FIELDS if name in config},
            secret_encrypted=secret_encrypt(secret),
        )
        _audit(Action.WEBHOOK_CREATE, endpoint, actor, request_meta, after=_described(endpoint))
    return NewSecret(endpoint, secret)


def webhook_endpoint_update(
    *,
    actor: Actor,
    endpoint: WebhookEndpoint,
    config: Mapping[str, Any],
    request_meta: RequestMeta | None = None,
) -> WebhookEndpoint:
    before = _described(endpoint)
    with transaction.atomic():
        for name in CONFIG_FIELDS:
            if name in config:
                setattr(endpoint, name, config[name])
        endpoint.save()
        after = _described(endpoint)
        _audit(Action.WEBHOOK_EDIT, endpoint, actor, request_meta, before=before, after=after)
    return endpoint


def webhook_endpoint_rotate(
    *, actor: Actor, endpoint: WebhookEndpoint, request_meta: RequestMeta | None = None
) -> NewSecret:
    """A new signing secret; the current one keeps signing beside it until dropped. One
    rotation at a time: a second one would discard the secret receivers may still hold."""
    if endpoint.previous_secret_encrypted:
        raise RotationUnderWay(
            "A rotation is under way: drop the previous secret first, once receivers use the "
            "new one. Nothing was changed."
        )
    secret = secret_generate()
    with transaction.atomic():
        endpoint.previous_secret_encrypted = endpoint.secret_encrypted
        endpoint.secret_encrypted = secret_encrypt(secret)
        endpoint.save(update_fields=["secret_encrypted", "previous_secret_encrypted"])
        _audit(Action.WEBHOOK_ROTATE, endpoint, actor, request_meta, step="new secret")
    return NewSecret(endpoint, secret)


def webhook_endpoint_drop_previous(
    *, actor: Actor, endpoint: WebhookEndpoint, request_meta: RequestMeta | None = None
) -> None:
    """End a rotation: only the new secret signs from now on."""
    with transaction.atomic():
        endpoint.previous_secret_encrypted = ""
        endpoint.save(update_fields=["previous_secret_encrypted"])
        _audit(Action.WEBHOOK_ROTATE, endpoint, actor, request_meta, step="previous dropped")


def webhook_endpoint_delete(
    *, actor: Actor, endpoint: WebhookEndpoint, request_meta: RequestMeta | None = None
) -> None:
    with transaction.atomic():
        _audit(Action.WEBHOOK_DELETE, endpoint, actor, request_meta, before=_described(endpoint))
        endpoint.delete()


def webhook_messages_redeliver(
    *,
    actor: Actor,
    message_ids: Iterable[int],
    now: datetime,
    request_meta: RequestMeta | None = None,
) -> int:
    """Queue delivered or dead-lettered messages again, under their same webhook-id, with a
    fresh round of tries; pending ones are left alone. Returns how many were queued."""
    with transaction.atomic():
        messages = list(
            WebhookMessage.objects.select_for_update()
            .filter(pk__in=list(message_ids))
            .exclude(status=MessageStatus.PENDING)
        )
        for message in messages:
            message.status, message.attempts, message.next_attempt_at = "pending", 0, now
            message.redeliveries += 1
            message.save(update_fields=["status", "attempts", "next_attempt_at", "redeliveries"])
        if messages:
            details = {"messages": [m.message_id for m in messages], "count": len(messages)}
            audit_record_event(
                actor=actor,
                action=Action.WEBHOOK_REDELIVER,
                details=details,
                request_meta=request_meta,
            )
    return len(messages)
