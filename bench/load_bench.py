"""Load benchmark: the app under gunicorn on loopback, 50 simulated users browsing, searching,
opening connectors, reading the audit log and exporting CSVs.

    .venv/bin/python bench/load_bench.py [--users 50] [--duration 30] [--workers 3 --threads 2]
                                         [--database-url postgres://…]

Uses its own throwaway database (a SQLite file in a temporary directory unless
--database-url is given), loads the bundled sandbox catalogue, refreshes the local copy and
creates the demo accounts, then starts gunicorn on 127.0.0.1 and drives it with threads using
``requests.Session``. Prints throughput, latency percentiles (overall and per action) and
errors. Targets (issue 16): 0 errors and p95 <= 100 ms with think time, on PostgreSQL too;
``--think 0 0`` measures saturation (the throughput is the figure, 0 errors the target).
"""

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
USERS = [("demo-viewer", "demo-viewer-pass"), ("demo-editor", "demo-editor-pass")]
SEARCHES = ["bnp", "banque", "credit", "caisse", "revolut", "société", "n26", "zz-none"]
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
FILTERS = ["country=fr", "product=pay", "state=enabled", "country=de&sort=-name", "pay=yes"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(env: dict[str, str]) -> None:
    """Migrate the throwaway database, load the sandbox, refresh the copy, create demo users."""
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput"], ["dev_setup", "--url", "http://127.0.0.1/"]):
        subprocess.run(manage + command, cwd=ROOT, env=env, check=True, capture_output=True)


def start_server(env: dict[str, str], port: int, args: argparse.Namespace, log: Path):
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "powens_admin.wsgi",
        f"--bind=127.0.0.1:{port}",
        f"--workers={args.workers}",
        f"--threads={args.threads}",
        "--worker-class=gthread",
        "--timeout=60",
        # Longer than a user's think time: otherwise the server may close an idle keep-alive
        # connection just as the client reuses it (a spurious ConnectionError).
        "--keep-alive=10",
    ]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/health/", timeout=10).status_code == 200:
                return server
        except (requests.ConnectionError, requests.Timeout):  # still booting
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn did not start; see {log}")


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []

    def add(self, action: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies[action].append(seconds)
            if error:
                self.errors.append(f"{action}: {error}")


def sign_in(session: requests.Session, base: str, username: str, password: str) -> None:
    page = session.get(f"{base}/accounts/login/", timeout=60)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=60,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"sign-in failed for {username}: {answer.status_code}")


def actions(base: str, uuids: list[str], rng: random.Random) -> tuple[str, str, dict]:
    """One user step: (action name, URL, extra headers), weighted like a support session."""
    roll = rng.random()
    if roll < 0.30:
        return "browse", f"{base}/connectors/?page={rng.randint(1, 8)}", {}
    if roll < 0.50:
        q = rng.choice(SEARCHES)
        return "search", f"{base}/connectors/?q={q}", {"HX-Request": "true"}
    if roll < 0.62:
        return "filter", f"{base}/connectors/?{rng.choice(FILTERS)}", {}
    if roll < 0.84:
        return "detail", f"{base}/connectors/{rng.choice(uuids)}/", {}
    if roll < 0.94:
        return "audit", f"{base}/audit/", {}
    return "export", f"{base}/connectors/export.csv?{rng.choice(FILTERS)}", {}


def signed_in_sessions(base: str, count: int) -> list[requests.Session]:
    """One session per simulated user, signed in before the clock starts: password hashing
    (deliberately slow) is a once-a-day cost, not part of browsing."""
    sessions = []
    for number in range(count):
        session = requests.Session()
        sign_in(session, base, *USERS[number % len(USERS)])
        sessions.append(session)
    return sessions


