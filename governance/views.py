"""Governance pages: change requests (list by tab, one request, its decisions), proposals from
the dashboard's change forms, scheduled changes (list by status, schedule, cancel).

Thin: parse with a form, call one service, redirect with a message (htmx: a client redirect,
since a proposal leaves the page it came from for the request it made). The services authorise
and record; a ``ChangeForbidden`` becomes 403.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.roles import records_refused_posts
from audit.refusals import ChangeForbidden, ChangeRefused, may_change
from connectors_ui.catalogue.selectors import connector_find
from connectors_ui.changes.forms import (
    BatchConfirmForm,
    ConnectorToggleForm,
    RevertConfirmForm,
    SourceToggleForm,
)
from connectors_ui.changes.revert import revert_plan_posted
from connectors_ui.compare.forms import PromoteForm
from connectors_ui.compare.promote import promote_posted
from connectors_ui.domains.context import current_domain_name
from connectors_ui.domains.links import domain_url
from connectors_ui.domains.registry import UnknownDomain
from connectors_ui.web.htmx import HtmxHttpRequest
from connectors_ui.web.request_meta import request_meta_from
from governance import requests as lifecycle
from governance.derived import change_request_propose_promote, change_request_propose_revert
from governance.detail import request_page_context
from governance.forms import ReasonForm, ScheduleForm, request_tabs_form, step_tabs_form
from governance.models import ChangeRequest
from governance.proposals import Wish, change_request_propose
from governance.schedules import scheduled_change_cancel
from governance.selectors import (
    REQUEST_TABS,
    STEP_TABS,
    change_request_get,
    change_requests_for,
    scheduled_steps_for,
)
from governance.timezones import SESSION_KEY

Kind = ChangeRequest.Kind


def _go(request: HtmxHttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _run(request: HtmxHttpRequest, service: Callable[..., Any], **arguments: Any) -> Any:
    """Call ``service`` as the signed-in user; a refusal becomes an error message (None),
    a forbidden one a 403."""
    try:
        return service(actor=request.user, request_meta=request_meta_from(request), **arguments)
    except ChangeForbidden as refused:
        raise PermissionDenied(refused.message) from None
    except ChangeRefused as refused:
        messages.error(request, refused.message)
        return None


def _proposed(request: HtmxHttpRequest, made: ChangeRequest | None, back: str) -> HttpResponse:
    if made is None:
        return _go(request, back)
    if made.approval_required:
        messages.success(
            request,
            f"Change request #{made.pk} proposed: it applies once another editor or an admin "
            "approves it.",
        )
    else:
        messages.success(request, f"Scheduled: {made.summary}.")
    return _go(request, reverse("governance:request", args=[made.pk]))


def _found[T](found: T | None, what: str) -> T:
    """``found``, or a 404 naming what is unknown."""
    if found is None:
        raise Http404(f"Unknown {what}.")
    return found


def _connector_or_404(ref: str) -> Any:
    return _found(connector_find(ref), "connector")


@records_refused_posts
@require_POST
def propose_connector(request: HtmxHttpRequest, ref: str) -> HttpResponse:
    """The connector toggle's form, in a domain that needs approval: a request instead."""
    connector = _connector_or_404(ref)
    args = ConnectorToggleForm(request.POST).change_args()
    enabled = args["enabled"]
    wish = Wish(connector.uuid, None if enabled is None else not enabled, args["seen_hidden"])
    made = _run(
        request, change_request_propose, kind=Kind.CONNECTOR, wishes=[wish], reason=args["reason"]
    )
    return _proposed(request, made, reverse("connector_detail", args=[connector.uuid]))


@records_refused_posts
@require_POST
def propose_source(request: HtmxHttpRequest, ref: str, source_id: int) -> HttpResponse:
    connector = _connector_or_404(ref)
    args = SourceToggleForm(request.POST).change_args()
    enabled = args["enabled"]
    off = None if enabled is None else not enabled
    wish = Wish(connector.uuid, off, args["seen_disabled"], source_id)
    made = _run(
        request, change_request_propose, kind=Kind.SOURCE, wishes=[wish], reason=args["reason"]
    )
    return _proposed(request, made, reverse("connector_detail", args=[connector.uuid]) + "#sources")


@records_refused_posts
@require_POST
def propose_batch(request: HtmxHttpRequest) -> HttpResponse:
    """The batch preview's confirmation, in a domain that needs approval."""
    form = BatchConfirmForm(request.POST)
    values = form.values()
    off = None if values["enabled"] is None else not values["enabled"]
    made = _run(
        request,
        change_request_propose,
        kind=Kind.BATCH,
        wishes=[Wish(uuid, off) for uuid in form.uuids()] or [Wish("", off)],
        reason=values["reason"],
        confirm_count=values["confirm_count"],
    )
    return _proposed(request, made, reverse("connector_list"))


@records_refused_posts
@require_POST
def propose_revert(request: HtmxHttpRequest) -> HttpResponse:
    """The revert preview's confirmation, in a domain that needs approval."""
    form = RevertConfirmForm(request.POST)
    values = form.values()
    batch, entry = values["batch"], values["entry"]
    plan = revert_plan_posted(batch=batch, entry=entry, left_out=form.left_out(request.POST))
    made = _run(
        request,
        change_request_propose_revert,
        plan=plan,
        reason=values["reason"],
        confirm_count=values["confirm_count"],
    )
    back = reverse("revert_batch", args=[batch]) if batch else reverse("audit:log")
    if entry and not batch:
        back = reverse("revert_entry", args=[entry])
    return _proposed(request, made, back)


