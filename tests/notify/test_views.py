"""The admins' pages: endpoints (secret shown once), delivery log with dead letters and
redelivery, service tokens; every change audited; other roles refused."""

import re

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from audit.models import Action, AuditEntry
from notify.delivery import webhook_deliveries_run_due
from notify.models import MessageStatus, ServiceToken, WebhookEndpoint, WebhookMessage
from tests.notify.helpers import endpoint_new, export_recorded

pytestmark = pytest.mark.django_db

SECRET = re.compile(r'value="(whsec_[A-Za-z0-9+/=]+)"')


def _create(client, **fields):
    data = {"name": "Team Slack", "url": "https://hooks.example.test/services/T1/B2/abc",
            "format": "slack", "event_types": ["connector_disable", "export"], "domain": "",
            "active": "on", **fields}  # fmt: skip
    return client.post("/integrations/webhooks/", data)


def test_an_admin_adds_a_webhook_and_sees_its_secret_once(admin_client):
    response = _create(admin_client)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = SECRET.search(response.content.decode()).group(1)
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.event_types == ["connector_disable", "export"]
    assert secret not in admin_client.get(f"/integrations/webhooks/{endpoint.pk}/").content.decode()
    listing = admin_client.get("/integrations/webhooks/").content.decode()
    assert secret not in listing
    assert "https://hooks.example.test/…" in listing and "/T1/B2/abc" not in listing
    record = AuditEntry.objects.get(action=Action.WEBHOOK_CREATE)
    assert (
        record.details["after"]["url"] == "https://hooks.example.test/…"
    )  # the path is a credential
    assert secret not in str(record.details)


def test_invalid_configuration_is_explained_and_nothing_is_created(admin_client):
    response = _create(admin_client, url="ftp://example.test/x", event_types=[])
    assert response.status_code == 400
    assert "choose at least one event." in response.content.decode()
    assert not WebhookEndpoint.objects.exists()
    assert not AuditEntry.objects.filter(action=Action.WEBHOOK_CREATE).exists()


def test_edit_rotate_drop_and_delete_are_audited(admin_client):
    _create(admin_client)
    pk = WebhookEndpoint.objects.get().pk
    edited = _create(admin_client, name="Renamed", domain="acme")
    assert edited.status_code == 200
    response = admin_client.post(f"/integrations/webhooks/{pk}/", {
        "name": "Renamed", "url": "https://hooks.example.test/x", "format": "standard",
        "event_types": ["export"], "domain": "acme", "active": "on"})  # fmt: skip
    assert response.status_code == 302
    rotated = admin_client.post(f"/integrations/webhooks/{pk}/rotate/")
    assert SECRET.search(rotated.content.decode())
    assert WebhookEndpoint.objects.get(pk=pk).previous_secret_encrypted
    admin_client.post(f"/integrations/webhooks/{pk}/drop-previous/")
    assert not WebhookEndpoint.objects.get(pk=pk).previous_secret_encrypted
    assert admin_client.post(f"/integrations/webhooks/{pk}/explode/").status_code == 404
    admin_client.post(f"/integrations/webhooks/{pk}/delete/")
    assert not WebhookEndpoint.objects.filter(pk=pk).exists()

    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert [a for a in actions if a.startswith("webhook_")] == [
        "webhook_create", "webhook_create", "webhook_edit", "webhook_rotate", "webhook_rotate",
        "webhook_delete",
    ]  # fmt: skip
    edit = AuditEntry.objects.get(action=Action.WEBHOOK_EDIT)
    assert (edit.details["before"]["name"], edit.details["after"]["name"]) == (
        "Team Slack",
        "Renamed",
    )


@pytest.mark.parametrize("client_name", ["viewer_client", "editor_client"])
def test_only_admins_reach_the_integration_pages(request, client_name):
    client = request.getfixturevalue(client_name)
    for url in ("/integrations/webhooks/", "/integrations/deliveries/", "/integrations/tokens/"):
        assert client.get(url).status_code == 403
    assert _create(client).status_code == 403
    assert client.post("/integrations/deliveries/redeliver/", {"all_dead": "1"}).status_code == 403
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_delivery_log_lists_dead_letters_and_redelivers_them(admin_client, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    server = receiver("fail")
    created = endpoint_new(server.url)
    export_recorded()
    webhook_deliveries_run_due(now=timezone.now())
    message = WebhookMessage.objects.get()
    assert message.status == MessageStatus.DEAD

    page = admin_client.get("/integrations/deliveries/?status=dead").content.decode()
    assert message.message_id in page and "answered HTTP 500" in page
    assert "Redeliver every dead letter" in page

    server.behaviour.mode = "ok"
    assert (
        admin_client.post("/integrations/deliveries/redeliver/", {"all_dead": "1"}).status_code
        == 302
    )
    assert webhook_deliveries_run_due(now=timezone.now()).sent == 1
    last = server.behaviour.received[-1]
    assert Webhook(created.secret).verify(last.body, last.headers)["data"]["action"] == "export"
    assert AuditEntry.objects.filter(action=Action.WEBHOOK_REDELIVER).count() == 1


def test_tokens_are_created_once_stored_hashed_and_revoked(admin_client):
    response = admin_client.post("/integrations/tokens/", {"name": "Splunk"})
    secret = re.search(r'value="(pca_[\w-]+)"', response.content.decode()).group(1)
    token = ServiceToken.objects.get()
    assert secret not in token.token_hash and len(token.token_hash) == 64
    assert secret not in admin_client.get("/integrations/tokens/").content.decode()

    admin_client.post(f"/integrations/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"token_create", "token_revoke"} <= actions
    assert not any(secret in str(e.details) for e in AuditEntry.objects.all())


def test_sending_a_secret_page_again_repeats_nothing(admin_client):
    """The secret and token pages answer their POST (a secret is shown once, never stored),
    so a reload sends the form again: it must not add a second webhook or token, nor rotate
    a second time, which would discard the secret receivers still hold."""
    form = {"name": "Ops hook", "url": "https://hooks.example.test/ops", "format": "standard",
            "event_types": ["export"], "domain": "", "active": "on"}  # fmt: skip
    assert admin_client.post("/integrations/webhooks/", form).status_code == 200
    again = admin_client.post("/integrations/webhooks/", form)
    assert again.status_code == 400 and "exists already" in again.content.decode()
    endpoint = WebhookEndpoint.objects.get()

    admin_client.post(f"/integrations/webhooks/{endpoint.pk}/rotate/")
    endpoint.refresh_from_db()
    rotated = (endpoint.secret_encrypted, endpoint.previous_secret_encrypted)
    resent = admin_client.post(f"/integrations/webhooks/{endpoint.pk}/rotate/", follow=True)
    assert "A rotation is under way" in resent.content.decode()
    endpoint.refresh_from_db()
    assert (endpoint.secret_encrypted, endpoint.previous_secret_encrypted) == rotated

    assert admin_client.post("/integrations/tokens/", {"name": "SIEM"}).status_code == 200
    twice = admin_client.post("/integrations/tokens/", {"name": "SIEM"})
    assert twice.status_code == 400 and "is in use" in twice.content.decode()
    admin_client.post(f"/integrations/tokens/{ServiceToken.objects.get().pk}/revoke/")
    assert admin_client.post("/integrations/tokens/", {"name": "SIEM"}).status_code == 200
    assert ServiceToken.objects.filter(name="SIEM").count() == 2
