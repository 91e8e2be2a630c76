"""What a toggle changes: a connector's ``hidden`` flag or a source's ``disabled`` date.

Each target knows how to read its state from Powens, write the new one, reflect Powens' answer
in the local copy and name itself for the audit, so that ``changes.toggle`` runs one pipeline
for both.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any, ClassVar

from audit.models import Action
from audit.services import Target
from connectors_ui.catalogue.mirror import catalogue_apply_connector, catalogue_apply_source
from connectors_ui.changes.pipeline import parse_uuid
from connectors_ui.domains.context import current_domain_name
from connectors_ui.models import CatalogueConnector, CatalogueSource
from connectors_ui.powens import get_client
from connectors_ui.powens.client import DATETIME_FORMAT
from connectors_ui.powens.types import Connector, ConnectorSource


def state_word(enabled: bool) -> str:
    return "enabled" if enabled else "disabled"


def _connector_label(target: Target) -> str:
    """The connector's name for a message; its UUID when neither Powens nor the copy names it."""
    return target.connector_name or f"Connector {target.connector_uuid}"


def _valid_source_id(source_id: Any) -> bool:
    """A source id Powens could have, and our BIGINT columns can hold."""
    return isinstance(source_id, int) and not isinstance(source_id, bool) and 0 < source_id < 2**63


@dataclass
class ToggleTarget(ABC):
    """What one toggle changes, as posted: nothing is checked until ``complete`` says so. Its
    "off" state is a hidden connector or a disabled source; Powens' object for it (read or
    written) is ``Any`` here and typed in each subclass."""

    reference: Any  # the connector UUID as posted
    enabled: Any  # the direction as posted: a bool when the form chose one

    noun: ClassVar[str]
    key: ClassVar[str]  # the state's name in an entry's ``before``/``after``
    enable: ClassVar[Action]
    disable: ClassVar[Action]
    incomplete: ClassVar[str]  # the refusal for a form that does not name a target

    @cached_property
    def uuid(self) -> str | None:
        return parse_uuid(self.reference)

    @property
    def checked_uuid(self) -> str:
        """The UUID, for the steps that run only once ``complete`` has said there is one."""
        if self.uuid is None:
            raise ValueError("This target names no connector: check `complete` first.")
        return self.uuid

    @property
    def source_id_or_none(self) -> int | None:
        """The source the target names, if any (and if it could be one), for the audit."""
        return None

    @property
    def identity(self) -> tuple[str, int | None]:
        """(connector uuid, source id or None): how the audit log and the claims key it."""
        return self.checked_uuid, self.source_id_or_none

    @property
    def action(self) -> Action:
        return self.enable if self.enabled else self.disable

    @property
    def complete(self) -> bool:
        return self.uuid is not None and isinstance(self.enabled, bool)

    def local(self) -> Target:
        """What the user tried to change, named from the local copy: built before any check, so
        every refusal (wrong role, missing reason) records the connector and source by name."""
        if self.uuid is None:
            return Target(connector_uuid=str(self.reference)[:64], source_id=self.source_id_or_none)
        connectors = CatalogueConnector.objects.filter(uuid=self.uuid)
        name = connectors.values_list("name", flat=True).first() or ""
        if (source_id := self.source_id_or_none) is None:
            return Target(self.uuid, name)
        sources = CatalogueSource.objects.filter(connector__uuid=self.uuid, source_id=source_id)
        return Target(
            self.uuid, name, source_id, sources.values_list("name", flat=True).first() or ""
        )

    def applied(self, answer: Any) -> bool:
        return self.is_off(answer) != self.enabled

    def observed(self, answer: Any) -> dict[str, Any]:
        return self.state(answer)

    @property
    @abstractmethod
    def after(self) -> dict[str, Any]:
        """The state asked for, as the audit records it."""

    @abstractmethod
    def read(self) -> Any:
        """Powens' current object (one GET); raises ``PowensError``."""

    @abstractmethod
    def named(self, current: Any, local: Target) -> Target:
        """The audit target, with the name Powens gives it now."""

    @abstractmethod
    def is_off(self, powens: Any) -> bool:
        """Whether Powens' object is hidden or disabled."""

    @abstractmethod
    def state(self, powens: Any) -> dict[str, Any]:
        """Powens' object as an entry's ``before`` records it."""

    @abstractmethod
    def send(self) -> Any:
        """The write (one PUT); raises ``PowensError``."""

    @abstractmethod
    def reflect(self, powens: Any) -> None:
        """Put Powens' object into the local copy."""

    @abstractmethod
    def done(self, target: Target) -> str:
        """The message on success, naming what changed."""


