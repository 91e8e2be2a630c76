"""Signed-in pages under gunicorn beside the app's own floor and the stock Django admin (issue 16).

    .venv/bin/python bench/perf_bench.py [--duration 10] [--connections 10] [--workers 4]

One run, everything side by side: a throwaway SQLite file, production settings (plus the
bench-only URLconf of ``bench_settings``: the admin changelist and a bare 50-row page), gunicorn
with ``--workers`` processes on loopback, and ``wrk`` (Debian: ``apt-get install wrk``) holding
``--connections`` connections signed in as an editor. At 2,000 then 20,000 generated connectors:
``/health/``, the bare page, the list, a search, a detail page, an export and the admin's
changelist and search of the same rows; then the first list views on the other workers after
a toggle and after a batch, and, in this process, the list's queries, time and HTML size.
Each line prints its anchor (the goal, or the figure the issue measured) and the load average.
"""

import argparse
import gzip
import http.client
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from _setup import catalogue_load, django_setup, signed_in_client
from load_bench import free_port, start_server

_parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
_parser.add_argument("--duration", type=int, default=10, help="seconds per measured URL")
_parser.add_argument("--connections", type=int, default=10)
_parser.add_argument("--workers", type=int, default=4)
_parser.add_argument("--sizes", default="2000,20000")
ARGS = _parser.parse_args()
_TMP = tempfile.mkdtemp(prefix="perf-bench-")
os.environ.update(
    DJANGO_SETTINGS_MODULE="bench.bench_settings",
    DJANGO_ENV="production",
    DEBUG="false",
    SECRET_KEY=secrets.token_urlsafe(50),
    AUDIT_KEYS=f"bench:{secrets.token_urlsafe(40)}",
    AUDIT_CHECKPOINT_DIR=f"{_TMP}/checkpoints",
    POWENS_ALLOW_SANDBOX="true",
    POWENS_DOMAIN="",
    POWENS_API_URL="",
    # Plain HTTP on loopback; the test Client of this process asks for "testserver".
    SECURE_SSL_REDIRECT="false",
    ALLOWED_HOSTS="127.0.0.1,testserver",
    CATALOGUE_REFRESH_INTERVAL="86400",
    BENCH_STATIC_ROOT=f"{_TMP}/static",
)
DATABASE = django_setup("perf-bench-", db_dir=_TMP)

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Permission  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from connectors_ui.catalogue.search_index import build_index  # noqa: E402
from connectors_ui.models import CatalogueConnector  # noqa: E402
from sandbox.backend import generated_catalogue  # noqa: E402