def user_loop(
    number: int,
    session: requests.Session,
    base: str,
    uuids: list[str],
    stop: float,
    limit: int,
    rec: Recorder,
) -> None:
    rng = random.Random(number)
    # A first think time too: fifty users do not all click in the same millisecond (without it
    # the first wave queued behind itself and was the run's whole slowest 5%).
    time.sleep(rng.uniform(*THINK))
    for _ in range(limit):
        if time.monotonic() >= stop:
            break
        action, url, headers = actions(base, uuids, rng)
        started = time.perf_counter()
        error = None
        try:
            response = session.get(url, headers=headers, timeout=30)
            response.content  # noqa: B018 - read the whole body (CSV streams)
            if response.status_code != 200:
                error = f"HTTP {response.status_code} {url}"
        except requests.RequestException as exc:
            error = f"{type(exc).__name__} {url}"
        rec.add(action, time.perf_counter() - started, error)
        time.sleep(rng.uniform(*THINK))  # a person reads the page before the next click


# Seconds between one user's clicks (min, max); set from the command line.
THINK = [0.5, 2.5]
P95_TARGET_MS = 100


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def report(rec: Recorder, elapsed: float) -> bool:
    every = [v for values in rec.latencies.values() for v in values]
    print(f"requests: {len(every)} in {elapsed:.1f} s = {len(every) / elapsed:.1f} req/s")
    print(f"{'action':<9} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for action, values in sorted(rec.latencies.items()) + [("ALL", every)]:
        print(
            f"{action:<9} {len(values):>6} {percentile(values, 0.5):>8.1f} "
            f"{percentile(values, 0.95):>8.1f} {percentile(values, 0.99):>8.1f}"
        )
    print(f"mean: {statistics.mean(every) * 1000:.1f} ms; errors: {len(rec.errors)}")
    for line in rec.errors[:10]:
        print("  ", line)
    if THINK[1] == 0:  # saturation: no latency target
        return not rec.errors
    print(f"target: 0 errors, p95 <= {P95_TARGET_MS} ms; load average {os.getloadavg()[0]:.1f}")
    return not rec.errors and percentile(every, 0.95) <= P95_TARGET_MS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--max-requests-per-user", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=THINK,
        metavar=("MIN", "MAX"),
        help="seconds a user waits between clicks (uniform); 0 0 = saturation test",
    )
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    THINK[:] = args.think
    with tempfile.TemporaryDirectory(prefix="load-bench-") as tmp:
        env = {
            **os.environ,
            "DJANGO_ENV": "development",
            "DEBUG": "false",
            "DATABASE_URL": args.database_url or f"sqlite:///{tmp}/bench.sqlite3",
            "CATALOGUE_REFRESH_INTERVAL": "86400",
            "POWENS_DOMAIN": "",
            "POWENS_API_URL": "",
        }
        prepare(env)
        port = free_port()
        server = start_server(env, port, args, Path(tmp) / "gunicorn.log")
        base = f"http://127.0.0.1:{port}"
        try:
            probe = requests.Session()
            sign_in(probe, base, *USERS[0])
            listing = probe.get(f"{base}/connectors/export.csv", timeout=30).text
            uuids = re.findall(
                r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", listing
            )
            sessions = signed_in_sessions(base, args.users)
            for session in sessions[: args.workers * 4]:  # warm every worker's caches
                session.get(f"{base}/connectors/?q=bnp", timeout=30)
            rec = Recorder()
            started = time.monotonic()
            stop = started + args.duration
            threads = [
                threading.Thread(
                    target=user_loop,
                    args=(n, sessions[n], base, uuids, stop, args.max_requests_per_user, rec),
                )
                for n in range(args.users)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(args.duration + 60)
            elapsed = time.monotonic() - started
        finally:
            server.terminate()
            server.wait(20)
        print(
            f"gunicorn: {args.workers} workers × {args.threads} threads (gthread); "
            f"{args.users} users, think time {THINK[0]}-{THINK[1]} s; database: "
            f"{'given URL' if args.database_url else 'SQLite file'}; {os.cpu_count()} CPUs"
        )
        return 0 if report(rec, elapsed) else 1


if __name__ == "__main__":
    sys.exit(main())
