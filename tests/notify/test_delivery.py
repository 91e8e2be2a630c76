"""Webhook delivery against real HTTP receivers on loopback: one that succeeds, one that fails,
one that times out, one that recovers; signatures checked with ``standardwebhooks``."""

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from audit.models import Action, AuditEntry
from notify.delivery import backoff_delay, webhook_deliveries_run_due
from notify.endpoints import webhook_endpoint_rotate, webhook_messages_redeliver
from notify.models import DeliveryAttempt, MessageStatus, WebhookMessage
from tests.notify.helpers import endpoint_new, export_recorded

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_outbox_row_commits_with_its_audit_record(receiver):
    endpoint_new("http://127.0.0.1:8699/hook")
    entry = export_recorded()
    message = WebhookMessage.objects.get()
    assert (message.audit_seq, message.event_type, message.status) == (
        entry.seq,
        "export",
        "pending",
    )

    with pytest.raises(RuntimeError), transaction.atomic():
        export_recorded()
        raise RuntimeError("the caller's transaction fails")
    assert WebhookMessage.objects.count() == 1
    assert AuditEntry.objects.filter(action=Action.EXPORT).count() == 1


def test_endpoints_hear_only_their_event_types_and_domain():
    endpoint_new("http://127.0.0.1:8699/a", event_types=[Action.SIGN_IN.value])
    endpoint_new("http://127.0.0.1:8699/b", domain="another-domain")
    export_recorded()
    assert not WebhookMessage.objects.exists()


def test_a_delivered_message_verifies_with_standard_webhooks(receiver):
    server = receiver("ok")
    created = endpoint_new(server.url)
    entry = export_recorded(rows=7)

    run = webhook_deliveries_run_due(now=timezone.now())

    assert (run.sent, run.retried, run.dead) == (1, 0, 0)
    [received] = server.behaviour.received
    payload = Webhook(created.secret).verify(received.body, received.headers)
    assert payload["type"] == "audit.export"
    assert payload["data"]["seq"] == entry.seq
    assert payload["data"]["details"]["row_count"] == 7
    message = WebhookMessage.objects.get()
    assert received.headers["webhook-id"] == message.message_id
    assert (message.status, message.attempts) == (MessageStatus.DELIVERED, 1)
    assert created.secret not in received.headers["webhook-signature"]


def test_during_a_rotation_both_secrets_sign(receiver):
    server = receiver("ok")
    old = endpoint_new(server.url)
    new = webhook_endpoint_rotate(actor=None, endpoint=old.endpoint)
    export_recorded()
    webhook_deliveries_run_due(now=timezone.now())

    [received] = server.behaviour.received
    assert received.headers["webhook-signature"].count("v1,") == 2
    for secret in (old.secret, new.secret):
        assert Webhook(secret).verify(received.body, received.headers)


def test_a_failing_receiver_is_retried_with_backoff_then_dead_lettered(receiver):
    server = receiver("fail")
    endpoint_new(server.url)
    export_recorded()
    now = timezone.now()

    assert webhook_deliveries_run_due(now=now).retried == 1
    message = WebhookMessage.objects.get()
    first_wait = message.next_attempt_at - now
    assert timedelta(seconds=5) <= first_wait <= timedelta(seconds=10)
    assert webhook_deliveries_run_due(now=now + timedelta(seconds=4)).retried == 0  # not due

    now = message.next_attempt_at
    assert webhook_deliveries_run_due(now=now).retried == 1
    message.refresh_from_db()
    assert timedelta(seconds=10) <= message.next_attempt_at - now <= timedelta(seconds=20)

    assert webhook_deliveries_run_due(now=message.next_attempt_at).dead == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (
        MessageStatus.DEAD,
        3,
        "answered HTTP 500",
    )
    assert len(server.behaviour.received) == 3
    assert len({r.headers["webhook-id"] for r in server.behaviour.received}) == 1


