"""sandbox_load, sandbox_generate, sandbox_import and sandbox_fault management commands."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from sandbox.backend import bundled_catalogue, set_connector_hidden
from sandbox.catalogue import small_catalogue
from sandbox.loading import integer_range
from sandbox.models import SandboxConnector, SandboxFault, SandboxSource
from tests.fixtures.database import OWNER_URL, _credentials


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


def deletes(queries):
    return [q["sql"] for q in queries if q["sql"].startswith("DELETE")]


@pytest.mark.django_db
def test_load_deletes_by_id_without_a_join():
    """Reloading and replacing delete connectors by primary key and their sources by
    connector_id: a DELETE through a join (a self-join subquery) has plans quadratic in the
    number of sources on PostgreSQL (below)."""
    run("sandbox_load")
    run("sandbox_generate", "--count", "5")
    for flags in ((), ("--replace",)):
        with CaptureQueriesContext(connection) as queries:
            run("sandbox_load", *flags)
        assert deletes(queries)
        for sql in deletes(queries):
            assert " JOIN " not in sql and "SELECT" not in sql, sql
    assert SandboxConnector.objects.count() == len(bundled_catalogue())
    assert not SandboxSource.all_domains.exclude(connector__in=SandboxConnector.all_domains.all())


def vacuum_from_another_connection(*tables):
    """What autovacuum does to CI's test database: it counts the rows this test has not
    committed as absent, so the statistics say these tables are empty over all their pages."""
    settings = {**connection.settings_dict}
    if OWNER_URL:  # VACUUM is the tables' owner's
        settings.update(_credentials(OWNER_URL))
    other = type(connections["default"])(settings, alias="vacuum")
    try:
        with other.cursor() as cursor:
            cursor.execute(f"VACUUM {', '.join(tables)}")
    finally:
        other.close()


@pytest.mark.django_db
def test_replace_is_quick_when_postgresql_thinks_the_tables_are_empty():
    """The PostgreSQL leg's 15 minutes: each delete of a domain's sources through a join took
    seconds per thousand sources once autovacuum had recorded the tables as empty."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner statistics")
    run("sandbox_load")
    vacuum_from_another_connection("sandbox_sandboxsource", "sandbox_sandboxconnector")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'sandbox_sandboxsource'")
        assert cursor.fetchone() == (0,)
        cursor.execute("SET LOCAL statement_timeout = '3s'")
    run("sandbox_load")
    run("sandbox_load", "--replace")
    assert SandboxSource.objects.count() == sum(len(c["sources"]) for c in bundled_catalogue())


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


GOOD = {"uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "name": "Banque Bonne", "id": 900,
        "sources": [{"id": 9001, "name": "openapi", "priority": 0}]}  # fmt: skip
BAD = {"uuid": "5b1e6f0c-8a52-4f0e-9d3b-6a1c2e7f4a10", "name": "Banque Mauvaise", "id": 901}
BAD_NAMED = r'connector #1 \(5b1e6f0c-8a52-4f0e-9d3b-6a1c2e7f4a10, "Banque Mauvaise"\)'
# One past the largest id the sandbox's columns hold on this database (2**63 on SQLite, 2**31
# on PostgreSQL's integer columns).
TOO_BIG = integer_range()[1] + 1


def import_file(tmp_path, *connectors):
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps({"connectors": list(connectors)}))
    return str(path)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"sources": [{"id": 9002, "priority": "high"}]},
         rf'{BAD_NAMED} source #0 \(id 9002\): priority must be an integer, not "high"\.'),
        ({"sources": [{"id": 9002, "priority": 1.5}]}, r"priority must be an integer, not 1\.5"),
        ({"sources": [{"priority": True}]},
         rf"{BAD_NAMED} source #0: priority must be an integer, not true"),
        ({"sources": [{"id": 9002, "priority": TOO_BIG}]},
         rf"source #0 \(id 9002\): priority {TOO_BIG} is out of range"),
        ({"id": TOO_BIG}, rf"{BAD_NAMED}: id {TOO_BIG} is out of range \(0 to {TOO_BIG - 1}\)"),
        ({"id": -1}, rf"{BAD_NAMED}: id -1 is out of range \(0 to"),
        ({"sources": [{"id": 9002}, {"id": TOO_BIG}]},
         rf"{BAD_NAMED} source #1 \(id {TOO_BIG}\): id {TOO_BIG} is out of range"),
        ({"uuid": int("5b1e6f0c8a524f0e9d3b6a1c2e7f4a10", 16)},
         r'connector #1 \("Banque Mauvaise"\): missing or invalid uuid'),
    ],
)  # fmt: skip
def test_import_of_a_bad_record_names_it_and_writes_nothing(small_sandbox, tmp_path, bad, message):
    """A CommandError (printed without a traceback, exit status 1) naming the record by index,
    uuid and name, the field and why; the good record before it is not loaded either."""
    before = snapshot()
    path = import_file(tmp_path, GOOD, {**BAD, **bad})
    for flags in ((), ("--replace",)):
        with pytest.raises(CommandError, match=message):
            run("sandbox_import", *flags, path)
        assert snapshot() == before


@pytest.mark.django_db
def test_import_refuses_when_no_id_is_left_for_a_record_without_one(tmp_path):
    path = import_file(tmp_path, {**GOOD, "id": TOO_BIG - 1}, {**BAD, "id": None})
    with pytest.raises(CommandError, match=f"No sandbox connector id is left above {TOO_BIG - 1}"):
        run("sandbox_import", path)
    assert not SandboxConnector.objects.exists()


@pytest.mark.django_db
def test_import_takes_a_null_priority_as_not_given(tmp_path):
    sources = [{"id": 9002, "priority": None}, {"id": 9003, "priority": None}]
    run("sandbox_import", import_file(tmp_path, {**BAD, "sources": sources}))
    assert list(SandboxSource.objects.values_list("id", "priority")) == [(9002, 0), (9003, 1)]


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
