"""Server time of the connector list page and its search fragment on big catalogues.

Run: DJANGO_ENV=test .venv/bin/python bench/catalogue_bench.py [--samples 100] [--sizes 2000,20000]
     [--db-dir DIR]   (default: /dev/shm when present, so disk fsyncs of the per-request
                       session save do not dominate; pass --db-dir /tmp to include them)

Sets up a throwaway SQLite database, loads the generated sandbox catalogue of each size,
refreshes the local copy through the real client (one upstream call), then times the list
page and the htmx fragment with Django's test Client (signed in) over representative
searches and filter combinations, and counts upstream calls during warm page views.
Targets (issue 3): fragment p95 <= 25 ms at 2,000 and <= 80 ms at 20,000; 0 upstream calls.
"""

import argparse
import os
import statistics
import time
from pathlib import Path

from _setup import django_setup, percentile, signed_in_client, timed

_parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
_parser.add_argument("--samples", type=int, default=100, help="samples per page kind and size")
_parser.add_argument("--sizes", default="2000,20000")
_parser.add_argument("--db-dir", default="/dev/shm" if Path("/dev/shm").is_dir() else None)
ARGS = _parser.parse_args()
DATABASE = django_setup("catalogue-bench-", db_dir=ARGS.db_dir)

from django.test import Client  # noqa: E402

from connectors_ui.catalogue.sync import catalogue_refresh  # noqa: E402
from connectors_ui.powens.client import call_count, reset_call_count  # noqa: E402
from sandbox.backend import generated_catalogue, load_catalogue  # noqa: E402

QUERIES = [
    "",
    "?q=credit+agricole",
    "?q=banque",
    "?q=societe+generale",
    "?q=zzzz-no-match",
    "?country=fr",
    "?product=pay&state=enabled",
    "?source=openapi&source_disabled=yes",
    "?capability=transfer&beta=no&sort=-id",
    "?q=bank&auth=webauth&sort=country&page=3",
]
HTMX = {"HTTP_HX_REQUEST": "true"}
# Search as you type: every prefix of these, so most fragment requests are new queries
# (the index caches recent query results; typing mostly misses that cache).
TYPED = ("credit agricole", "societe generale", "banque populaire", "caisse d epargne", "bnp")


def bench_size(client: Client, size: int, samples: int) -> None:
    start = time.perf_counter()
    load_catalogue(generated_catalogue(size), replace=True)
    loaded = time.perf_counter()
    reset_call_count()
    sync = catalogue_refresh(trigger="command")
    assert sync.status == "success", sync.error
    refreshed = time.perf_counter()
    print(
        f"\n== {size:,} connectors: sandbox load {loaded - start:.1f} s, "
        f"refresh {refreshed - loaded:.1f} s ({call_count()} upstream call, "
        f"{sync.connector_count:,} stored)"
    )
    first = time.perf_counter()
    client.get("/connectors/")  # builds this process's index once for this copy version
    print(f"first page view (index build) {1000 * (time.perf_counter() - first):.0f} ms")
    reset_call_count()
    per_kind: dict[str, list[tuple[float, float]]] = {"full page": [], "fragment": []}
    per_query = samples // len(QUERIES) + 1
    for url in QUERIES:
        per_kind["full page"] += timed(client, "/connectors/" + url, per_query, {})
        per_kind["fragment"] += timed(client, "/connectors/" + url, per_query, HTMX)
    typed = [f"?q={text[:n]}&country=fr" for text in TYPED for n in range(1, len(text) + 1)]
    per_kind["typing"] = [m for url in typed for m in timed(client, "/connectors/" + url, 1, HTMX)]
    views = sum(len(v) for v in per_kind.values())
    for kind, measured in per_kind.items():
        wall, cpu = [w for w, _ in measured], [c for _, c in measured]
        print(
            f"{kind:>10}: n={len(wall)} wall p50 {statistics.median(wall):.1f} ms, "
            f"p95 {percentile(wall, 0.95):.1f} ms, max {max(wall):.1f} ms | "
            f"CPU p50 {statistics.median(cpu):.1f} ms, p95 {percentile(cpu, 0.95):.1f} ms"
        )
    print(
        f"upstream calls during {views} warm page views: {call_count()} "
        f"(load average now {os.getloadavg()[0]:.1f})"
    )


def main() -> None:
    args = ARGS
    print(f"database: {DATABASE}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    client = signed_in_client("viewer")
    for size in (int(s) for s in args.sizes.split(",")):
        bench_size(client, size, args.samples)


if __name__ == "__main__":
    main()
