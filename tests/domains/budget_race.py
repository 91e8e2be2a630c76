"""Several processes draw on one domain's budget at once (``python -m``, one per process).

    DJANGO_ENV=test DATABASE_URL=… python -m tests.domains.budget_race <draws> <start at>

Each process waits for the shared start time, then makes ``draws`` calls through the real
client of the budgeted domain (the embedded sandbox answers), and prints how many were sent and
how many were refused for the budget.
"""

import json
import os
import sys
import time


def main(draws: int, start_at: float) -> dict[str, int]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "powens_admin.settings")
    django.setup()
    from connectors_ui.powens import get_client
    from connectors_ui.powens.errors import PowensBudgetExhausted, PowensNotFound

    client = get_client("demo-sandbox")
    time.sleep(max(0.0, start_at - time.time()))
    sent = refused = 0
    for _ in range(draws):
        try:
            client.get_connector("00000000-0000-0000-0000-000000000000")
        except PowensBudgetExhausted:
            refused += 1
        except PowensNotFound:  # sent, and answered
            sent += 1
    return {"sent": sent, "refused": refused}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), float(sys.argv[2]))))
