"""What the admins' pages read: endpoints, the delivery log, the tokens."""

from collections.abc import Mapping
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from notify.models import MessageStatus, ServiceToken, WebhookEndpoint, WebhookMessage

PAGE_SIZE = 50


def webhook_endpoint_list() -> QuerySet[WebhookEndpoint]:
    dead = Count("messages", filter=Q(messages__status=MessageStatus.DEAD))
    pending = Count("messages", filter=Q(messages__status=MessageStatus.PENDING))
    return WebhookEndpoint.objects.annotate(dead_count=dead, pending_count=pending)


def webhook_message_page(filters: Mapping[str, Any], page_number: Any) -> Page:
    messages = WebhookMessage.objects.select_related("endpoint").prefetch_related("tries")
    if status := filters.get("status"):
        messages = messages.filter(status=status)
    if endpoint := filters.get("endpoint"):
        messages = messages.filter(endpoint_id=endpoint)
    return Paginator(messages.order_by("-pk"), PAGE_SIZE).get_page(page_number)


def webhook_dead_ids(endpoint_id: int | None = None) -> list[int]:
    dead = WebhookMessage.objects.filter(status=MessageStatus.DEAD)
    if endpoint_id:
        dead = dead.filter(endpoint_id=endpoint_id)
    return list(dead.values_list("pk", flat=True))


def service_token_list() -> QuerySet[ServiceToken]:
    return ServiceToken.objects.select_related("created_by")
