"""Change views: toggle a connector (detail page or list row: one URL each, so the server knows
which fragment answers), toggle a source, run a batch; "Check again" a target whose state is
unknown, in the same places.

Thin: parse with a form, call one service, answer with the fragment (htmx) or redirect with a
message (no JavaScript). The services authorise and record; a ``ChangeForbidden`` becomes 403.
A row's answer carries ``HX-Trigger-After-Settle: auditChanged, connectorsChanged`` so history
panels and the list's counts refresh; the detail page's answer is the whole page.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import Role, records_refused_posts, role_required
from audit.models import Outcome
from audit.refusals import FORBIDDEN_MESSAGE, may_change
from audit.selectors import audit_batch_get
from connectors_ui.catalogue.forms import ConnectorFilterForm
from connectors_ui.catalogue.selectors import connector_find, connector_matches
from connectors_ui.catalogue.views import detail_context
from connectors_ui.changes import (
    ChangeForbidden,
    ChangeRefused,
    ChangeResult,
    audit_reconcile,
    batch_execute,
    batch_plan,
    change_check_again,
    change_record_not_found,
    connector_set_enabled,
    source_set_enabled,
)
from connectors_ui.changes.confirmed import confirmed, forbidden_as_403
from connectors_ui.changes.forms import (
    BatchConfirmForm,
    BatchSelectionForm,
    ConnectorToggleForm,
    SourceToggleForm,
)
from connectors_ui.changes.selectors import batch_unknown, batch_unknown_state
from connectors_ui.models import CatalogueConnector
from connectors_ui.web.htmx import HtmxHttpRequest
from connectors_ui.web.redirects import posted_next
from connectors_ui.web.request_meta import request_meta_from

LEVELS = {
    Outcome.SUCCEEDED: messages.SUCCESS,
    Outcome.FAILED: messages.ERROR,
    Outcome.UNKNOWN: messages.WARNING,
}
FRAGMENTS = {
    "detail": "connectors_ui/connector_detail.html",
    "row": "connectors_ui/connector_list.html#row-state",
}


def _attempt(
    request: HtmxHttpRequest, change: Any, connector: CatalogueConnector, **arguments: Any
) -> tuple[str, int]:
    """Run one change service on ``connector`` as the signed-in user and reload ``connector``
    so the answer shows its state now; returns the message and level to show. Forbidden is a
    403."""
    try:
        result: ChangeResult = change(
            actor=request.user,
            uuid=connector.uuid,
            request_meta=request_meta_from(request),
            **arguments,
        )
    except ChangeForbidden as refused:
        raise PermissionDenied(refused.message) from None
    except ChangeRefused as refused:
        message, level = refused.message, messages.ERROR
    else:
        detail = f" {result.detail}" if result.detail and not result.succeeded else ""
        message, level = result.message + detail, LEVELS[result.outcome]
    _reload(connector)
    return message, level


def _reload(connector: CatalogueConnector) -> None:
    """The connector as the local copy has it now, after a change or a check."""
    connector.refresh_from_db()  # this also drops the sources prefetch: take them again, once
    prefetch_related_objects([connector], "sources")


def _answer(
    request: HtmxHttpRequest,
    fragment: str,
    context: dict[str, Any],
    message: str,
    level: int,
    next_url: str,
) -> HttpResponse:
    """htmx: render ``fragment`` with the message inline; otherwise redirect with a message.

    On the detail page ``fragment`` is the whole page: the forms pick their panel with
    ``hx-select`` and refresh the others (badges, properties, sources, history) with
    ``hx-select-oob``, so nothing on the page is left showing the old state.
    """
    if not request.htmx:
        messages.add_message(request, level, message)
        return redirect(next_url)
    context = {**context, "message": message, "message_level": messages.DEFAULT_TAGS[level]}
    response = render(request, fragment, context)
    if fragment != FRAGMENTS["detail"]:
        # Elsewhere, panels showing audit history (hx-trigger="auditChanged from:body") and the
        # list's counts (hx-trigger="connectorsChanged from:body") reload.
        response["HX-Trigger-After-Settle"] = "auditChanged, connectorsChanged"
    return response


def _row_context(request: HtmxHttpRequest, connector: CatalogueConnector) -> dict[str, Any]:
    """A list row's context after a change, checked against the list it sits in.

    htmx sends the page's URL: a row disabled under ?state=enabled no longer matches, so it
    stays in place with its new state and a note rather than vanishing under the user's eyes.
    """
    page = urlsplit(request.htmx.current_url_abs_path or "") if request.htmx else None
    if page is None or page.path != reverse("connector_list"):
        return {"c": connector}
    form = ConnectorFilterForm(QueryDict(page.query))
    form.is_valid()
    return {
        "c": connector,
        "list_url": page.geturl(),
        "left_filter": not connector_matches(form.query(), connector.uuid),
    }


def _not_found(
    request: HtmxHttpRequest, ref: str, source_id: int | None = None
) -> Http404 | PermissionDenied:
    """A 404 for a change posted about an unknown connector or source, recorded as refused
    (a 403 for someone who may not change anything)."""
    values = ConnectorToggleForm(request.POST).values()  # enabled and reason, as for a source
    refused = change_record_not_found(
        actor=request.user,
        ref=ref,
        source_id=source_id,
        enabled=values["enabled"],
        reason=values["reason"],
        request_meta=request_meta_from(request),
    )
    if isinstance(refused, ChangeForbidden):
        return PermissionDenied(refused.message)
    return Http404(refused.message)


def _connector_toggle(request: HtmxHttpRequest, ref: str) -> tuple[CatalogueConnector, str, int]:
    """Enable or disable the connector ``ref`` as posted; the connector as it is now, and the
    message and level to show. Unknown is a 404, recorded."""
    connector = connector_find(ref)
    if connector is None:
        raise _not_found(request, ref)
    form = ConnectorToggleForm(request.POST)
    message, level = _attempt(request, connector_set_enabled, connector, **form.change_args())
    return connector, message, level


def _detail_answer(
    request: HtmxHttpRequest,
    connector: CatalogueConnector,
    message: str,
    level: int,
    source_id: int | None = None,
) -> HttpResponse:
    """The detail page after a change or a check of the connector (or of its source
    ``source_id``), with the message where it was asked; without JS, back to the page."""
    context = {**detail_context(connector), "changed": "connector"}
    back = posted_next(request, reverse("connector_detail", args=[connector.uuid]))
    if source_id is not None:
        context.update(changed="source", changed_source_id=source_id)
        back = reverse("connector_detail", args=[connector.uuid]) + "#sources"
    return _answer(request, FRAGMENTS["detail"], context, message, level, back)


def _row_answer(
    request: HtmxHttpRequest, connector: CatalogueConnector, message: str, level: int
) -> HttpResponse:
    """A list row's state cell after a change or a check; without JS, back to the list."""
    context = _row_context(request, connector)
    back = posted_next(request, reverse("connector_list"))
    return _answer(request, FRAGMENTS["row"], context, message, level, back)


