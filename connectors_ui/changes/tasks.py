"""The changes' periodic jobs (``settings.PERIODIC_JOBS``, run by the worker): resolve the
outcomes Powens left unknown, and let what has expired go."""

from django.tasks import task
from django.utils import timezone

from audit.flood import audit_refusals_flush
from connectors_ui.changes.reconcile import audit_reconcile
from connectors_ui.models import ChangeClaim


@task
def changes_reconcile() -> dict[str, int]:
    """Resolve ``pending`` (past the in-flight window) and ``unknown`` entries from Powens'
    real state, as ``manage.py audit_reconcile`` does; a run that resolves nothing is not
    recorded, so an outage does not add an entry every few minutes."""
    report = audit_reconcile(record_idle=False)
    return {
        "examined": report.examined,
        "succeeded": report.succeeded,
        "failed": report.failed,
        "unresolved": report.unresolved,
    }


@task
def changes_expire() -> dict[str, int]:
    """Expiries: write closed windows of counted refusals as their summary entries (the cron
    job ``audit_flush_refusals`` did this), and drop change claims whose lease ran out."""
    written = audit_refusals_flush()
    claims, _ = ChangeClaim.all_domains.filter(expires_at__lte=timezone.now()).delete()
    return {"refusal_summaries": len(written), "expired_claims": claims}
