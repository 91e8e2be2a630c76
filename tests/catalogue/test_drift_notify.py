"""The drift check's notification end to end: the periodic job, run by two workers ticking the
same slot, records one "drift detected" entry; the outbox turns it into one message per
subscribed endpoint, delivered to a real HTTP receiver on loopback, signed, with a link to
the comparison of the pair."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from audit.models import Action, AuditEntry
from connectors_ui.catalogue.drift import domain_drift_check
from connectors_ui.models import DriftRun
from notify.delivery import webhook_deliveries_run_due
from notify.forms import WebhookEndpointForm
from notify.models import WebhookMessage
from tests.catalogue.test_drift import differing  # noqa: F401 - fixture
from tests.fixtures.domains import PRODUCTION, SANDBOX
from tests.notify.conftest import fast_webhooks, receiver  # noqa: F401 - fixtures
from tests.notify.helpers import endpoint_new
from worker.models import PeriodicRun
from worker.runner import WorkerLoop

DRIFT = Action.DRIFT_DETECTED.value
T0 = datetime(2026, 12, 1, 9, 0, 5, tzinfo=UTC)


def test_the_webhook_form_offers_the_drift_event():
    assert (DRIFT, "Drift detected") in WebhookEndpointForm().fields["event_types"].choices


def test_a_receiver_gets_the_new_differences_once(differing, receiver):  # noqa: F811
    server = receiver("ok")
    created = endpoint_new(server.url, event_types=[DRIFT], domain=PRODUCTION)
    endpoint_new(server.url, event_types=[DRIFT], domain=SANDBOX)  # the entry is production's
    domain_drift_check(now=T0)
    domain_drift_check(now=T0 + timedelta(hours=1))  # nothing new: no second message
    run = webhook_deliveries_run_due(now=timezone.now())

    assert (run.sent, run.dead) == (1, 0)
    [received] = server.behaviour.received
    payload = Webhook(created.secret).verify(received.body, received.headers)
    assert payload["type"] == "audit.drift_detected"
    details = payload["data"]["details"]
    assert details["new_count"] == 3 and len(details["new"]) == 3
    assert details["link"] == f"/compare/?source={SANDBOX}&target={PRODUCTION}"
    assert payload["data"]["domain"] == PRODUCTION


def test_slack_gets_one_line_with_the_comparison_link(differing, receiver, settings):  # noqa: F811
    settings.DASHBOARD_URL = "https://connectors.example.test"
    server = receiver("ok")
    endpoint_new(server.url, format="slack", event_types=[DRIFT])
    entry = domain_drift_check(now=T0).entry
    webhook_deliveries_run_due(now=timezone.now())

    text = json.loads(server.behaviour.received[0].body)["text"]
    assert "\n" not in text
    assert text.startswith(
        f"drift check — Drift detected: 3 new differences between {SANDBOX} and {PRODUCTION}"
    )
    compare = f"https://connectors.example.test/compare/?source={SANDBOX}&amp;target={PRODUCTION}"
    assert f"<{compare}|open>" in text
    assert text.endswith(f"<https://connectors.example.test/audit/{entry.pk}/|audit #{entry.pk}>")


@pytest.fixture
def drift_job_only(settings):
    job = settings.PERIODIC_JOBS["domain_drift_check"]
    settings.PERIODIC_JOBS = {"domain_drift_check": job}
    return job


def test_two_workers_ticking_the_same_slot_run_the_check_once(
    differing,  # noqa: F811
    task_worker,
    drift_job_only,
    receiver,  # noqa: F811
):
    server = receiver("ok")
    endpoint_new(server.url, event_types=[DRIFT])
    other = WorkerLoop(worker_id="other-worker", interval=0)
    task_worker.run_once(now=T0)
    other.run_once(now=T0 + timedelta(seconds=1))
    task_worker.run_once(now=T0 + timedelta(seconds=2))
    other.run_once(now=T0 + timedelta(seconds=3))

    assert PeriodicRun.objects.filter(job="domain_drift_check").count() == 1
    assert DriftRun.objects.count() == 1
    assert AuditEntry.objects.filter(action=DRIFT).count() == 1
    assert WebhookMessage.objects.count() == 1
    webhook_deliveries_run_due(now=timezone.now())
    assert len(server.behaviour.received) == 1
