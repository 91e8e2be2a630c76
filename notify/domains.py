"""Which Powens domain an audit record belongs to: the one place that decides it.

An entry is sealed with its domain (``AuditEntry.domain``); one written before domains existed
has none and counts as the default domain's. An outcome belongs to its entry's domain.
"""

from typing import Any

from accounts.scope import default_name


def audit_record_domain(record: Any) -> str:
    entry = getattr(record, "entry", record)
    return getattr(entry, "domain", "") or default_name()
