"""Revert views: the preview of reverting one audit entry or a batch (GET: it writes nothing),
and the confirmed revert (POST), which the batch machinery executes (``changes.revert``); the
result is the revert batch's own page. The audit pages link here by URL name only."""

from typing import Any
from uuid import UUID

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import Role, records_refused_posts, role_required
from connectors_ui.changes import ChangeRefused
from connectors_ui.changes.confirmed import confirmed, forbidden_as_403
from connectors_ui.changes.forms import RevertConfirmForm
from connectors_ui.changes.revert import (
    RevertPlan,
    revert_domain,
    revert_execute,
    revert_plan,
    revert_plan_posted,
    revert_preview,
)
from connectors_ui.domains.context import current_domain_name
from connectors_ui.domains.links import domain_url
from connectors_ui.web.htmx import HtmxHttpRequest


def _found(plan: RevertPlan) -> RevertPlan:
    if not plan.targets and not plan.not_revertible:
        raise Http404("Nothing of this kind in the audit log.")
    return plan


def _preview_page(request: HtmxHttpRequest, plan: RevertPlan, **extra: Any) -> HttpResponse:
    """The preview, on the domain the reverted entries are about (a link from another
    domain's pages is sent there, so its marking and typed confirmation are that domain's)."""
    domain = revert_domain(plan)
    if request.method == "GET" and domain != current_domain_name():
        return redirect(domain_url(request, domain, request.get_full_path_info()))
    context = {
        "preview": revert_preview(plan),
        "threshold": settings.BATCH_CONFIRM_THRESHOLD,
        **extra,
    }
    return render(request, "connectors_ui/revert_preview.html", context)


@require_GET
@role_required(Role.EDITOR)
def revert_entry(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _preview_page(request, _found(revert_plan(entry_ids=[pk])), entry_id=pk)


@require_GET
@role_required(Role.EDITOR)
def revert_batch(request: HtmxHttpRequest, batch_id: UUID) -> HttpResponse:
    return _preview_page(request, _found(revert_plan(batch_id=str(batch_id))))


@records_refused_posts
@require_POST
def revert_apply(request: HtmxHttpRequest) -> HttpResponse:
    form = RevertConfirmForm(request.POST)
    values = form.values()
    plan = revert_plan_posted(
        batch=values["batch"], entry=values["entry"], left_out=form.left_out(request.POST)
    )
    try:
        with forbidden_as_403():
            result = revert_execute(plan=plan, **confirmed(request, values))
    except ChangeRefused as refused:
        extra = {
            "error": refused.message,
            "reason": values["reason"] or "",
            "entry_id": values["entry"],
        }
        return _preview_page(request, plan, **extra)
    if result.batch_id is None:  # sources only: each one's entry says what became of it
        return redirect("audit:entry", pk=result.entry_ids[0])
    return redirect("batch_result", batch_id=result.batch_id)
