"""What one audit append costs, and what verifying the chain costs per record.

Run: DJANGO_ENV=test .venv/bin/python bench/audit_append_bench.py [--records 2000]
     [--database-url postgres://…  (an empty database)]

Appends ``--records`` single exports (one record, one commit each: the common case), then as
many intent + outcome pairs (a change), each in its own commit as the change pipeline does, on
a fresh SQLite file (WAL, IMMEDIATE, as in production) or the empty database given. Prints the
median and 95th percentile per append, then the time ``audit_verify`` takes for the whole chain.
Every append also writes its signed checkpoint (``AUDIT_CHECKPOINT_DIR``, a temporary directory
here), fsync included: that is part of the cost being measured.
"""

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable

from _setup import django_setup

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--records", type=int, default=2000)
parser.add_argument("--database-url", default="")
args = parser.parse_args()
_checkpoints = tempfile.TemporaryDirectory(prefix="audit-bench-checkpoints-")
os.environ.setdefault("AUDIT_CHECKPOINT_DIR", _checkpoints.name)
where = django_setup("audit-bench-", database_url=args.database_url)

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from audit.models import Action, Outcome  # noqa: E402
from audit.services import (  # noqa: E402
    Intent,
    Result,
    Target,
    audit_record_export,
    audit_record_intents,
    audit_record_outcome,
)


def export() -> None:
    audit_record_export(actor=None, report="connectors", query_string="q=bench", row_count=1)


def change(number: int) -> None:
    target = Target(connector_uuid=f"00000000-0000-0000-0000-{number:012d}")
    intent = Intent(Action.CONNECTOR_DISABLE, target, {"hidden": False}, {"hidden": True})
    sealed = audit_record_intents(actor=None, intents=[intent], reason="bench", request_meta=None)
    audit_record_outcome(sealed.entries[0], Result(Outcome.SUCCEEDED, observed={"hidden": True}))


def timed(work: Callable[[int], None], count: int) -> list[float]:
    timings = []
    for number in range(count):
        started = time.perf_counter()
        work(number)
        timings.append(time.perf_counter() - started)
    return timings


def summary(label: str, timings: list[float], per: int = 1) -> str:
    ms = sorted(t * 1000 / per for t in timings)
    p95 = ms[int(len(ms) * 0.95) - 1]
    return f"{label:<38} median {statistics.median(ms):6.2f} ms   p95 {p95:6.2f} ms"


def main() -> None:
    call_command("migrate", verbosity=0)
    print(f"== {args.records:,} appends of each kind on {connection.vendor} ({where})")
    print(summary("export (1 record, 1 commit)", timed(lambda n: export(), args.records)))
    print(summary("change (intent + outcome, 2 commits)", timed(change, args.records), per=2))
    started = time.perf_counter()
    call_command("audit_verify", stdout=open(os.devnull, "w"))  # noqa: SIM115
    seconds = time.perf_counter() - started
    records = args.records * 3
    print(f"audit_verify: {records:,} records in {seconds:.2f} s ({records / seconds:,.0f}/s)")


main()
