"""What a batch came to, connector by connector, as its page and callers read it."""

import uuid as uuid_module
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from audit.models import AuditOutcome, Outcome


@dataclass(frozen=True)
class BatchItemResult:
    uuid: str
    name: str
    outcome: str
    message: str = ""
    code: str = ""  # a refusal's code ("stale", "conflict", "not_found")


@dataclass
class BatchResult:
    batch_id: uuid_module.UUID
    items: list[BatchItemResult] = field(default_factory=list)
    patch_calls: int = 0

    def count(self, outcome: str) -> int:
        return sum(1 for item in self.items if item.outcome == outcome)

    def settle(self, resolved: Mapping[str, AuditOutcome]) -> None:
        """Replace the items of connectors a read-back resolved by their resolution."""
        self.items = [
            replace(item, outcome=o.outcome, message=o.error_message)
            if (o := resolved.get(item.uuid)) is not None
            else item
            for item in self.items
        ]

    @property
    def succeeded(self) -> int:
        return self.count(Outcome.SUCCEEDED)

    @property
    def is_partial(self) -> bool:
        return 0 < self.succeeded < len(self.items)

    @property
    def all_succeeded(self) -> bool:
        return bool(self.items) and self.succeeded == len(self.items)