@records_refused_posts
@require_POST
def propose_promote(request: HtmxHttpRequest) -> HttpResponse:
    """The promote preview's confirmation, when the target domain needs approval."""
    form = PromoteForm(request.POST)
    try:
        made = _run(request, change_request_propose_promote, **promote_posted(form))
    except UnknownDomain:
        raise Http404("No such Powens domain.") from None
    return _proposed(request, made, f"{reverse('compare')}?{form.values()['query'] or ''}")


@records_refused_posts
@require_POST
def schedule_connector(request: HtmxHttpRequest, ref: str) -> HttpResponse:
    """The detail page's "Schedule a change" form: at a time, or during a window."""
    connector = _connector_or_404(ref)
    back = reverse("connector_detail", args=[connector.uuid]) + "#schedule"
    form = ScheduleForm(request.POST)
    schedule = form.schedule()
    if schedule is None and may_change(request.user):  # else refused (recorded) below
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, f"Nothing was scheduled: {errors}")
        return _go(request, back)
    if schedule is not None:
        request.session[SESSION_KEY] = schedule.time_zone  # the zone this user reads times in
    data = form.cleaned_data if schedule is not None else {"enabled": None, "reason": ""}
    source_id = form.source_id if schedule is not None else None
    off = None if data["enabled"] is None else not data["enabled"]
    wish = Wish(connector.uuid, off, None, source_id)
    kind = Kind.CONNECTOR if source_id is None else Kind.SOURCE
    made = _run(
        request,
        change_request_propose,
        kind=kind,
        wishes=[wish],
        reason=data["reason"],
        schedule=schedule,
    )
    return _proposed(request, made, back)


def _tabbed(
    request: HtmxHttpRequest, template: str, tabs: dict[str, str], tab: str, rows: Any
) -> HttpResponse:
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    zone = request.session.get(SESSION_KEY) or settings.TIME_ZONE
    context = {"tabs": tabs, "tab": tab, "page": page, "zone": zone}
    return render(request, template, context)


@require_GET
def requests_list(request: HtmxHttpRequest) -> HttpResponse:
    tab = request_tabs_form(request.GET).chosen()
    rows = change_requests_for(actor=request.user, tab=tab)
    return _tabbed(request, "governance/requests.html", REQUEST_TABS, tab, rows)


@require_GET
def scheduled_list(request: HtmxHttpRequest) -> HttpResponse:
    tab = step_tabs_form(request.GET).chosen()
    return _tabbed(
        request, "governance/scheduled.html", STEP_TABS, tab, scheduled_steps_for(tab=tab)
    )


def _get(request_id: int) -> ChangeRequest:
    return _found(change_request_get(request_id), "change request")


@require_GET
def request_detail(request: HtmxHttpRequest, request_id: int) -> HttpResponse:
    found = _get(request_id)
    if found.domain and found.domain != current_domain_name():
        # The lists span every domain: its page is on its own, marked and switched as that one.
        return redirect(domain_url(request, found.domain, request.get_full_path_info()))
    zone = request.session.get(SESSION_KEY) or settings.TIME_ZONE
    context = request_page_context(found, request.user, zone)
    return render(request, "governance/request.html", context)


def _decide(
    request: HtmxHttpRequest,
    request_id: int,
    service: Callable[..., Any],
    done: str,
    **arguments: Any,
) -> HttpResponse:
    """One decision on request ``request_id`` with the posted reason; back to the request."""
    found = _get(request_id)
    posted = ReasonForm(request.POST).values()
    arguments |= {
        "seen_revision": posted["revision"],
        **_reason_argument(service, posted["reason"]),
    }
    if _run(request, service, change=found, **arguments):
        messages.success(request, done.format(request_id=request_id))
    return redirect("governance:request", request_id=request_id)


def _reason_argument(service: Callable[..., Any], reason: Any) -> dict[str, Any]:
    """Each service names the posted text for what it is."""
    names: dict[Callable[..., Any], str] = {
        lifecycle.change_request_approve: "comment",
        lifecycle.change_request_apply: "bypass_reason",
    }
    return {names.get(service, "reason"): reason}


@records_refused_posts
@require_POST
def request_apply(request: HtmxHttpRequest, request_id: int) -> HttpResponse:
    found = _get(request_id)
    seen = ReasonForm(request.POST).values()["revision"]
    if _run(request, lifecycle.change_request_apply, change=found, seen_revision=seen):
        messages.success(
            request, f"Request #{request_id} applied: see each target's outcome below."
        )
    return redirect("governance:request", request_id=request_id)


def _decision(service: Callable[..., Any], done: str) -> Callable[..., HttpResponse]:
    """A POST view making one decision on a request with ``service`` (``_decide``)."""

    @records_refused_posts
    @require_POST
    def view(request: HtmxHttpRequest, request_id: int) -> HttpResponse:
        return _decide(request, request_id, service, done)

    view.__doc__ = f"{done.format(request_id='N')} Back to the request, with the message."
    return view


request_approve = _decision(lifecycle.change_request_approve, "Request #{request_id} approved.")
request_reject = _decision(lifecycle.change_request_reject, "Request #{request_id} rejected.")
request_edit = _decision(
    lifecycle.change_request_edit, "Request #{request_id} edited: it needs approving again."
)
request_withdraw = _decision(lifecycle.change_request_withdraw, "Request #{request_id} withdrawn.")
request_bypass = _decision(
    lifecycle.change_request_apply,
    "Request #{request_id} applied without approval (recorded as approval bypassed).",
)
schedule_cancel = _decision(scheduled_change_cancel, "Scheduled change #{request_id} cancelled.")
