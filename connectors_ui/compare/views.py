"""The comparison page, its CSV, and promoting differences (preview, then apply)."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import Role, records_refused_posts, role_of, role_required
from audit.refusals import ChangeForbidden, ChangeRefused
from audit.services import audit_record_export
from connectors_ui.catalogue.drift import drift_history
from connectors_ui.compare.forms import CompareForm, PromoteForm
from connectors_ui.compare.promote import (
    compare_promote,
    promote_plan,
    promote_posted,
    promote_previews,
)
from connectors_ui.compare.rows import COMPARE_HEADER, compare_rows
from connectors_ui.compare.selectors import KIND_LABELS, CompareQuery, Comparison, compare_domains
from connectors_ui.domains.links import domain_reverse, domain_url
from connectors_ui.domains.registry import UnknownDomain
from connectors_ui.exports.stream import ExportStream, csv_chunks, export_filename
from connectors_ui.web.request_meta import request_meta_from

QUERY_STRING_MAX = 2000


def _comparison(request: HttpRequest, query: CompareQuery) -> Comparison:
    """The comparison, for a user who may see both domains (roles are per domain)."""
    for name in (query.source, query.target):
        if role_of(request.user, name) < Role.VIEWER:
            raise PermissionDenied(f"You have no role on {name}.")
    try:
        return compare_domains(query)
    except UnknownDomain:
        raise Http404("No such Powens domain.") from None


@require_GET
@role_required(Role.VIEWER)
def compare(request: HttpRequest) -> HttpResponse:
    form = CompareForm(request.GET)
    comparison = _comparison(request, form.query())
    context = {
        "form": form,
        "comparison": comparison,
        "kinds": KIND_LABELS,
        "query": request.GET.urlencode(),
        "source_url": domain_url(request, comparison.source.name, "/connectors/"),
        "target_url": domain_url(request, comparison.target.name, "/connectors/"),
        # Promoting happens on the target: its pages (production marking included) are its own.
        "promote_url": domain_url(request, comparison.target.name, "/compare/promote/preview/"),
        "drift": drift_history(source=comparison.source.name, target=comparison.target.name),
    }
    return render(request, "connectors_ui/compare.html", context)


@require_GET
@role_required(Role.VIEWER)
def compare_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    query_string = request.GET.urlencode()
    if len(query_string) > QUERY_STRING_MAX:
        return HttpResponseBadRequest("These parameters are too long to record.")
    comparison = _comparison(request, CompareForm(request.GET).query())
    meta = request_meta_from(request)

    def record(row_count: int, complete: bool) -> None:
        audit_record_export(
            actor=request.user,
            report="compare",
            query_string=query_string,
            row_count=row_count,
            request_meta=meta,
            complete=complete,
        )

    excel = request.GET.get("excel", "").lower() in {"1", "true", "yes", "on"}
    chunks = csv_chunks(COMPARE_HEADER, compare_rows(comparison), excel=excel)
    response = StreamingHttpResponse(ExportStream(chunks, record), content_type="text/csv")
    name = export_filename(f"compare-{comparison.source.name}-vs-{comparison.target.name}")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _chosen(request: HttpRequest, form: PromoteForm) -> list[str]:
    """The ticked differences, or every promotable one matching the comparison's filters."""
    if form.values()["select_all"]:
        comparison = _comparison(
            request, CompareForm(QueryDict(form.values()["query"] or "")).query()
        )
        return [d.uuid for d in comparison.rows if d.promotable]
    return request.POST.getlist("uuids")


def _preview(
    request: HttpRequest, values: dict, uuids: list[str], *, error: str = ""
) -> HttpResponse:
    try:
        plan = promote_plan(
            source=values["source"] or "", target=values["target"] or "", uuids=uuids
        )
    except UnknownDomain:
        raise Http404("No such Powens domain.") from None
    context = {
        "plan": plan,
        "previews": promote_previews(plan),
        "query": values["query"] or "",
        "threshold": settings.BATCH_CONFIRM_THRESHOLD,
        "error": error,
        "reason": values["reason"] or "",
    }
    return render(request, "connectors_ui/promote_preview.html", context)


@require_POST
@role_required(Role.EDITOR)
def promote_preview(request: HttpRequest) -> HttpResponse:
    form = PromoteForm(request.POST)
    return _preview(request, form.values(), _chosen(request, form))


@records_refused_posts
@require_POST
def promote_apply(request: HttpRequest) -> HttpResponse:
    form = PromoteForm(request.POST)
    values = form.values()
    chosen = form.listed("enable") + form.listed("disable")
    try:
        batch_id = compare_promote(
            actor=request.user,
            **promote_posted(form),
            confirm_domain=values["confirm_domain"],
            request_meta=request_meta_from(request),
        )
    except UnknownDomain:
        raise Http404("No such Powens domain.") from None
    except ChangeForbidden as refused:
        raise PermissionDenied(refused.message) from None
    except ChangeRefused as refused:
        return _preview(request, values, chosen, error=refused.message)
    result = domain_reverse(request, values["target"], "batch_result", batch_id=batch_id)
    return redirect(f"{result}?{urlencode({'compare': values['query'] or ''})}")