type _ConnectorAction = Callable[[HtmxHttpRequest, str], tuple[CatalogueConnector, str, int]]
type _Answer = Callable[[HtmxHttpRequest, CatalogueConnector, str, int], HttpResponse]


def _connector_post(action: _ConnectorAction, answer: _Answer, doc: str) -> Callable[..., Any]:
    """A POST view that runs ``action`` on the connector ``ref`` and answers with ``answer``.

    Each action has two URLs, one per fragment that answers it (the detail page, a list row), so
    the server, not a hidden field or a header, decides which fragment the browser gets."""

    @records_refused_posts
    @require_POST
    def view(request: HtmxHttpRequest, ref: str) -> HttpResponse:
        return answer(request, *action(request, ref))

    view.__doc__ = doc
    return view


@records_refused_posts
@require_POST
def source_state(request: HtmxHttpRequest, ref: str, source_id: int) -> HttpResponse:
    connector = connector_find(ref)
    if connector is None or not connector.sources.filter(source_id=source_id).exists():
        raise _not_found(request, connector.uuid if connector else ref, source_id)
    form = SourceToggleForm(request.POST)
    message, level = _attempt(
        request, source_set_enabled, connector, source_id=source_id, **form.change_args()
    )
    return _detail_answer(request, connector, message, level, source_id)


def _preview_page(
    request: HtmxHttpRequest, uuids: list[str], enabled: bool, **extra: Any
) -> HttpResponse:
    """The preview of ``uuids``, or, for a selection the service refuses to preview (too
    large), the page with its message and no preview."""
    try:
        preview = batch_plan(uuids=uuids, enabled=enabled)
    except ChangeRefused as refused:
        preview, extra = None, {**extra, "error": refused.message}
    context = {"preview": preview, "threshold": settings.BATCH_CONFIRM_THRESHOLD, **extra}
    return render(request, "connectors_ui/batch_preview.html", context)


def _choose_direction(
    request: HtmxHttpRequest, error: str, uuids: list[str], form: BatchSelectionForm | None = None
) -> HttpResponse:
    """No enable/disable choice: the message and a form to choose, carrying the selection on;
    no preview, since there is nothing to preview. A whole page."""
    context = {"error": error, "uuids": uuids, "form": form, "choose_direction": True}
    return render(request, "connectors_ui/batch_preview.html", context)


