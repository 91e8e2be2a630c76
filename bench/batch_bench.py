"""A batch of 1,000 connectors end to end: preview, confirm, PATCH in chunks, audit.

Run: DJANGO_ENV=test .venv/bin/python bench/batch_bench.py [--size 1000] [--rounds 3]

Sets up a throwaway SQLite database (file, WAL, as in production), loads a generated sandbox
catalogue, refreshes the local copy, then drives the real views with Django's test Client as an
editor: "select all matching state=enabled" → preview → confirm with the typed count; then the
same back (enable). Reports upstream calls (all, and PATCH), end-to-end seconds for the
confirm request (list call, 1,000 intents, PATCH chunks, 1,000 outcomes, local copy update)
and for the preview, and checks the audit chain. Targets (issue 4): <= 2 PATCH, <= 3 s.
"""

import argparse
import time

from _setup import Upstream, chain_report, django_setup, editor_on_enabled_catalogue, load_average

django_setup("batch-bench-")

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from audit.models import Outcome  # noqa: E402
from audit.selectors import audit_batch_get  # noqa: E402
from connectors_ui.powens.client import call_count, reset_call_count  # noqa: E402

UPSTREAM = Upstream().install()


def run_batch(client: Client, enabled: bool, state: str) -> dict:
    """One batch through the views; returns the figures."""
    UPSTREAM.reset()
    reset_call_count()
    started = time.perf_counter()
    preview = client.post(
        "/changes/batch/preview/",
        {"enabled": "1" if enabled else "0", "select_all": "1", "query": f"state={state}"},
    )
    preview_seconds = time.perf_counter() - started
    uuids = preview.context["preview"].will_change
    form = {
        "enabled": "1" if enabled else "0",
        "selection": ",".join(item.uuid for item in uuids),
        "reason": "bench",
        "confirm_count": str(len(uuids)),
    }
    calls_before_apply = call_count()
    started = time.perf_counter()
    response = client.post("/changes/batch/apply/", form)
    apply_seconds = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    batch = audit_batch_get(response["Location"].rstrip("/").rsplit("/", 1)[-1])
    return {
        "connectors": len(uuids),
        "preview_s": preview_seconds,
        "apply_s": apply_seconds,
        "upstream_calls": call_count() - calls_before_apply,
        "preview_calls": calls_before_apply,
        "patch_calls": UPSTREAM.patch_calls,
        "succeeded": batch.counts.get(Outcome.SUCCEEDED, 0),
    }


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    return parser.parse_args()


def main() -> None:
    args = arguments()
    client, _ = editor_on_enabled_catalogue(args.size)
    chunk = settings.BATCH_CHUNK_SIZE
    print(f"batch of {args.size} connectors, chunk size {chunk}, SQLite (file, WAL)")
    for round_number in range(1, args.rounds + 1):
        for enabled, state in ((False, "enabled"), (True, "hidden")):
            figures = run_batch(client, enabled, state)
            verb = "enable " if enabled else "disable"
            print(
                f"round {round_number} {verb}: {figures['connectors']} connectors, "
                f"{figures['succeeded']} succeeded · confirm {figures['apply_s']:.2f} s "
                f"(upstream calls {figures['upstream_calls']}, PATCH {figures['patch_calls']}) · "
                f"preview {figures['preview_s']:.2f} s (upstream calls {figures['preview_calls']}) "
                f"· {load_average()}"
            )
    print(chain_report())


if __name__ == "__main__":
    main()
