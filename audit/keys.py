"""The audit log's signing keys: HMAC-SHA256 under secrets that live only in the environment.

Someone who can write to the database can recompute every SHA-256 hash of the chain, so hashes
alone only catch accidents. A MAC needs the key (``AUDIT_KEYS``), which is never stored in the
database: without it a record, a cut-over or a checkpoint cannot be forged or re-sealed.

Each MAC names its key id, so keys rotate: ``AUDIT_KEY_ID`` signs, every listed key verifies.
Each use has its own purpose label, so a record's MAC can never pass for a checkpoint's.
Nothing here puts a key into a message or an exception.
"""

import hashlib
import hmac
from enum import StrEnum

from django.conf import settings


class Purpose(StrEnum):
    RECORD = "audit-record"
    CUTOVER = "audit-cutover"
    CHECKPOINT = "audit-checkpoint"
    EVIDENCE = "audit-evidence"  # an evidence bundle's manifest (notify.evidence)


def _mac(secret: str, purpose: Purpose, message: str) -> str:
    signed = f"{purpose}\n{message}".encode()
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def current_key_id() -> str:
    """The key that signs what is sealed now (``AUDIT_KEY_ID``)."""
    return settings.AUDIT_KEY_ID


def sign(purpose: Purpose, message: str, *, kid: str) -> str:
    """The MAC of ``message`` under the key ``kid`` (one of ``AUDIT_KEYS``)."""
    return _mac(settings.AUDIT_KEYS[kid], purpose, message)


def signature_problem(purpose: Purpose, message: str, *, kid: str, mac: str) -> str:
    """Why ``mac`` is not a valid signature of ``message``, or ``""`` when it is."""
    if not mac:
        return "it carries no MAC"
    secret = settings.AUDIT_KEYS.get(kid)
    if secret is None:
        return f"it is signed with key id {kid[:32]!r}, which AUDIT_KEYS does not hold"
    if not hmac.compare_digest(_mac(secret, purpose, message), mac):
        return "its MAC does not match: forged, or re-sealed without the key"
    return ""