@require_POST
@role_required(Role.EDITOR)
def batch_preview(request: HtmxHttpRequest) -> HttpResponse:
    form = BatchSelectionForm(request.POST)
    uuids = form.selection_uuids(request.POST)
    if error := form.direction_error():
        return _choose_direction(request, error, uuids, form)
    return _preview_page(request, uuids, form.values()["enabled"], form=form)


@records_refused_posts
@require_POST
def batch_apply(request: HtmxHttpRequest) -> HttpResponse:
    form = BatchConfirmForm(request.POST)
    values = form.values()
    uuids = form.uuids()
    try:
        with forbidden_as_403():
            result = batch_execute(
                uuids=uuids, enabled=values["enabled"], **confirmed(request, values)
            )
    except ChangeRefused as refused:
        if values["enabled"] is None:  # never re-offer a "disable" nobody chose
            return _choose_direction(request, refused.message, uuids)
        return _preview_page(
            request, uuids, values["enabled"], error=refused.message, reason=values["reason"] or ""
        )
    return redirect("batch_result", batch_id=result.batch_id)


@require_GET
def batch_result(request: HtmxHttpRequest, batch_id: UUID) -> HttpResponse:
    summary = audit_batch_get(batch_id)
    if summary is None:
        raise Http404("Unknown batch.")
    unknown = batch_unknown(summary)
    state = batch_unknown_state(unknown)
    may_check = state is not None and state.may_check(request.user)
    context = {"batch": summary, "unknown": unknown, "may_check": may_check}
    return render(request, "connectors_ui/batch_result.html", context)


def _check(request: HtmxHttpRequest, keys: list[tuple[str, int | None]]) -> tuple[str, int]:
    """Run "Check again" on ``keys`` as the signed-in user; the message and level to show.
    Forbidden is a 403."""
    try:
        report = change_check_again(
            actor=request.user, keys=keys, request_meta=request_meta_from(request)
        )
    except ChangeForbidden as refused:
        raise PermissionDenied(refused.message) from None
    except ChangeRefused as refused:
        return refused.message, messages.ERROR
    unsettled = report.still_unknown or report.busy
    return report.message, messages.WARNING if unsettled else messages.SUCCESS


def _connector_check(
    request: HtmxHttpRequest, ref: str, source_id: int | None = None
) -> tuple[CatalogueConnector, str, int]:
    """Check again the connector ``ref`` (or its source); the connector as it is now, and the
    message and level. Unknown is a 404 (a 403 for someone who may not change anything)."""
    connector = connector_find(ref)
    if connector is None or (
        source_id is not None and not connector.sources.filter(source_id=source_id).exists()
    ):
        if not may_change(request.user):
            raise PermissionDenied(FORBIDDEN_MESSAGE)
        raise Http404("Unknown connector or source.")
    message, level = _check(request, [(connector.uuid, source_id)])
    _reload(connector)
    return connector, message, level


connector_state = _connector_post(
    _connector_toggle,
    _detail_answer,
    "The detail page's toggle: answers with the whole page, or (no JS) goes back to it.",
)
connector_row_state = _connector_post(
    _connector_toggle,
    _row_answer,
    "A list row's toggle: answers with the row's state cell, or (no JS) goes back to the list.",
)
connector_check = _connector_post(
    _connector_check,
    _detail_answer,
    '"Check again" on the detail page: answers with the whole page, or goes back to it.',
)
connector_row_check = _connector_post(
    _connector_check,
    _row_answer,
    '"Check again" in a list row: answers with the row\'s state cell, or goes back to the list.',
)


@records_refused_posts
@require_POST
def source_check(request: HtmxHttpRequest, ref: str, source_id: int) -> HttpResponse:
    return _detail_answer(request, *_connector_check(request, ref, source_id), source_id)


@records_refused_posts
@require_POST
def batch_check(request: HtmxHttpRequest, batch_id: UUID) -> HttpResponse:
    """ "Check again" for a batch's connectors whose state is unknown; back to its result."""
    summary = audit_batch_get(batch_id)
    if summary is None:
        raise Http404("Unknown batch.")
    keys = [(entry.connector_uuid, entry.source_id) for entry in batch_unknown(summary)]
    message, level = _check(request, keys)
    messages.add_message(request, level, message)
    return redirect("batch_result", batch_id=batch_id)


@records_refused_posts
@require_POST
def reconcile(request: HtmxHttpRequest) -> HttpResponse:
    try:
        report = audit_reconcile(actor=request.user, request_meta=request_meta_from(request))
    except ChangeForbidden as refused:
        raise PermissionDenied(refused.message) from None
    messages.success(
        request,
        f"Reconciled {report.examined} entr{'y' if report.examined == 1 else 'ies'}: "
        f"{report.succeeded} succeeded, {report.failed} failed, "
        f"{report.unresolved} still unresolved.",
    )
    return redirect("audit:log")
