"""Throughput and memory of the CSV exports on a big catalogue (issue 5).

Run: DJANGO_ENV=test .venv/bin/python bench/export_bench.py [--size 20000] [--repeat 3]
(BENCH_DATABASE_URL=postgres://… for an empty PostgreSQL database instead of SQLite.)

Sets up a throwaway SQLite database, loads the generated sandbox catalogue, refreshes the local
copy through the real client, then downloads the connectors report end to end with Django's
test Client (signed in as a viewer, streamed response read to the end, audit record included):
rows per second (best of ``--repeat``, without tracing), time to the first bytes, and peak
memory growth during one download under tracemalloc (a separate run: tracing slows Python).
Targets: >= 50,000 rows/s and <= 30 MB for 20,000 connectors.
"""

import argparse
import os
import time
import tracemalloc

from _setup import catalogue_load, django_setup, signed_in_client

# BENCH_DATABASE_URL: an empty PostgreSQL database to measure there instead.
django_setup("export-bench-", database_url=os.environ.get("BENCH_DATABASE_URL", ""))

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from connectors_ui.catalogue.selectors import catalogue_index, catalogue_status  # noqa: E402
from sandbox.backend import generated_catalogue  # noqa: E402

REPORTS = [
    "/connectors/export.csv",
    "/connectors/export.csv?excel=1",
    "/connectors/export.csv?country=fr&sort=-name",
    "/connectors/sources.csv",
    "/connectors/fields.csv",
]


def download(client: Client, url: str) -> tuple[int, float, float, float]:
    """(data rows, seconds to the first chunk, seconds in all, CPU seconds) for one export."""
    cpu = time.process_time()
    start = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    first = None
    lines = 0
    for chunk in response.streaming_content:
        if first is None:
            first = time.perf_counter() - start
        lines += chunk.count(b"\n")
    return lines - 1, first or 0.0, time.perf_counter() - start, time.process_time() - cpu


def peak_growth_mb(client: Client, url: str) -> float:
    tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    download(client, url)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (peak - baseline) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    client = signed_in_client("viewer")
    sync = catalogue_load(generated_catalogue(args.size))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh tables: give the planner what autovacuum would
            cursor.execute("ANALYZE")
    # Built by the first page view in real use; done here so the figures are the export's own.
    catalogue_index(catalogue_status())
    print(
        f"== {sync.connector_count:,} connectors in the local copy ({connection.vendor}), "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    for url in REPORTS:
        runs = [download(client, url) for _ in range(args.repeat)]
        rows, first, total, cpu = min(runs, key=lambda run: run[2])
        print(
            f"{url:<45} {rows:>7,} rows {rows / total:>8,.0f} rows/s "
            f"({rows / cpu:>7,.0f}/CPU-s)  total {total * 1000:>5.0f} ms  "
            f"first bytes {first * 1000:>5.1f} ms"
        )
    for url in REPORTS[:1] + REPORTS[3:]:
        print(f"peak memory growth {url:<30} {peak_growth_mb(client, url):6.1f} MB (tracemalloc)")


if __name__ == "__main__":
    main()
