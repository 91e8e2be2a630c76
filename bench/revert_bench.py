"""Revert of a 1,000-connector batch end to end: the batch (batch_bench's own run), then the
revert preview and its confirmation through the real views, with audit.

Run: DJANGO_ENV=test .venv/bin/python bench/revert_bench.py [--size 1000] [--rounds 2]

Reports upstream calls (all, and PATCH) and seconds for the revert's confirm request (one list
call for the stale-write check, 1,000 intents, PATCH chunks, 1,000 outcomes, local copy update):
wall, this process's CPU, and the part spent inside the embedded fake (real Powens spends it on
its side); then the preview's, checks every connector is back and the audit chain, and prints
the load average (the cores are shared). Targets (issue 13): <= 3 s and <= 3 upstream calls.
"""

import time

from _setup import chain_report, editor_on_enabled_catalogue, load_average

# batch_bench sets up Django on its throwaway database and meters the upstream traffic.
from batch_bench import UPSTREAM, arguments, run_batch
from django.test import Client

from audit.models import AuditEntry, Outcome
from audit.selectors import audit_batch_get
from connectors_ui.powens.client import call_count, reset_call_count
from sandbox.models import SandboxConnector

TARGET_SECONDS, TARGET_CALLS = 3, 3  # issue 13


def run_revert(client: Client, batch_id: str) -> dict:
    """Preview and confirm the revert of ``batch_id`` through the views; returns the figures:
    wall and CPU seconds of the confirmation, and the part spent inside the embedded fake."""
    started = time.perf_counter()
    preview = client.get(f"/changes/revert/batches/{batch_id}/").context["preview"]
    preview_seconds = time.perf_counter() - started
    form = {"batch": batch_id, "reason": "bench", "confirm_count": len(preview.will_revert)}
    UPSTREAM.reset()
    reset_call_count()
    started, started_cpu = time.perf_counter(), time.process_time()
    response = client.post("/changes/revert/apply/", form)
    apply_seconds = time.perf_counter() - started
    apply_cpu = time.process_time() - started_cpu
    assert response.status_code == 302, response.content[:500]
    revert = audit_batch_get(response["Location"].rstrip("/").rsplit("/", 1)[-1])
    return {
        "connectors": len(preview.will_revert),
        "preview_s": preview_seconds,
        "apply_s": apply_seconds,
        "apply_cpu_s": apply_cpu,
        "fake_s": UPSTREAM.fake_seconds,
        "upstream_calls": call_count(),
        "patch_calls": UPSTREAM.patch_calls,
        "succeeded": revert.counts.get(Outcome.SUCCEEDED, 0),
    }


def main() -> None:
    args = arguments()
    client, _ = editor_on_enabled_catalogue(args.size)
    print(f"revert of a {args.size}-connector batch, SQLite (file, WAL)")
    for round_number in range(1, args.rounds + 1):
        disabled = run_batch(client, False, "enabled")
        batch_id = str(AuditEntry.objects.latest("seq").batch_id)
        f = run_revert(client, batch_id)
        back = SandboxConnector.objects.filter(hidden=False).count()
        met = f["apply_s"] <= TARGET_SECONDS and f["upstream_calls"] <= TARGET_CALLS
        print(
            f"round {round_number}: batch disabled {disabled['succeeded']} in "
            f"{disabled['apply_s']:.2f} s · revert {f['connectors']} connectors, "
            f"{f['succeeded']} succeeded, {back} enabled again · confirm {f['apply_s']:.2f} s "
            f"(CPU {f['apply_cpu_s']:.2f} s; {f['fake_s']:.2f} s inside the embedded fake) · "
            f"upstream calls {f['upstream_calls']} (PATCH {f['patch_calls']}) · preview "
            f"{f['preview_s']:.2f} s · target <= {TARGET_SECONDS} s, <= {TARGET_CALLS} calls: "
            f"{'ok' if met else 'MISSED'} · {load_average()}"
        )
    print(chain_report())


if __name__ == "__main__":
    main()
