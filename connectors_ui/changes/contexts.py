"""What a change carries besides its targets, typed once for the services that pass it on:
each keyword-only service takes it as ``**context`` and hands it to the machinery it shares."""

from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

from audit.services import Actor, RequestMeta


class ToggleContext(TypedDict):
    """What a toggle carries besides its target, the same for a connector and a source: who
    asks, why, from which request; ``origin`` is the approved or scheduled change it applies
    (``pipeline.change_begin``), ``details`` go on its records (a revert names the entry it
    reverts)."""

    actor: Actor
    reason: str
    request_meta: RequestMeta | None
    origin: NotRequired[Mapping[str, Any] | None]
    details: NotRequired[Mapping[str, Any] | None]


class ConfirmedChange(TypedDict):
    """What a change of several targets the user confirmed (a revert; a batch's plan) carries:
    who, why, from which request, the typed count and production name, and ``origin``, the
    approved or scheduled change it applies. ``changes.confirmed`` builds it from a page."""

    actor: Actor
    reason: Any
    confirm_count: int | None
    request_meta: RequestMeta | None
    origin: NotRequired[Mapping[str, Any] | None]
    confirm_domain: NotRequired[str | None]
