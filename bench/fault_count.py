"""Re-run the trust fault suite and print how many faults were injected and entries lost.

    DJANGO_ENV=test .venv/bin/python bench/fault_count.py

Runs tests/trust/test_fault_suite.py (every write path × fault × service/view/htmx against
the sandbox's fault injection) and prints the totals the suite's plugin reports.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    env = {**os.environ, "DJANGO_ENV": "test"}
    command = [sys.executable, "-m", "pytest", "-q", "-n", "2", "tests/trust/test_fault_suite.py"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    summary = [line for line in result.stdout.splitlines() if "faults injected" in line]
    print(result.stdout.splitlines()[-1] if result.stdout else result.stderr[-2000:])
    print(*summary, sep="\n")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
