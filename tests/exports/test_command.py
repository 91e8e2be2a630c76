"""``manage.py export_report``: the same bytes as the download, recorded as a cli export."""

import dataclasses

import pytest
from django.core.management import CommandError, call_command

from audit.models import Action, AuditEntry
from audit.services import audit_record_refused
from connectors_ui.exports.catalogue_rows import connector_csv_rows
from connectors_ui.exports.reports import REPORTS
from tests.exports.conftest import body_of
from tests.fixtures.domains import PRODUCTION

CASES = [
    (
        "connectors",
        ["--country", "fr", "--sort=-name"],
        "/connectors/export.csv?country=fr&sort=-name",
    ),
    ("connectors", ["--q", "banque", "--excel"], "/connectors/export.csv?q=banque&excel=1"),
    ("fields", ["--product", "pay"], "/connectors/fields.csv?product=pay"),
    ("sources", ["--source-disabled", "yes"], "/connectors/sources.csv?source_disabled=yes"),
    (
        "sources",
        ["--connector", "f711dd7a-6289-5bda-b3a4-f2febda8c046"],
        "/connectors/sources.csv?connector=f711dd7a-6289-5bda-b3a4-f2febda8c046",
    ),
    # Export entries are excluded: the download itself adds one after the command's.
    ("audit", ["--action", "connector_enable"], "/audit/export.csv?action=connector_enable"),
]


@pytest.mark.parametrize(("report", "options", "url"), CASES)
def test_command_writes_the_same_bytes_as_the_url(
    catalogue, viewer_client, tmp_path, report, options, url
):
    audit_record_refused(
        actor=None, action=Action.CONNECTOR_ENABLE, code="stale", message="m", request_meta=None
    )
    output = tmp_path / "report.csv"
    call_command("export_report", report, "--output", str(output), *options)
    assert output.read_bytes() == body_of(viewer_client.get(url))
    assert output.read_bytes().count(b"\r\n") > 1


def test_command_export_is_recorded_as_cli(catalogue, tmp_path):
    output = tmp_path / "fr.csv"
    call_command("export_report", "connectors", "-o", str(output), "--country", "fr", "--excel")
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert entry.actor is None and entry.actor_username == "cli"
    assert entry.details == {
        "report": "connectors",
        "query_string": "country=fr&excel=1",
        "row_count": output.read_bytes().count(b"\r\n") - 1,
    }
    assert list(tmp_path.iterdir()) == [output]  # no temporary file left behind


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["connectors", "--country", "atlantis"], "country"),
        (["connectors", "--outcome", "failed"], "--outcome does not apply to connectors"),
        (["audit", "--pay", "yes"], "--pay does not apply to audit"),
        (["fields", "--connector", "no-such-connector"], "No connector"),
    ],
)
def test_command_refuses_what_the_page_would_ignore(catalogue, tmp_path, options, message):
    output = tmp_path / "x.csv"
    with pytest.raises(CommandError, match=message):
        call_command("export_report", *options, "--output", str(output))
    assert not output.exists()
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


def test_command_refuses_a_missing_directory(catalogue, tmp_path):
    output = tmp_path / "missing" / "x.csv"
    with pytest.raises(CommandError, match="No such directory"):
        call_command("export_report", "fields", "--output", str(output))
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


def test_command_failing_half_way_leaves_no_file_and_records_it(catalogue, tmp_path, monkeypatch):
    def broken_rows(pks):
        yield from connector_csv_rows(pks[:150])
        raise RuntimeError("database went away")

    report = REPORTS["connectors"]
    monkeypatch.setitem(REPORTS, "connectors", dataclasses.replace(report, rows=broken_rows))
    output = tmp_path / "x.csv"
    with pytest.raises(RuntimeError):
        call_command("export_report", "connectors", "--output", str(output))
    assert list(tmp_path.iterdir()) == []
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert entry.details["complete"] is False and entry.details["row_count"] == 100


def test_a_catalogue_report_of_another_domain_is_that_domains_copy(
    two_domains, viewer_client, tmp_path
):
    output = tmp_path / "production.csv"
    call_command("export_report", "connectors", "-o", str(output), "--domain", PRODUCTION)
    url = f"/d/{PRODUCTION}/connectors/export.csv"
    assert output.read_bytes() == body_of(viewer_client.get(url))
    assert AuditEntry.objects.get(action=Action.EXPORT, actor_username="cli").domain == PRODUCTION
    with pytest.raises(CommandError, match="No Powens domain is called 'demo-prodution'"):
        call_command("export_report", "sources", "-o", str(output), "--domain", "demo-prodution")
