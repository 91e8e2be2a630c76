"""Changes to the Powens domain: one connector, one source, or a batch, plus reconciliation and
"Check again".

Every path enforces the rules here, not in forms: editors and admins only, a reason, a typed
count above the batch threshold, stale-write protection, and an audit record of every attempt
(intent committed before the Powens call, outcome after it; refusals too).
"""

from audit.refusals import (
    ChangeConflict,
    ChangeForbidden,
    ChangeInvalid,
    ChangeNotFound,
    ChangeRefused,
    ChangeStale,
)
from connectors_ui.changes.batch import BatchResult, batch_execute
from connectors_ui.changes.outcomes import ChangeResult
from connectors_ui.changes.preview import BatchPreview, batch_plan
from connectors_ui.changes.reconcile import (
    CheckReport,
    ReconcileReport,
    audit_reconcile,
    change_check_again,
)
from connectors_ui.changes.toggle import (
    change_record_not_found,
    connector_set_enabled,
    source_set_enabled,
)

__all__ = [
    "BatchPreview",
    "BatchResult",
    "ChangeConflict",
    "ChangeForbidden",
    "ChangeInvalid",
    "ChangeNotFound",
    "ChangeRefused",
    "ChangeResult",
    "ChangeStale",
    "CheckReport",
    "ReconcileReport",
    "audit_reconcile",
    "batch_execute",
    "batch_plan",
    "change_check_again",
    "change_record_not_found",
    "connector_set_enabled",
    "source_set_enabled",
]
