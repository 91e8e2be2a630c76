"""Catalogue pages: the connector list (page, htmx table, counts), detail, and Refresh."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import records_refused_posts
from audit.refusals import ChangeForbidden
from connectors_ui.catalogue.detail import detail_build
from connectors_ui.catalogue.forms import ConnectorFilterForm
from connectors_ui.catalogue.refresh_request import catalogue_refresh_requested
from connectors_ui.catalogue.selectors import (
    CatalogueStatus,
    catalogue_status,
    connector_changes,
    connector_find,
    connector_search,
)
from connectors_ui.catalogue.tasks import catalogue_refresh_if_stale
from connectors_ui.models import CatalogueConnector
from connectors_ui.web.htmx import HtmxHttpRequest
from connectors_ui.web.redirects import local_path, posted_next
from connectors_ui.web.request_meta import request_meta_from

LIST_TEMPLATE = "connectors_ui/connector_list.html"


@require_GET
def connector_list(request: HtmxHttpRequest) -> HttpResponse:
    """The page, or for htmx (filters, sort, pages) its table with the facets out of band."""
    context = _list_context(request)
    exact = context["result"].exact
    # A full-page GET with an exact UUID or id (Enter in the search box, a pasted link) jumps
    # straight to the connector, even when the digits also match codes or names elsewhere, as
    # the search help promises; while typing (htmx) it is offered as "Open" instead.
    if exact is not None and not request.htmx:
        return redirect("connector_detail", ref=exact.uuid)
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    template = LIST_TEMPLATE + ("#results-table" if partial else "")
    return render(request, template, {**context, "oob_facets": partial})


@require_GET
def connector_list_counts(request: HtmxHttpRequest) -> HttpResponse:
    """Only the list's counts (the count line, the facets and the batch total out of band), for
    the count line that refreshes itself after a change in a row: the rows, with their in-place
    change messages, stay as they are. Its own URL, so no request header picks the fragment."""
    return render(request, LIST_TEMPLATE + "#list-counts", _list_context(request))


def _list_context(request: HtmxHttpRequest) -> dict:
    """The list's filter form, query and page of results for the query string in ``request``."""
    status = catalogue_refresh_if_stale(catalogue_status())
    form = ConnectorFilterForm(request.GET, status=status)
    form.is_valid()
    query = form.query()
    result = connector_search(query, page=form.page_number(), status=status)
    return {
        "form": form,
        "query": query,
        "result": result,
        "facet_fields": form.facet_fields(result.facets),
        "columns": form.sort_columns(),
        "catalogue_status": status,
    }


@require_GET
def connector_detail(request: HtmxHttpRequest, ref: str) -> HttpResponse:
    status = catalogue_refresh_if_stale(catalogue_status())
    connector = connector_find(ref)
    if connector is None:
        context = {"ref": ref, "catalogue_status": status}
        return render(request, "connectors_ui/connector_not_found.html", context, status=404)
    if ref != connector.uuid:
        return redirect("connector_detail", ref=connector.uuid)
    return render(request, "connectors_ui/connector_detail.html", detail_context(connector, status))


def detail_context(connector: CatalogueConnector, status: CatalogueStatus | None = None) -> dict:
    """The detail page's context; change views re-render the page with it after a write."""
    return {
        "detail": detail_build(connector),
        "changes": connector_changes(connector),
        "catalogue_status": status or catalogue_refresh_if_stale(),
    }


@require_GET
def freshness(request: HtmxHttpRequest) -> HttpResponse:
    """The freshness line and banner alone: while a refresh runs the banner polls this URL
    (``since``: the page's copy, ``next``: the page) until it can say how the refresh ended;
    until then htmx gets 204 (nothing to swap: the banner already says it is refreshing)."""
    status = catalogue_refresh_if_stale(catalogue_status())
    if request.htmx and status.refreshing:
        return HttpResponse(status=204)
    since = request.GET.get("since", "")
    since = since if since.isascii() and since.isdigit() else ""
    context = {
        "status": status,
        "since": since,
        "news": status.news_since(since),
        "next": local_path(request, request.GET.get("next", ""), reverse("connector_list")),
    }
    return render(request, "connectors_ui/_freshness.html", context)


@records_refused_posts
@require_POST
def refresh(request: HtmxHttpRequest) -> HttpResponse:
    try:
        requested = catalogue_refresh_requested(
            actor=request.user, request_meta=request_meta_from(request)
        )
    except ChangeForbidden as refused:
        raise PermissionDenied(refused.message) from None
    level, text = requested.message
    messages.add_message(request, level, text)
    return redirect(posted_next(request, reverse("connector_list")))
