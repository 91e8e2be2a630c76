"""CSV downloads of the connector list, its fields and sources, and the audit log.

Each URL takes its page's query string (plus ``excel=1`` and, for the catalogue reports,
``connector=<uuid>``), streams the file, and records the export in the audit log when the
stream ends. Viewers, editors and admins may export.
"""

from functools import partial

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.views.decorators.http import require_GET

from accounts.roles import Role, role_required
from connectors_ui.exports.reports import (
    ConnectorNotFound,
    ExportRefused,
    export_prepare,
    export_stream,
)
from connectors_ui.web.request_meta import request_meta_from


@require_GET
@role_required(Role.VIEWER)
def export_csv(request: HttpRequest, report: str) -> HttpResponse | StreamingHttpResponse:
    """One view for every report, so they cannot drift apart in method or role checks."""
    try:
        export = export_prepare(report, request.GET)
    except ConnectorNotFound as error:
        raise Http404(str(error)) from error
    except ExportRefused as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    stream = export_stream(export, actor=request.user, request_meta=request_meta_from(request))
    response = StreamingHttpResponse(stream, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    # Exports hold internal data: never kept by a shared cache or the browser's disk cache.
    response["Cache-Control"] = "private, no-store"
    return response


connectors_csv = partial(export_csv, report="connectors")
fields_csv = partial(export_csv, report="fields")
sources_csv = partial(export_csv, report="sources")
audit_csv = partial(export_csv, report="audit")
