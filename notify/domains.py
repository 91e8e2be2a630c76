"""Which Powens domain an audit record belongs to: the one place that decides it.

Today the dashboard runs one domain (``POWENS_DOMAIN``, or "sandbox"); once audit entries carry
a ``domain`` column, its value wins. An outcome belongs to its entry's domain.
"""

from typing import Any

from governance.policy import current_domain


def audit_record_domain(record: Any) -> str:
    entry = getattr(record, "entry", record)
    return getattr(entry, "domain", "") or current_domain()
