"""Server time of comparing two 20,000-connector domains, and the memory of their two indexes.

Run: DJANGO_ENV=test .venv/bin/python bench/compare_bench.py [--samples 60] [--size 20000]
     [--db-dir DIR]

Loads the generated sandbox catalogue into demo-sandbox and its production variant (a few
connectors on one domain only, states and sources flipped: sandbox.variants) into
demo-production, refreshes both local copies (one upstream call each), builds each domain's
index (measuring its memory with tracemalloc), then times /compare/ with Django's test Client
over representative filters and pages, and its CSV. Target (issue 12): p95 <= 300 ms; zero
upstream calls while comparing.
"""

import argparse
import os
import statistics
import time
import tracemalloc
from pathlib import Path

from _setup import django_setup, percentile, signed_in_client, timed

_parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
_parser.add_argument("--samples", type=int, default=60, help="samples per query")
_parser.add_argument("--size", type=int, default=20_000)
_parser.add_argument("--db-dir", default="/dev/shm" if Path("/dev/shm").is_dir() else None)
ARGS = _parser.parse_args()
DATABASE = django_setup("compare-bench-", db_dir=ARGS.db_dir)

from connectors_ui.catalogue.selectors import catalogue_index, catalogue_status  # noqa: E402
from connectors_ui.catalogue.sync import catalogue_refresh  # noqa: E402
from connectors_ui.domains.context import domain_scope  # noqa: E402
from connectors_ui.powens.client import call_count, reset_call_count  # noqa: E402
from sandbox.backend import generated_catalogue  # noqa: E402
from sandbox.variants import load_demo_domains  # noqa: E402

DOMAINS = ("demo-sandbox", "demo-production")
PAIR = "source=demo-sandbox&target=demo-production"
QUERIES = [
    f"?{PAIR}",
    f"?{PAIR}&kind=state",
    f"?{PAIR}&kind=sources",
    f"?{PAIR}&country=fr",
    f"?{PAIR}&product=bank&kind=only_source",
    f"?{PAIR}&page=5",
    "?source=demo-production&target=demo-sandbox",
]


def load(size: int) -> None:
    start = time.perf_counter()
    loaded = load_demo_domains(generated_catalogue(size), replace=True)
    print(f"sandbox load {time.perf_counter() - start:.1f} s: {loaded}")
    reset_call_count()
    for name in DOMAINS:
        with domain_scope(name):
            sync = catalogue_refresh(trigger="command")
        assert sync.status == "success", sync.error
    print(f"refreshed both copies: {call_count()} upstream calls")


def index_memory() -> None:
    """Each domain's index, built under tracemalloc: what it holds in this process."""
    tracemalloc.start()
    for name in DOMAINS:
        before = tracemalloc.get_traced_memory()[0]
        start = time.perf_counter()
        with domain_scope(name):
            index = catalogue_index(catalogue_status())
        built = time.perf_counter() - start
        held = (tracemalloc.get_traced_memory()[0] - before) / 2**20
        print(f"index of {name}: {index.size:,} connectors, {held:.1f} MiB, built in {built:.1f} s")
    tracemalloc.stop()


def main() -> None:
    print(f"database: {DATABASE}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    client = signed_in_client("viewer")
    load(ARGS.size)
    index_memory()
    first = time.perf_counter()
    client.get(f"/compare/?{PAIR}")
    print(
        f"first compare (snapshots and differences) {1000 * (time.perf_counter() - first):.0f} ms"
    )
    reset_call_count()
    measured = [m for url in QUERIES for m in timed(client, "/compare/" + url, ARGS.samples, {})]
    wall, cpu = [w for w, _ in measured], [c for _, c in measured]
    print(
        f"compare page: n={len(wall)} wall p50 {statistics.median(wall):.1f} ms, "
        f"p95 {percentile(wall, 0.95):.1f} ms, max {max(wall):.1f} ms | "
        f"CPU p50 {statistics.median(cpu):.1f} ms, p95 {percentile(cpu, 0.95):.1f} ms"
    )
    start = time.perf_counter()
    body = b"".join(client.get(f"/compare/export.csv?{PAIR}").streaming_content)
    took = 1000 * (time.perf_counter() - start)
    rows = body.count(b"\n") - 1  # the header line is not a row
    print(f"compare CSV: {rows:,} rows in {took:.0f} ms")
    print(f"upstream calls while comparing: {call_count()}")


if __name__ == "__main__":
    main()