SEARCH = "?q=credit+agricole"
_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class Figures:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def wrk(base: str, path: str, cookie: str, headers: tuple[str, ...] = ()) -> Figures:
    """``wrk`` on one URL for ``--duration`` seconds; non-2xx answers and socket errors count
    as errors (a redirect to the login page would be one)."""
    options = [f"-H{header}" for header in (f"Cookie: {cookie}", *headers)]
    command = ["wrk", "-t2", f"-c{ARGS.connections}", f"-d{ARGS.duration}s", "--latency"]
    out = subprocess.run(
        [*command, *options, base + path], capture_output=True, text=True, check=True
    ).stdout
    latency = {share: float(value) * _UNITS[unit] for share, value, unit in _LATENCY.findall(out)}
    if "Requests/sec" not in out or len(latency) < 2:
        raise SystemExit(f"wrk said:\n{out}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = int(bad.group(1)) if bad else 0
    errors += sum(int(n) for n in sockets.groups()) if sockets else 0
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return Figures(rps, latency["50"], latency["99"], errors)


def line(label: str, figures: Figures, anchor: str) -> Figures:
    print(
        f"{label:<34} {figures.rps:>8.1f} {figures.p50_ms:>8.1f} {figures.p99_ms:>8.1f} "
        f"{figures.errors:>6}  load {os.getloadavg()[0]:>4.1f}  {anchor}",
        flush=True,
    )
    return figures


def header(title: str, *, table: bool = False) -> None:
    print(f"\n== {title}")
    if table:
        print(f"{'':<34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")


def fetch(base: str, path: str, cookie: str, **headers: str) -> tuple[int, dict, bytes]:
    """One GET on a new connection, the body as sent (no decompression)."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    conn.request("GET", path, headers={"Cookie": cookie, **headers})
    answer = conn.getresponse()
    body = answer.read()
    conn.close()
    return answer.status, dict(answer.getheaders()), body


def bench_size(base: str, cookie: str, size: int) -> dict[str, Figures]:
    """Every URL at ``size`` connectors, after a warm-up that builds each worker's index."""
    uuid = CatalogueConnector.objects.order_by("pk").values_list("uuid", flat=True).first()
    for path in ("/connectors/", "/bench-admin/connectors_ui/catalogueconnector/"):
        subprocess.run(
            ["wrk", "-t1", f"-c{ARGS.workers * 2}", "-d2s", f"-HCookie: {cookie}", base + path],
            capture_output=True,
            check=True,
        )
    header(
        f"{size:,} connectors ({ARGS.workers} gunicorn workers, {ARGS.connections} connections)",
        table=True,
    )
    admin = "/bench-admin/connectors_ui/catalogueconnector/"
    rows = {
        "health": ("/health/", "reference (issue: 430)"),
        "floor": ("/bench-floor/", "bare 50-row page (issue: 175)"),
        "list": ("/connectors/", "goal >= 0.5 x /health/, p99 <= 100 (issue: 84)"),
        "admin": (admin, "stock admin changelist (issue: 42 / 23)"),
        "search": ("/connectors/" + SEARCH, "issue at 20,000: 177"),
        "admin search": (admin + SEARCH, "issue at 20,000: 23"),
        "detail": (f"/connectors/{uuid}/", "no regression"),
        "export": ("/connectors/export.csv?q=credit+agricole", "no regression"),
    }
    figures = {name: line(name, wrk(base, path, cookie), a) for name, (path, a) in rows.items()}
    gzip_figures = wrk(base, "/connectors/", cookie, ("Accept-Encoding: gzip",))
    figures["list gzip"] = line("list, Accept-Encoding: gzip", gzip_figures, "compressed")
    return figures


def first_views(base: str, cookie: str) -> list[float]:
    """Milliseconds of ``workers * 3`` list views at once, each on its own connection: every
    worker's first view after the change is among them."""

    def timed(_: int) -> float:
        started = time.perf_counter()
        status, _headers, _body = fetch(base, "/connectors/", cookie)
        assert status == 200, status
        return (time.perf_counter() - started) * 1000

    with ThreadPoolExecutor(ARGS.workers * 3) as pool:
        return sorted(pool.map(timed, range(ARGS.workers * 3)))


def spread(label: str, views: list[float]) -> None:
    print(f"{label + ': max / median':<40} {views[-1]:>7.0f} {statistics.median(views):>7.0f}")


def after_changes(base: str, cookie: str, client: Client) -> None:
    """A toggle, then a batch of 100, written by this process; then the workers' first views."""
    header("first list views on the other workers after a change (ms, all at once)")
    started = time.perf_counter()
    build_index("bench")
    print(f"{'a full index build here takes':<40} {(time.perf_counter() - started) * 1000:>7.0f}")
    uuids = list(CatalogueConnector.objects.order_by("pk").values_list("uuid", flat=True)[:101])
    answer = client.post(f"/connectors/{uuids[0]}/state/", {"enabled": "0", "reason": "bench"})
    assert answer.status_code in (200, 302), answer.status_code
    spread("after a toggle", first_views(base, cookie))
    form = {"enabled": "0", "selection": ",".join(uuids[1:]), "reason": "bench"}
    answer = client.post("/changes/batch/apply/", {**form, "confirm_count": "100"})
    assert answer.status_code == 302, answer.status_code
    spread("after a batch of 100", first_views(base, cookie))


def in_process(base: str, cookie: str, client: Client) -> None:
    """The list page measured here: queries, server time, and its HTML as served."""
    header("the list page, 50 rows")
    with CaptureQueriesContext(connection) as queries:
        client.get("/connectors/")
    times = []
    for _ in range(30):
        started = time.perf_counter()
        client.get("/connectors/")
        times.append((time.perf_counter() - started) * 1000)
    _, _, plain = fetch(base, "/connectors/", cookie)
    _, headers, packed = fetch(base, "/connectors/", cookie, **{"Accept-Encoding": "gzip"})
    encoding = headers.get("Content-Encoding", "none")
    assert encoding == "none" or gzip.decompress(packed)
    print(f"queries per list page: {len(queries)} (goal <= 4)")
    print(f"in process: median {statistics.median(times):.1f} ms (issue: ~19 ms)")
    print(
        f"HTML: {len(plain) / 1024:.1f} KB, {len(packed) / 1024:.1f} KB as sent with "
        f"Accept-Encoding: gzip (Content-Encoding: {encoding}); goal <= 40 KB (issue 15's part)"
    )


def editor_client() -> tuple[Client, str]:
    """The bench's editor, also staff with the admin's view permission on connectors; its
    session cookie for wrk."""
    client = signed_in_client("editor")
    user = get_user_model().objects.get(username="bench-editor")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(Permission.objects.get(codename="view_catalogueconnector"))
    return client, f"sessionid={client.cookies['sessionid'].value}"


def summary(small: dict[str, Figures], big: dict[str, Figures]) -> None:
    header("goals")
    ratio = small["list"].rps / small["health"].rps
    print(f"list / health at 2,000: {ratio:.2f} (goal >= 0.5; issue 0.19)")
    print(f"list p99 at 2,000: {small['list'].p99_ms:.1f} ms (goal <= 100)")
    print(
        f"list / admin at 20,000: {big['list'].rps / big['admin'].rps:.1f} (goal >= 6; issue 3.6)"
    )
    search = big["search"].rps / big["admin search"].rps
    print(f"search / admin search at 20,000: {search:.1f} (issue 7.7)")


def main() -> int:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    print(f"database: {DATABASE}; {os.cpu_count()} CPUs; load average {os.getloadavg()}")
    call_command("collectstatic", "--noinput", verbosity=0)
    client, cookie = editor_client()
    sizes = [int(size) for size in ARGS.sizes.split(",")]
    catalogue_load(generated_catalogue(sizes[0]))
    port = free_port()
    env = {**os.environ, "LOG_LEVEL": "INFO"}
    server = start_server(
        env, port, argparse.Namespace(workers=ARGS.workers, threads=1), Path(_TMP) / "gunicorn.log"
    )
    base = f"http://127.0.0.1:{port}"
    try:
        results = [bench_size(base, cookie, sizes[0])]
        for size in sizes[1:]:
            catalogue_load(generated_catalogue(size))
            results.append(bench_size(base, cookie, size))
        after_changes(base, cookie, client)
        in_process(base, cookie, client)
        summary(results[0], results[-1])
    finally:
        server.terminate()
        server.wait(20)
        shutil.rmtree(_TMP, ignore_errors=True)
    print(f"load average at the end {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
