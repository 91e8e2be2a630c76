"""Webhook deliveries under failing receivers (issue 14): sent, retried, dead-lettered,
redelivered, lost.

Run: DJANGO_ENV=test .venv/bin/python bench/webhook_bench.py [--events 200]

A throwaway SQLite database; four real HTTP receivers on loopback (8600-8699), each behind its
own endpoint subscribed to the same audit events: "healthy" answers 204; "flaky" answers 500
to its first requests then recovers; "slow" answers its first requests after the sender's
timeout, then promptly; "down" answers 500 until every message is dead-lettered, then an admin
redelivers the dead letters and it answers. ``--events`` audit records are appended (each
writes its outbox rows in its own transaction), then the worker is simulated with controlled
time: ``webhook_deliveries_run_due(now=…)``, jumping to the next due message each round.
Every request a receiver got is verified with ``standardwebhooks``; "lost" counts messages
that no receiver ever accepted, "duplicates" the extra copies a receiver got of one webhook-id.
"""

import argparse
import time

from _setup import django_setup

django_setup("webhook-bench-")

from django.core.management import call_command  # noqa: E402
from django.db.models import Min  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402
from standardwebhooks.webhooks import Webhook  # noqa: E402

from notify.delivery import DeliveryRun, webhook_deliveries_run_due  # noqa: E402
from notify.endpoints import webhook_messages_redeliver  # noqa: E402
from notify.models import DeliveryAttempt, MessageStatus, WebhookMessage  # noqa: E402
from tests.notify.helpers import endpoint_new, export_recorded  # noqa: E402
from tests.notify.receivers import Behaviour, Receiver  # noqa: E402


def _drain(now, totals: DeliveryRun) -> object:
    """Run the worker until nothing is pending, jumping the clock to the next due message."""
    while True:
        run = webhook_deliveries_run_due(now=now)
        totals.sent, totals.retried, totals.dead = (
            totals.sent + run.sent, totals.retried + run.retried, totals.dead + run.dead,
        )  # fmt: skip
        pending = WebhookMessage.objects.filter(status=MessageStatus.PENDING)
        due = pending.aggregate(due=Min("next_attempt_at"))["due"]
        if due is None:
            return now
        now = max(now, due)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=200)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    behaviours = {
        "healthy": Behaviour("ok"),
        "flaky": Behaviour("recover", fail_first=args.events // 2),
        "slow": Behaviour("slow", delay=0.5, fail_first=10),
        "down": Behaviour("fail"),
    }
    receivers = {name: Receiver(b).__enter__() for name, b in behaviours.items()}
    secrets = {name: endpoint_new(r.url, name=name).secret for name, r in receivers.items()}
    started = time.monotonic()
    for rows in range(args.events):
        export_recorded(rows=rows)
    totals = DeliveryRun()
    start = timezone.now()
    now = _drain(start, totals)
    dead_ids = list(
        WebhookMessage.objects.filter(status=MessageStatus.DEAD).values_list("pk", flat=True)
    )
    behaviours["down"].mode = "ok"
    redelivered = webhook_messages_redeliver(actor=None, message_ids=dead_ids, now=now)
    end = _drain(now, totals)
    elapsed = time.monotonic() - started

    expected = args.events * len(receivers)
    accepted: dict[str, set[str]] = {name: set() for name in receivers}
    duplicates = bad_signatures = 0
    for name, behaviour in behaviours.items():
        for received in behaviour.received:
            try:
                Webhook(secrets[name]).verify(received.body, received.headers)
            except Exception:
                bad_signatures += 1
        ok_ids = [
            a.message.message_id
            for a in DeliveryAttempt.objects.filter(message__endpoint__name=name).select_related(
                "message"
            )
            if a.ok
        ]
        duplicates += len(ok_ids) - len(set(ok_ids))
        accepted[name] = set(ok_ids)
    lost = expected - sum(len(ids) for ids in accepted.values())
    messages = WebhookMessage.objects.count()
    print(f"events {args.events}, endpoints {len(receivers)}, messages {messages} (of {expected})")
    print(
        f"sent {totals.sent}, retried {totals.retried}, dead-lettered {totals.dead}, "
        f"redelivered {redelivered}, lost {lost}"
    )
    print(
        f"tries {DeliveryAttempt.objects.count()}, duplicates accepted {duplicates}, "
        f"signatures failing {bad_signatures}"
    )
    for name, behaviour in behaviours.items():
        print(f"  {name:8} requests {len(behaviour.received):5}, accepted {len(accepted[name]):5}")
    print(
        f"simulated worker time {(end - start).total_seconds() / 3600:.1f} h, wall {elapsed:.1f} s"
    )
    for receiver in receivers.values():
        receiver.__exit__()


if __name__ == "__main__":
    with override_settings(
        WEBHOOK_TIMEOUT_SECONDS=0.2, WEBHOOK_MAX_ATTEMPTS=5, WEBHOOK_BACKOFF_BASE_SECONDS=30
    ):
        main()
