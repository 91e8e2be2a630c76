"""The four reports, and turning a page's query string into a ready-to-stream export.

The selection is made by the page's own form and selector (``ConnectorFilterForm`` +
``connector_search_pks``, ``AuditFilterForm`` + ``audit_entry_list``), so an export holds
exactly the rows of the view it comes from, all pages, in the same order. The web view and the
``export_report`` command both go through ``export_prepare`` and ``export_stream``, so the same
parameters give the same bytes.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import QueryDict

from audit.forms import AuditFilterForm
from audit.selectors import audit_entry_list
from audit.services import Actor, RequestMeta, audit_record_export
from connectors_ui.catalogue.forms import ConnectorFilterForm
from connectors_ui.catalogue.selectors import (
    catalogue_status,
    connector_find,
    connector_search_pks,
)
from connectors_ui.domains.context import current_domain_name
from connectors_ui.exports.audit_rows import AUDIT_HEADER, audit_rows
from connectors_ui.exports.catalogue_rows import (
    CONNECTOR_HEADER,
    FIELD_HEADER,
    SOURCE_HEADER,
    connector_csv_rows,
    field_rows,
    source_rows,
)
from connectors_ui.exports.cells import Cell
from connectors_ui.exports.stream import ExportStream, csv_chunks, export_filename


@dataclass(frozen=True)
class Report:
    name: str
    header: tuple[str, ...]
    rows: Callable[[Any], Iterator[list[Cell]]]
    # Which page's query string it takes: "catalogue" (connector list) or "audit" (audit log).
    page: str


def _with_domain(
    rows: Callable[[Any], Iterator[list[Cell]]],
) -> Callable[[Any], Iterator[list[Cell]]]:
    """The rows with the domain of the copy they come from as their last column."""

    def domain_rows(selection: Any) -> Iterator[list[Cell]]:
        domain = current_domain_name()
        return ([*row, domain] for row in rows(selection))

    return domain_rows


REPORTS = {
    "connectors": Report(
        "connectors", (*CONNECTOR_HEADER, "domain"), _with_domain(connector_csv_rows), "catalogue"
    ),
    "fields": Report("fields", (*FIELD_HEADER, "domain"), _with_domain(field_rows), "catalogue"),
    "sources": Report(
        "sources", (*SOURCE_HEADER, "domain"), _with_domain(source_rows), "catalogue"
    ),
    "audit": Report("audit", AUDIT_HEADER, audit_rows, "audit"),
}


TRUE_VALUES = {"1", "true", "yes", "on"}
# audit_record_export keeps this much of the query string: a longer one could not be re-run
# from its audit entry, so such an export is refused rather than recorded truncated.
QUERY_STRING_MAX = 2000


class ConnectorNotFound(LookupError):
    """``connector=`` names no connector of the local copy (or is no possible reference)."""


class ExportRefused(ValueError):
    """The parameters cannot make a reproducible export; the message says why."""


class ExportOptionsForm(forms.Form):
    """What the export adds to the page's query string.

    ``excel=1`` (or ``format=excel``): BOM and ``;``. ``connector=<uuid or id>`` (catalogue
    reports): that one connector whatever its state, list filters ignored — the detail page's
    exports.
    """

    # Not a BooleanField: its checkbox widget reads "0" as checked.
    excel = forms.CharField(required=False, max_length=5)
    format = forms.ChoiceField(required=False, choices=[("csv", "csv"), ("excel", "excel")])
    connector = forms.CharField(required=False, max_length=100)

    def is_excel(self) -> bool:
        self.is_valid()
        data = self.cleaned_data
        return data.get("excel", "").lower() in TRUE_VALUES or data.get("format") == "excel"


@dataclass
class PreparedExport:
    report: Report
    selection: Any
    excel: bool
    query_string: str
    filename: str
    messages: list[str] = field(default_factory=list)

    def chunks(self) -> Iterator[tuple[str, int]]:
        rows = self.report.rows(self.selection)
        return csv_chunks(self.report.header, rows, excel=self.excel)


def _connector_ref(options: ExportOptionsForm, params: QueryDict) -> str:
    """The ``connector=`` reference, "" when absent. One that cannot be valid (NUL byte, too
    long) is not found, like an unknown one, rather than dropped, which would export all."""
    if not params.get("connector", "").strip():
        return ""
    if "connector" in options.errors:
        raise ConnectorNotFound("No such connector in the catalogue copy (not a valid reference).")
    return options.cleaned_data["connector"].strip()


def _catalogue_selection(params: QueryDict, connector_ref: str) -> tuple[list[int], list[str]]:
    if connector_ref:
        connector = connector_find(connector_ref)
        if connector is None:
            raise ConnectorNotFound(f"No connector “{connector_ref}” in the catalogue copy.")
        return [connector.pk], []
    status = catalogue_status()
    form = ConnectorFilterForm(params, status=status)
    form.is_valid()
    return connector_search_pks(form.query(), status=status), form.messages()


def export_prepare(report_name: str, params: QueryDict) -> PreparedExport:
    """Validate ``params`` with the page's form and select the rows (not read yet).

    Like the pages, an invalid filter is ignored and reported in ``messages`` (and recorded
    with the export). A query string too long to record whole is refused (``ExportRefused``).
    """
    report = REPORTS[report_name]
    query_string = params.urlencode()
    if len(query_string) > QUERY_STRING_MAX:
        raise ExportRefused(
            f"This export's parameters are too long to record (at most {QUERY_STRING_MAX} "
            "characters), so it could not be re-run: narrow the search or filters."
        )
    options = ExportOptionsForm(params)
    excel = options.is_excel()
    if report.page == "audit":
        form = AuditFilterForm(params)
        selection: Any = audit_entry_list(form.filters())
        messages = form.messages()
    else:
        selection, messages = _catalogue_selection(params, _connector_ref(options, params))
    return PreparedExport(
        report=report,
        selection=selection,
        excel=excel,
        query_string=query_string,
        filename=export_filename(report.name),
        messages=messages,
    )


def export_stream(
    export: PreparedExport,
    *,
    actor: Actor,
    request_meta: RequestMeta | None = None,
    actor_username: str = "",
) -> ExportStream:
    """The CSV text, recorded in the audit log (report, query string, rows) when it ends."""

    def record(row_count: int, complete: bool) -> None:
        audit_record_export(
            actor=actor,
            report=export.report.name,
            query_string=export.query_string,
            row_count=row_count,
            request_meta=request_meta,
            complete=complete,
            actor_username=actor_username,
            ignored=export.messages,
        )

    return ExportStream(export.chunks(), record)
