"""The one hook other apps get into the audit log: ``records_appended``.

Sent by ``audit.chain.append`` inside its transaction, after the sealed records are inserted
and before the commit, with ``records`` (the new ``AuditEntry`` and ``AuditOutcome`` rows in
seq order). A receiver that writes rows (a notification outbox) writes them in the same
transaction: they commit with the records or not at all, so no event is lost or invented.
A receiver must not raise for a reason of its own: that would roll the audit record back.
audit stays a leaf: it sends, and knows nothing of who listens.
"""

from django.dispatch import Signal

records_appended = Signal()
