"""Audit pages: the filtered log, one entry with its before/after diff, one batch, a
connector's history fragment. Every role may read; the admins' reconcile button posts to
the changes capability, which owns reconciliation."""

import json
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from accounts.roles import Role, role_of
from audit.forms import AuditFilterForm
from audit.models import AuditEntry
from audit.selectors import (
    audit_batch_get,
    audit_batch_reverts,
    audit_entry_diff,
    audit_entry_get,
    audit_log_page,
    audit_revertible,
    audit_reverts_of,
    audit_unresolved,
    connector_history_panel,
)
from audit.services import IN_FLIGHT_SECONDS


class HtmxHttpRequest(HttpRequest):
    """A request that went through ``HtmxMiddleware`` (django-htmx's documented type)."""

    htmx: HtmxDetails


@require_GET
def audit_log(request: HtmxHttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    filters = form.filters()
    log = audit_log_page(filters, request.GET.get("page"))
    context = {
        "form": form,
        "log": log,
        "page": log.page,
        "next_sort": None if filters.get("sort") == "oldest" else "oldest",
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "audit/log.html#audit-results", {**context, "oob_facets": True})
    if role_of(request.user) >= Role.ADMIN:
        context["unresolved_count"] = audit_unresolved(min_age_seconds=IN_FLIGHT_SECONDS).count()
        context["in_flight_seconds"] = IN_FLIGHT_SECONDS
    return render(request, "audit/log.html", context)


@require_GET
def audit_entry(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        entry = audit_entry_get(pk)
    except AuditEntry.DoesNotExist:
        raise Http404("Unknown audit entry.") from None
    context = {
        "entry": entry,
        "diff": audit_entry_diff(entry),
        "details_json": json.dumps(entry.details, sort_keys=True) if entry.details else "",
        "reverted_by": audit_reverts_of(entry),
        "revertible": audit_revertible(entry),
    }
    return render(request, "audit/entry.html", context)


@require_GET
def audit_batch(request: HttpRequest, batch_id: UUID) -> HttpResponse:
    summary = audit_batch_get(batch_id)
    if summary is None:
        raise Http404("Unknown batch.")
    context = {"batch": summary, "reverted_by": audit_batch_reverts(batch_id)}
    return render(request, "audit/batch.html", context)


@require_GET
def connector_history(request: HttpRequest, connector_uuid: UUID) -> HttpResponse:
    context = connector_history_panel(str(connector_uuid))
    return render(request, "audit/_connector_history.html", context)