def test_a_receiver_that_times_out_is_retried(receiver):
    server = receiver("slow", delay=2.0)
    endpoint_new(server.url)
    export_recorded()

    assert webhook_deliveries_run_due(now=timezone.now()).retried == 1
    attempt = DeliveryAttempt.objects.get()
    assert attempt.status_code is None
    assert attempt.error == "no answer within 0.5 s"
    assert attempt.duration_ms < 1500


def test_a_receiver_that_recovers_gets_the_message_once_under_one_id(receiver):
    server = receiver("recover", fail_first=2)
    created = endpoint_new(server.url)
    export_recorded()
    now = timezone.now()
    for _ in range(3):
        webhook_deliveries_run_due(now=now)
        now = WebhookMessage.objects.get().next_attempt_at

    message = WebhookMessage.objects.get()
    assert (message.status, message.attempts) == (MessageStatus.DELIVERED, 3)
    assert [a.status_code for a in DeliveryAttempt.objects.order_by("pk")] == [500, 500, 200]
    ids = {r.headers["webhook-id"] for r in server.behaviour.received}
    assert ids == {message.message_id}
    assert Webhook(created.secret).verify(
        server.behaviour.received[-1].body, server.behaviour.received[-1].headers
    )


def test_a_dead_letter_is_redelivered_under_its_id_and_audited(receiver):
    server = receiver("fail")
    endpoint_new(server.url)
    export_recorded()
    now = timezone.now()
    while WebhookMessage.objects.get().status == MessageStatus.PENDING:
        webhook_deliveries_run_due(now=now)
        now += timedelta(hours=1)
    message = WebhookMessage.objects.get()
    server.behaviour.mode = "ok"

    assert webhook_messages_redeliver(actor=None, message_ids=[message.pk], now=now) == 1
    assert webhook_deliveries_run_due(now=now).sent == 1

    message.refresh_from_db()
    assert (message.status, message.redeliveries) == (MessageStatus.DELIVERED, 1)
    assert server.behaviour.received[-1].headers["webhook-id"] == message.message_id
    record = AuditEntry.objects.get(action=Action.WEBHOOK_REDELIVER)
    assert record.details["messages"] == [message.message_id]


def test_slack_format_is_one_line_of_text_with_a_link(receiver, settings):
    settings.DASHBOARD_URL = "https://connectors.example.test"
    server = receiver("ok")
    endpoint_new(server.url, format="slack")
    entry = export_recorded()
    webhook_deliveries_run_due(now=timezone.now())

    body = json.loads(server.behaviour.received[0].body)
    assert list(body) == ["text"]
    assert "\n" not in body["text"]
    assert body["text"].endswith(
        f"<https://connectors.example.test/audit/{entry.pk}/|audit #{entry.pk}>"
    )
    assert "CSV export" in body["text"]


def test_backoff_grows_exponentially_with_jitter_up_to_the_cap(settings):
    settings.WEBHOOK_BACKOFF_BASE_SECONDS, settings.WEBHOOK_BACKOFF_MAX_SECONDS = 30, 600
    for attempts, ceiling in [(1, 30), (2, 60), (3, 120), (6, 600), (20, 600)]:
        waits = {backoff_delay(attempts).total_seconds() for _ in range(20)}
        assert all(ceiling / 2 <= wait <= ceiling for wait in waits)
        assert len(waits) > 1  # jittered


def test_the_secret_never_reaches_the_audit_log_or_the_database_in_clear(receiver):
    created = endpoint_new("http://127.0.0.1:8699/hook")
    rotated = webhook_endpoint_rotate(actor=None, endpoint=created.endpoint)
    created.endpoint.refresh_from_db()
    stored = created.endpoint.secret_encrypted + created.endpoint.previous_secret_encrypted
    for secret in (created.secret, rotated.secret):
        assert secret.removeprefix("whsec_") not in stored
        for entry in AuditEntry.objects.all():
            assert secret not in json.dumps([entry.details, entry.before, entry.after])
    assert AuditEntry.objects.filter(action=Action.WEBHOOK_CREATE).exists()
