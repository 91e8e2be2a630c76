"""What every audit record of one batch shares, and how it words them: the intents it seals,
the refusals it records, and why a connector was left alone (stale)."""

import uuid as uuid_module
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from audit.models import Action, AuditEntry
from audit.services import (
    Actor,
    Intent,
    IntentBatch,
    RequestMeta,
    Target,
    audit_record_intents,
    refused_entry,
)
from connectors_ui.changes.outcomes import last_change_note

STALE_REVERT = "Changed since, skipped: it no longer shows the state the reverted change left."


@dataclass(frozen=True)
class BatchAudit:
    """What every audit record of one batch shares (who, why, which batch), and what each
    connector is to become (``hidden_of``); ``details_of`` adds to a connector's records (a
    revert names the entry it reverts)."""

    batch_id: uuid_module.UUID
    actor: Actor
    reason: str
    request_meta: RequestMeta | None
    hidden_of: Mapping[str, bool]
    details_of: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # The approved or scheduled change this batch applies (governance), on every record.
    origin: Mapping[str, Any] | None = None

    def action(self, uuid: str) -> Action:
        return Action.BATCH_DISABLE if self.hidden_of.get(uuid) else Action.BATCH_ENABLE

    def stale_message(self, uuid: str) -> str:
        if "reverts" in self.details_of.get(uuid, {}):
            return STALE_REVERT
        state = "disabled" if self.hidden_of[uuid] else "enabled"
        note, _ = last_change_note(uuid, off_now=self.hidden_of[uuid])
        return f"Already {state} since the preview.{note}"

    def intent(self, target: Target, before: Mapping[str, Any] | None) -> Intent:
        uuid = target.connector_uuid
        after = {"hidden": self.hidden_of[uuid]}
        return Intent(self.action(uuid), target, before, after, self.details_of.get(uuid))

    def seal(self, intents: list[Intent], read_since: int | None = None) -> IntentBatch:
        return audit_record_intents(
            actor=self.actor,
            intents=intents,
            reason=self.reason,
            request_meta=self.request_meta,
            batch_id=self.batch_id,
            read_since=read_since,
            details=self.origin,
        )

    def refusal(
        self, target: Target, code: str, message: str, before: Mapping[str, Any] | None = None
    ) -> AuditEntry:
        return refused_entry(
            actor=self.actor,
            action=self.action(target.connector_uuid),
            target=target,
            reason=self.reason,
            code=code,
            message=message,
            request_meta=self.request_meta,
            batch_id=self.batch_id,
            before=before,
            details={**(self.origin or {}), **self.details_of.get(target.connector_uuid, {})},
        )
