"""sandbox_load, sandbox_generate, sandbox_import and sandbox_fault management commands."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sandbox.backend import bundled_catalogue, set_connector_hidden
from sandbox.catalogue import small_catalogue
from sandbox.models import SandboxConnector, SandboxFault, SandboxSource


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def snapshot():
    connectors = list(SandboxConnector.objects.values_list("uuid", "name", "hidden", "document"))
    sources = list(SandboxSource.objects.values_list("id", "connector_id", "disabled", "document"))
    return connectors, sources


@pytest.mark.django_db
def test_load_is_idempotent():
    expected = len(bundled_catalogue())
    assert f"Loaded {expected}" in run("sandbox_load")
    first = snapshot()
    run("sandbox_load")
    assert snapshot() == first
    assert SandboxConnector.objects.count() == expected
    assert SandboxSource.objects.count() == sum(len(c["sources"]) for c in bundled_catalogue())


@pytest.mark.django_db
def test_load_resets_its_connectors_and_replace_drops_the_others():
    run("sandbox_load")
    bnp = bundled_catalogue()[0]
    set_connector_hidden(bnp["uuid"], True)
    run("sandbox_generate", "--count", "5")
    assert SandboxConnector.objects.count() == 5
    run("sandbox_load")
    assert SandboxConnector.objects.count() == len(bundled_catalogue()) + 5
    assert SandboxConnector.objects.get(uuid=bnp["uuid"]).hidden is False
    run("sandbox_load", "--replace")
    assert SandboxConnector.objects.count() == len(bundled_catalogue())


@pytest.mark.django_db
def test_generate_is_deterministic_and_replaces():
    run("sandbox_load")
    assert "Generated 40" in run("sandbox_generate", "--count", "40", "--seed", "7")
    first = snapshot()
    assert len(first[0]) == 40
    run("sandbox_generate", "--count", "40", "--seed", "7")
    assert snapshot() == first
    run("sandbox_generate", "--count", "40", "--seed", "8")
    assert snapshot() != first


@pytest.mark.django_db
def test_import_loads_an_api_list_response(tmp_path):
    connectors = small_catalogue()
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps({"connectors": connectors, "total": 7}, ensure_ascii=False))
    assert "Imported 7" in run("sandbox_import", str(path))
    greek = SandboxConnector.objects.get(uuid=connectors[3]["uuid"])
    assert greek.name == "Εθνική Τράπεζα της Ελλάδος"
    assert SandboxSource.objects.get(id=102).disabled == "2024-03-01 09:12:44"


@pytest.mark.django_db
def test_import_assigns_missing_ids(tmp_path):
    connector = {"uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "name": "Banque Sans Id",
                 "sources": [{"name": "directaccess"}], "countries": [{"id": "FR"}]}  # fmt: skip
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"connectors": [connector]}))
    run("sandbox_import", str(path))
    row = SandboxConnector.objects.get(name="Banque Sans Id")
    assert row.id > 0 and row.country_codes == ",fr,"
    assert row.sources.get().priority == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('[{"uuid": "x"}]', "must be a JSON object"),
        ('{"connectors": [{"name": "No UUID"}]}', "invalid uuid"),
        ('{"connectors": [{"uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}]}', "missing name"),
        (
            '{"connectors": [{"uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "name": "A",'
            ' "sources": [{"id": "one"}]}]}',
            "id must be an integer",
        ),
        (
            '{"connectors": [{"uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "name": "A",'
            ' "id": 1}]}',
            "already used",
        ),
    ],
)
def test_invalid_import_changes_nothing(small_sandbox, tmp_path, content, message):
    before = snapshot()
    path = tmp_path / "bad.json"
    path.write_text(content)
    # With --replace an id clash is no clash: everything else is removed first.
    for flags in ((), ("--replace",)) if message != "already used" else ((),):
        with pytest.raises(CommandError, match=message):
            run("sandbox_import", *flags, str(path))
        assert snapshot() == before


@pytest.mark.django_db
def test_import_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("sandbox_import", str(tmp_path / "absent.json"))


@pytest.mark.django_db
def test_fault_command_injects_lists_and_clears():
    out = run("sandbox_fault", "status", "--status", "429", "--endpoint", "E1", "--count", "3")
    assert '"retry_after": 1' in out
    fault = SandboxFault.objects.get()
    assert (fault.kind, fault.status, fault.endpoint, fault.remaining) == ("status", 429, "E1", 3)
    assert '"kind": "status"' in run("sandbox_fault", "list")
    with pytest.raises(CommandError):
        run("sandbox_fault", "status")
    assert "Cleared 1" in run("sandbox_fault", "clear")
    assert not SandboxFault.objects.exists()
