"""The preview of a batch: what enabling or disabling a selection would change, classified
against the local copy. It calls nothing and records nothing (a preview is no attempt to
change anything); ``changes.batch`` executes what the user then confirms."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from audit.refusals import ChangeInvalid
from connectors_ui.changes.pipeline import parse_uuid
from connectors_ui.models import CatalogueConnector

BATCH_MAX = 5000


@dataclass(frozen=True)
class PreviewItem:
    uuid: str
    name: str
    hidden: bool | None
    status: str  # "change" | "already" | "cannot"
    why: str = ""


@dataclass(frozen=True)
class BatchPreview:
    enabled: bool
    items: list[PreviewItem]

    def _with(self, status: str) -> list[PreviewItem]:
        return [item for item in self.items if item.status == status]

    @property
    def will_change(self) -> list[PreviewItem]:
        return self._with("change")

    @property
    def already(self) -> list[PreviewItem]:
        return self._with("already")

    @property
    def cannot(self) -> list[PreviewItem]:
        return self._with("cannot")

    @property
    def needs_typed_count(self) -> bool:
        return len(self.will_change) > settings.BATCH_CONFIRM_THRESHOLD


def too_large_message(count: int) -> str:
    return (
        f"This selection has {count:,} connectors; batches are limited to {BATCH_MAX:,}. "
        "Narrow the filter."
    )


def batch_plan(*, uuids: Iterable[str], enabled: bool) -> BatchPreview:
    """Classify the selection against the local copy (no Powens call): what would change.

    A selection above ``BATCH_MAX`` raises ``ChangeInvalid`` (not recorded: a preview writes
    nothing) rather than being cut: a preview of its first 5,000 would look like all of it.
    """
    wanted = list(dict.fromkeys(str(value).strip() for value in uuids))
    if len(wanted) > BATCH_MAX:
        raise ChangeInvalid(too_large_message(len(wanted)))
    canonical = {value: parse_uuid(value) for value in wanted}
    rows = CatalogueConnector.objects.filter(uuid__in=[c for c in canonical.values() if c])
    known = {row.uuid: row for row in rows.only("uuid", "name", "hidden", "removed_at")}
    items = []
    for value, key in canonical.items():
        row = known.get(key or "")
        if key is None:
            items.append(PreviewItem(value[:64], "", None, "cannot", "Not a connector UUID."))
        elif row is None:
            items.append(PreviewItem(key, "", None, "cannot", "Unknown connector UUID."))
        elif row.is_removed:
            items.append(
                PreviewItem(key, row.name, row.hidden, "cannot", "Removed from the catalogue.")
            )
        elif row.hidden == (not enabled):
            state = "enabled" if enabled else "disabled"
            items.append(PreviewItem(key, row.name, row.hidden, "already", f"Already {state}."))
        else:
            items.append(PreviewItem(key, row.name, row.hidden, "change"))
    return BatchPreview(enabled, items)
