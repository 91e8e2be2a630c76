"""Promote: "make <target> like <source>" for chosen differences, on the target domain, through
the batch path every batch takes (``changes.batch``): reason, typed count, typed domain name on
production, the stale-write check against Powens, claims, and the audit record of each
connector, all under one batch id.

Only a connector's state can be promoted (enable or disable it on the target); a connector the
target does not list cannot be created there, and sources differ by name only.
"""

import uuid as uuid_module
from dataclasses import dataclass, field
from typing import Any

from audit.services import Actor, RequestMeta
from connectors_ui.changes.batch import batch_execute_plan
from connectors_ui.changes.preview import BatchPreview, batch_plan
from connectors_ui.compare.forms import PromoteForm
from connectors_ui.compare.selectors import Snapshot, domain_snapshot
from connectors_ui.domains.context import domain_scope
from connectors_ui.domains.registry import Domain, domain_get


@dataclass
class PromotePlan:
    """What making the target like the source needs, connector by connector."""

    source: Domain
    target: Domain
    enable: list[str] = field(default_factory=list)  # enable these on the target
    disable: list[str] = field(default_factory=list)
    alike: list[str] = field(default_factory=list)  # already in the source's state
    cannot: list[tuple[str, str]] = field(default_factory=list)  # (uuid, why)

    @property
    def total(self) -> int:
        return len(self.enable) + len(self.disable)


def _place(plan: PromotePlan, uuid: str, left: Snapshot, right: Snapshot) -> None:
    if uuid not in left.hidden:
        plan.cannot.append((uuid, f"Not listed on {plan.source.label}."))
    elif uuid not in right.hidden:
        plan.cannot.append((uuid, f"Not listed on {plan.target.label}: it cannot be added."))
    elif left.hidden[uuid] == right.hidden[uuid]:
        plan.alike.append(uuid)
    else:
        (plan.disable if left.hidden[uuid] else plan.enable).append(uuid)


def promote_plan(*, source: str, target: str, uuids: list[str]) -> PromotePlan:
    """Classify the chosen connectors from the two local copies (no Powens call)."""
    plan = PromotePlan(domain_get(source), domain_get(target))
    left, right = domain_snapshot(source), domain_snapshot(target)
    for uuid in dict.fromkeys(value.strip().lower() for value in uuids):
        _place(plan, uuid, left, right)
    return plan


def promote_previews(plan: PromotePlan) -> list[BatchPreview]:
    """The batch previews on the target, one per direction that has connectors."""
    with domain_scope(plan.target.name):
        return [
            batch_plan(uuids=group, enabled=enabled)
            for enabled, group in ((True, plan.enable), (False, plan.disable))
            if group
        ]


def compare_promote(
    *,
    actor: Actor,
    source: str,
    target: str,
    enable: list[str],
    disable: list[str],
    reason: str | None,
    confirm_count: int | None,
    confirm_domain: str | None,
    request_meta: RequestMeta | None,
) -> uuid_module.UUID:
    """Enable ``enable`` and disable ``disable`` on ``target``, as one batch; returns its id.
    Raises ``ChangeRefused`` (recorded on the target) when the batch is refused as a whole:
    role, reason, typed count, typed production name, an empty selection."""
    details = promote_details(source)
    hidden_of = dict.fromkeys(enable, False) | dict.fromkeys(disable, True)
    with domain_scope(domain_get(target).name):
        result = batch_execute_plan(
            actor=actor,
            hidden_of=hidden_of,
            reason=reason or "",
            confirm_count=confirm_count,
            request_meta=request_meta,
            details_of=dict.fromkeys(hidden_of, details),
            confirm_domain=confirm_domain,
        )
    return result.batch_id


def promote_details(source: str) -> dict[str, str]:
    """What each write of a promote carries: the domain it copies (an approved promote's
    too, ``governance.derived``)."""
    return {"promoted_from": domain_get(source).name}


def promote_posted(form: PromoteForm) -> dict[str, Any]:
    """What a promote preview's confirmation gives its service: applied directly
    (``compare_promote``) or proposed (``governance.derived``)."""
    values = form.values()
    return {
        "source": values["source"] or "",
        "target": values["target"] or "",
        "enable": form.listed("enable"),
        "disable": form.listed("disable"),
        "reason": values["reason"],
        "confirm_count": values["confirm_count"],
    }
