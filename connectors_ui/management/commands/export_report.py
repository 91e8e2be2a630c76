"""``manage.py export_report connectors --output FILE [filters]``: a CSV report for scheduled jobs.

The options are the page's query-string parameters (``--country fr --sort -name``), read by
the same forms as the pages, so the file holds the same bytes as the download with the same
filters. Unlike the page, an invalid filter is an error here: a scheduled job should fail
loudly rather than export a different selection. Recorded in the audit log as actor "cli".
"""

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import QueryDict

from audit.forms import AuditFilterForm
from connectors_ui.catalogue.forms import ConnectorFilterForm
from connectors_ui.domains.context import domain_scope
from connectors_ui.domains.registry import UnknownDomain, default_domain
from connectors_ui.exports.reports import (
    REPORTS,
    ConnectorNotFound,
    ExportRefused,
    export_prepare,
    export_stream,
)
from connectors_ui.exports.stream import ExportStream

CLI_ACTOR = "cli"
# Query-string parameters each page's reports take (the list's ``page`` means nothing here).
PARAMETERS = {
    "catalogue": [n for n in ConnectorFilterForm.base_fields if n != "page"] + ["connector"],
    "audit": list(AuditFilterForm.base_fields),
}
PAGE_NAMES = {"catalogue": "connector list", "audit": "audit log"}
_HELP = {
    "sort": "as ?sort= on the page; write a descending sort as --sort=-name",
    "connector": "catalogue reports: only this connector (UUID or id), whatever its state; "
    "audit: entries about this connector (UUID or name)",
    "domain": "catalogue reports: the domain whose local copy is exported (default: the "
    "default domain); audit: as ?domain= on the audit log",
}


class Command(BaseCommand):
    help = "Write a CSV report (connectors, fields, sources, audit) with the pages' filters."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", choices=list(REPORTS))
        parser.add_argument("--output", "-o", required=True, help="File to write.")
        parser.add_argument("--excel", action="store_true", help="BOM and ';' for Excel.")
        for name in dict.fromkeys(PARAMETERS["catalogue"] + PARAMETERS["audit"]):
            pages = [PAGE_NAMES[page] for page, names in PARAMETERS.items() if name in names]
            parser.add_argument(
                "--" + name.replace("_", "-"),
                dest=name,
                metavar="VALUE",
                help=_HELP.get(name, f"as ?{name}= on the {' and the '.join(pages)}"),
            )

    def handle(self, *args: Any, **options: Any) -> None:
        report = REPORTS[options["report"]]
        target = Path(options["output"])
        if not target.parent.is_dir():
            raise CommandError(f"No such directory: {target.parent}")
        # A catalogue report reads one domain's local copy; the audit log filters on a domain.
        domain = options.pop("domain") if report.page == "catalogue" else None
        try:
            with domain_scope(domain or default_domain().name):
                self._export(report, self._params(report, options), target)
        except UnknownDomain:
            raise CommandError(f"No Powens domain is called {domain!r}.") from None

    def _params(self, report: Any, options: dict[str, Any]) -> QueryDict:
        """The page's query string from the options; one that the report does not take is an
        error, as is any invalid value (below)."""
        params = QueryDict(mutable=True)
        for name in PARAMETERS["catalogue"] + PARAMETERS["audit"]:
            value = options.get(name)
            if value is None or name in params:
                continue
            if name not in PARAMETERS[report.page]:
                raise CommandError(f"--{name.replace('_', '-')} does not apply to {report.name}.")
            params[name] = value
        if options["excel"]:
            params["excel"] = "1"
        return params

    def _export(self, report: Any, params: QueryDict, target: Path) -> None:
        try:
            export = export_prepare(report.name, params)
        except (ConnectorNotFound, ExportRefused) as error:
            raise CommandError(str(error)) from error
        if export.messages:
            raise CommandError(" ".join(export.messages))
        rows = self._write(export_stream(export, actor=None, actor_username=CLI_ACTOR), target)
        self.stdout.write(f"Wrote {rows} rows to {target} (?{export.query_string})")

    def _write(self, stream: ExportStream, target: Path) -> int:
        """Write to a temporary file beside the target, renamed at the end: a job that fails
        half way never leaves a truncated report under the expected name."""
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".partial")
        try:
            with os.fdopen(handle, "wb") as file:
                for text in stream:
                    file.write(text.encode("utf-8"))
            os.replace(temporary, target)
        except BaseException:
            stream.close()
            Path(temporary).unlink(missing_ok=True)
            raise
        return stream.row_count
