"""The cut-over from unkeyed records to keyed ones (migration 0006), and its check.

Records sealed before 0006 carry no MAC and their hash leaves out their id. History is never
rewritten, so they keep the old rule, up to the seq of the signed ``ChainCutover`` the
migration wrote. That row pins them under the key: the hash of the last old record (so the old
part cannot be re-chained) and a digest of every old record's table, id and seq (so their ids
cannot be swapped, which their own hashes would not show).
"""

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

from audit.keys import Purpose, current_key_id, sign, signature_problem
from audit.models import ChainCutover, in_seq_order


def _identity(record: Any) -> bytes:
    return f"{record._meta.model_name}:{record.pk}:{record.seq}\n".encode()


def _signed_message(seq: int, head_hash: str, legacy_digest: str, created_at: datetime) -> str:
    at = created_at.astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps([seq, head_hash, legacy_digest, at])


def cutover_create(apps: Any) -> tuple[int, str] | None:
    """Sign the cut-over after the records already in the database (migration 0006, with its
    historical models); returns their head, or None when there are none."""
    models = [apps.get_model("audit", name) for name in ("AuditEntry", "AuditOutcome")]
    digest, head = hashlib.sha256(), None
    for record in in_seq_order(*(model.objects.all() for model in models)):
        digest.update(_identity(record))
        head = (record.seq, record.entry_hash)
    if head is None:
        return None
    kid, created_at = current_key_id(), timezone.now()
    message = _signed_message(*head, digest.hexdigest(), created_at)
    apps.get_model("audit", "ChainCutover").objects.create(
        seq=head[0],
        head_hash=head[1],
        legacy_digest=digest.hexdigest(),
        created_at=created_at,
        key_id=kid,
        mac=sign(Purpose.CUTOVER, message, kid=kid),
    )
    return head


class CutoverCheck:
    """Verification's view of the cut-over: which records are old, and whether the old part
    is still the one the cut-over pinned. Fed the old records in seq order."""

    def __init__(self, rows: Iterable[ChainCutover]) -> None:
        found = list(rows)
        self.cutover = found[0] if found else None
        self.seq = self.cutover.seq if self.cutover else 0
        self.problem = "there is more than one cut-over record" if len(found) > 1 else ""
        self.problem = self.problem or self._signature_problem()
        self._digest = hashlib.sha256()

    def _signature_problem(self) -> str:
        if self.cutover is None:
            return ""
        cutover = self.cutover
        message = _signed_message(
            cutover.seq, cutover.head_hash, cutover.legacy_digest, cutover.created_at
        )
        return signature_problem(Purpose.CUTOVER, message, kid=cutover.key_id, mac=cutover.mac)

    def is_legacy(self, seq: int) -> bool:
        return seq <= self.seq

    def legacy_problem(self, record: Any) -> str:
        """Add an old record; at the last one, whether the old part is the one pinned."""
        self._digest.update(_identity(record))
        if record.seq != self.seq or self.cutover is None:
            return ""
        if record.entry_hash != self.cutover.head_hash:
            return "the last record before the cut-over is not the one it pinned: re-chained"
        if self._digest.hexdigest() != self.cutover.legacy_digest:
            return "the records before the cut-over changed ids or places since it was signed"
        return ""

    def end_problem(self, last_seq: int) -> str:
        if last_seq < self.seq:
            return (
                f"the cut-over pinned records up to seq {self.seq}, but the chain ends at seq "
                f"{last_seq}: the newest were removed"
            )
        return ""