@dataclass
class ConnectorTarget(ToggleTarget):
    """One connector's ``hidden`` flag: read with E2, written with E3."""

    noun = "connector"
    key = "hidden"
    enable = Action.CONNECTOR_ENABLE
    disable = Action.CONNECTOR_DISABLE
    incomplete = "The form is incomplete or the connector reference is not a UUID."

    @property
    def after(self) -> dict[str, Any]:
        return {"hidden": not self.enabled}

    def read(self) -> Connector:
        return get_client(current_domain_name()).get_connector(self.checked_uuid)

    def named(self, current: Connector, local: Target) -> Target:
        return Target(
            connector_uuid=self.checked_uuid, connector_name=current.name or local.connector_name
        )

    def is_off(self, powens: Connector) -> bool:
        return bool(powens.hidden)

    def state(self, powens: Connector) -> dict[str, Any]:
        return {"hidden": bool(powens.hidden)}

    def observed(self, answer: Connector) -> dict[str, Any]:
        return {"hidden": answer.hidden}  # as answered: None if Powens left it out

    def send(self) -> Connector:
        return get_client(current_domain_name()).update_connector(
            self.checked_uuid, hidden=not self.enabled
        )

    def reflect(self, powens: Connector) -> None:
        catalogue_apply_connector(powens)

    def done(self, target: Target) -> str:
        return f"{_connector_label(target)} {state_word(self.enabled)} on this domain."


@dataclass
class SourceTarget(ToggleTarget):
    """One source's ``disabled`` date: read with E7, written with E8. Disabling sends the time
    of the request, so the audit's ``after`` is exactly what was sent."""

    source_id: Any
    # Disabling sends this time: the request's by default, the one a revert restores.
    disable_at: datetime | None = None

    noun = "source"
    key = "disabled"
    enable = Action.SOURCE_ENABLE
    disable = Action.SOURCE_DISABLE
    incomplete = "The form is incomplete or the source reference is invalid."

    def __post_init__(self) -> None:
        if self.enabled:
            self.disable_at = None
        elif self.disable_at is None:
            self.disable_at = datetime.now(UTC).replace(microsecond=0)

    @property
    def source_id_or_none(self) -> int | None:
        return self.source_id if _valid_source_id(self.source_id) else None

    @property
    def complete(self) -> bool:
        return super().complete and _valid_source_id(self.source_id)

    @property
    def after(self) -> dict[str, Any]:
        return {"disabled": self.disable_at.strftime(DATETIME_FORMAT) if self.disable_at else None}

    def read(self) -> ConnectorSource:
        return get_client(current_domain_name()).get_source(self.checked_uuid, self.source_id)

    def named(self, current: ConnectorSource, local: Target) -> Target:
        name = str(current.name or local.source_name)
        return Target(self.checked_uuid, local.connector_name, self.source_id, name)

    def is_off(self, powens: ConnectorSource) -> bool:
        return powens.is_disabled

    def state(self, powens: ConnectorSource) -> dict[str, Any]:
        return {"disabled": powens.raw.get("disabled"), "priority": powens.priority}

    def send(self) -> ConnectorSource:
        return get_client(current_domain_name()).update_source(
            self.checked_uuid, self.source_id, disabled=self.disable_at
        )

    def reflect(self, powens: ConnectorSource) -> None:
        catalogue_apply_source(self.checked_uuid, powens)

    def done(self, target: Target) -> str:
        return (
            f"Source {target.source_name or f'#{self.source_id}'} of "
            f"{_connector_label(target)} {state_word(self.enabled)}."
        )


def target_of(connector_uuid: str, source_id: int | None = None) -> ToggleTarget:
    """The target an audit entry names, to read its state again (no direction: nothing is
    written through it)."""
    if source_id is None:
        return ConnectorTarget(connector_uuid, None)
    return SourceTarget(connector_uuid, None, source_id)
