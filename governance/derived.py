"""Proposals made from another page's plan: a revert (``changes.revert``) and a promote
(``compare.promote``), on a domain whose policy needs approval.

Each becomes one change request like a batch: its targets as Powens shows them now (those no
longer as the plan expects are left out and listed), the reason, the typed count; applied once
approved (``governance.apply``), when Powens is re-read again and a changed target refuses the
whole request. Their write entries carry what the direct path's carry: the entry a revert
reverts, the domain a promote copies.
"""

from collections.abc import Sequence
from typing import Any

from audit.services import Actor, RequestMeta
from connectors_ui.changes.revert import (
    RevertPlan,
    RevertTarget,
    revert_domain,
    revert_preview,
)
from connectors_ui.compare.promote import promote_details
from connectors_ui.domains.context import domain_scope
from connectors_ui.domains.registry import domain_get
from governance.models import ChangeRequest
from governance.proposals import Wish, change_request_propose


def _revert_wish(target: RevertTarget, batch_id: str) -> Wish:
    """From the state the reverted change left back to the one it found; a source's
    disabled date goes with it, to be restored exactly."""
    details = target.details(batch_id)
    if target.source_id is not None and target.off:
        details["restores"] = dict(target.before)
    return Wish(target.connector_uuid, target.off, target.after_off, target.source_id, details)


def _revert_summary(plan: RevertPlan, targets: Sequence[RevertTarget]) -> str:
    if plan.batch_id:
        return f"Revert {len(targets):,} of batch {plan.batch_id[:8]}…"
    if len(targets) == 1:
        return f"Revert entry #{targets[0].entry_id} ({targets[0].connector_name})"
    return f"Revert {len(targets):,} changes"


def change_request_propose_revert(
    *,
    actor: Actor,
    plan: RevertPlan,
    reason: Any,
    confirm_count: int | None,
    request_meta: RequestMeta | None,
) -> ChangeRequest:
    """Propose reverting ``plan`` on the domain its entries are about."""
    with domain_scope(revert_domain(plan)):
        preview = revert_preview(plan)
        targets = [*preview.will_revert, *preview.changed_since]
        return change_request_propose(
            actor=actor,
            kind=ChangeRequest.Kind.REVERT,
            wishes=[_revert_wish(t, plan.batch_id) for t in targets] or [Wish("", None)],
            reason=reason,
            request_meta=request_meta,
            confirm_count=confirm_count,
            to_confirm=len(preview.will_revert),
            summary=_revert_summary(plan, targets),
        )


def change_request_propose_promote(
    *,
    actor: Actor,
    source: str,
    target: str,
    enable: list[str],
    disable: list[str],
    reason: Any,
    confirm_count: int | None,
    request_meta: RequestMeta | None,
) -> ChangeRequest:
    """Propose making ``target`` like ``source`` for these connectors, on ``target``."""
    details = promote_details(source)
    wishes = [Wish(uuid, False, True, None, details) for uuid in enable]
    wishes += [Wish(uuid, True, False, None, details) for uuid in disable]
    origin = domain_get(source)
    with domain_scope(domain_get(target).name):
        return change_request_propose(
            actor=actor,
            kind=ChangeRequest.Kind.PROMOTE,
            wishes=wishes or [Wish("", None)],
            reason=reason,
            request_meta=request_meta,
            confirm_count=confirm_count,
            summary=f"Promote {len(wishes):,} connector{'s' if len(wishes) != 1 else ''} "
            f"from {origin.label}",
        )
