"""Refreshing the local copy from the sandbox through the real client: one call, change
records, failures that keep the last good copy, and the one-at-a-time lock."""

import copy as copy_module
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from connectors_ui.catalogue import columns as catalogue_data
from connectors_ui.catalogue.sync import catalogue_refresh
from connectors_ui.models import (
    CatalogueChange,
    CatalogueConnector,
    CatalogueSource,
    CatalogueState,
    CatalogueSync,
)
from connectors_ui.powens.client import PowensClient, call_count, reset_call_count
from connectors_ui.powens.errors import PowensRateLimited, PowensTimeout, PowensUnavailable
from sandbox import backend
from sandbox.backend import load_catalogue
from sandbox.models import SandboxFault

BNP = "f711dd7a-6289-5bda-b3a4-f2febda8c046"
BOURSO = "07d76adf-ae35-5b38-aca8-67aafba13169"
N26 = "1f6220d2-cc45-541e-b4ef-6a3c3dd92421"


def test_refresh_stores_every_connector_with_one_call(small_sandbox, editor_user):
    reset_call_count()
    sync = catalogue_refresh(trigger="manual", actor=editor_user)
    assert call_count() == 1
    assert (sync.status, sync.connector_count, sync.added_count, sync.actor) == (
        "success",
        7,
        7,
        editor_user,
    )
    assert CatalogueConnector.objects.count() == 7
    bourso = CatalogueConnector.objects.get(uuid=BOURSO)
    assert bourso.hidden is True and bourso.code == "40618" and bourso.raw["slug"] == "BOU"
    bnp = CatalogueConnector.objects.get(uuid=BNP)
    assert (
        bnp.pay_capable
        and bnp.raw["fields"]
        and bnp.raw["countries"] == [{"id": "fr", "name": "France"}]
    )
    assert list(bnp.sources.values_list("name", "disabled", "priority")) == [
        ("openapi", False, 0),
        ("directaccess", True, 1),
        ("fallback", False, 2),
    ]
    assert (
        bnp.sources.get(name="directaccess").disabled_at.isoformat() == "2024-03-01T09:12:44+00:00"
    )
    state = CatalogueState.objects.get()
    assert state.last_success == sync and state.last_attempt == sync and not state.lock_token
    assert not CatalogueChange.objects.exists()  # the first load is not a "change"


def test_second_refresh_records_what_changed(small_catalogue):
    backend.set_connector_hidden(BNP, True)
    backend.set_source_disabled(BNP, 102, None)
    backend.set_source_disabled(N26, 1012, "2026-01-02 03:04:05")
    sync = catalogue_refresh(trigger="command")
    assert sync.status == "success" and sync.changed_count == 2
    changes = {
        (c.connector.uuid, c.kind): c.summary for c in CatalogueChange.objects.filter(sync=sync)
    }
    assert changes[(BNP, "hidden")] == "enabled → hidden"
    assert changes[(BNP, "sources")] == "directaccess #102 enabled"
    assert changes[(N26, "sources")] == "openapi #1012 disabled"
    assert CatalogueConnector.objects.get(uuid=BNP).hidden is True
    assert CatalogueSource.objects.get(source_id=1012).disabled is True


def test_refresh_marks_absent_connectors_removed_and_records_added_and_fields(small_catalogue):
    connectors = copy_module.deepcopy(small_catalogue)
    gone = connectors.pop(1)  # Crédit Agricole d'Ile-de-France
    connectors[0]["fields"] = connectors[0]["fields"][1:]
    newcomer = copy_module.deepcopy(connectors[-1])
    newcomer.update(id=99, uuid="9e1c3d2a-1111-5222-8333-444455556666", name="Newcomer Bank")
    for number, item in enumerate(newcomer["sources"]):
        item.update(id=9900 + number, id_connector=99)
    load_catalogue([*connectors, newcomer], replace=True)
    sync = catalogue_refresh(trigger="auto")
    assert (sync.added_count, sync.removed_count, sync.connector_count) == (1, 1, 7)
    kinds = {(c.connector.name, c.kind) for c in CatalogueChange.objects.filter(sync=sync)}
    assert {
        ("Crédit Agricole d'Ile-de-France", "removed"),
        ("Newcomer Bank", "added"),
        ("BNP Paribas", "fields"),
    } <= kinds
    removed = CatalogueConnector.objects.get(uuid=gone["uuid"])
    assert removed.removed_at is not None  # kept, not deleted, with its sources
    assert removed.sources.count() == len(gone["sources"]) > 0
    load_catalogue([*small_catalogue], replace=True)
    again = catalogue_refresh(trigger="auto")
    assert CatalogueChange.objects.filter(sync=again, kind="restored", connector=removed).exists()
    assert CatalogueConnector.objects.get(uuid=gone["uuid"]).removed_at is None


def test_a_hidden_connector_missing_beside_other_hidden_ones_is_removed(small_catalogue):
    hidden_two = copy_module.deepcopy(small_catalogue[0])
    hidden_two.update(hidden=True, id=98, uuid="9e1c3d2a-1111-5222-8333-444455550000", name="X")
    for number, item in enumerate(hidden_two["sources"]):
        item.update(id=9800 + number, id_connector=98)
    load_catalogue([*small_catalogue, hidden_two], replace=True)
    catalogue_refresh(trigger="auto")
    load_catalogue([c for c in small_catalogue if c["uuid"] != BOURSO] + [hidden_two], replace=True)
    sync = catalogue_refresh(trigger="auto")
    assert sync.removed_count == 1 and sync.error == ""
    assert CatalogueConnector.objects.get(uuid=BOURSO).removed_at is not None


@pytest.mark.parametrize(
    "fault", [{"kind": "malformed"}, {"kind": "status", "status": 503}, {"kind": "timeout"}]
)
def test_failed_refresh_keeps_last_good_copy_and_says_why(
    small_catalogue, faults, viewer_client, fault
):
    good = CatalogueState.objects.get().last_success
    backend.set_connector_hidden(BNP, True)
    faults.inject(endpoint="E1", count=10, **fault)
    sync = catalogue_refresh(trigger="manual")
    assert sync.status == "failed" and sync.finished_at is not None
    assert sync.error and "\n" not in sync.error and settings.POWENS_CONFIG_TOKEN not in sync.error
    assert "Powens" in sync.error and not re.search(r"Error|Timeout|Response", sync.error)
    state = CatalogueState.objects.get()
    assert state.last_success == good and state.last_attempt == sync and not state.lock_token
    assert CatalogueConnector.objects.get(uuid=BNP).hidden is False
    html = viewer_client.get("/connectors/").content.decode()
    assert "Last catalogue refresh failed" in html and sync.error.split(":")[0] in html
    assert "BNP Paribas" in html


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (
            PowensUnavailable(
                "Down for  maintenance.", status=503, code="maintenance", request_id=918273004
            ),
            "Powens unavailable: HTTP 503 maintenance: Down for maintenance. (request 918273004)",
        ),
        (
            PowensTimeout("Powens did not answer in time; outcome unknown."),
            "Powens did not answer in time; outcome unknown.",
        ),
        (
            PowensRateLimited("Slow down.", status=429, code="tooManyRequests"),
            "Powens rate limit reached: HTTP 429 tooManyRequests: Slow down.",
        ),
    ],
)
def test_failure_line_names_no_python_class(small_catalogue, monkeypatch, error, line):
    def fails(self, **kwargs):
        raise error

    monkeypatch.setattr(PowensClient, "list_connectors", fails)
    assert catalogue_refresh(trigger="manual").error == line


def test_refresh_failing_half_way_through_the_copy_changes_nothing(small_catalogue, monkeypatch):
    backend.set_connector_hidden(BNP, True)
    backend.set_connector_hidden(N26, True)
    real = catalogue_data.sources_of
    calls = []

    def breaks_on_second_connector(raw):
        calls.append(raw["uuid"])
        if len(calls) == 2:
            raise ValueError("corrupt source list")
        return real(raw)

    monkeypatch.setattr(catalogue_data, "sources_of", breaks_on_second_connector)
    sync = catalogue_refresh(trigger="manual")
    assert sync.status == "failed" and sync.error == "Unexpected error: corrupt source list"
    assert len(calls) == 2
    assert not CatalogueConnector.objects.filter(hidden=True).exclude(uuid=BOURSO).exists()
    assert CatalogueSource.objects.count() == 12 and not CatalogueChange.objects.exists()


def test_a_bad_connector_in_the_response_does_not_fail_the_refresh(load_connectors):
    sync = load_connectors(
        [
            {
                "uuid": "bad-1",
                "name": None,
                "countries": "fr",
                "sources": [{"name": "x"}],
                "capabilities": None,
                "products": [None, 3],
                "hidden": "yes",
            },
            "not an object",
            {"name": "no uuid"},
        ]
    )
    assert sync.status == "success" and sync.connector_count == 1
    row = CatalogueConnector.objects.get()
    assert row.name == "(unnamed connector bad-1)" and row.products == ["3"] and row.hidden is False


def test_second_refresh_while_the_lock_is_held_does_not_run(small_sandbox):
    CatalogueState.objects.create(
        pk=1, lock_token="someone", lock_expires_at=timezone.now() + timedelta(minutes=2)
    )
    reset_call_count()
    sync = catalogue_refresh(trigger="manual")
    assert sync.status == "skipped" and call_count() == 0
    assert not CatalogueConnector.objects.exists()
    assert CatalogueState.objects.get().lock_token == "someone"


def test_expired_lease_is_taken_over_and_the_crashed_refresh_marked(small_sandbox):
    crashed = CatalogueSync.objects.create(trigger="auto")
    CatalogueState.objects.create(
        pk=1, lock_token="dead", lock_expires_at=timezone.now() - timedelta(seconds=1)
    )
    sync = catalogue_refresh(trigger="manual")
    assert sync.status == "success"
    crashed.refresh_from_db()
    assert crashed.status == "failed" and "Abandoned" in crashed.error


@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_only_one_runs(small_sandbox, faults):
    import threading
    import time

    def first_is_waiting_on_powens():
        """It holds the lease and its E1 call has started (the one-shot latency fault was
        consumed): it now sleeps without any transaction open. Waiting for this rather than
        for the lease alone keeps the two threads' writes apart: SQLite's shared in-memory
        test database refuses, rather than queues, a write that meets another connection's
        (a production SQLite file waits on its busy timeout)."""
        try:
            return (
                CatalogueState.objects.filter(lock_token__gt="").exists()
                and not SandboxFault.objects.exists()
            )
        except OperationalError:  # that same refusal, for a read meeting a write
            return False

    faults.inject("latency", endpoint="E1", delay_ms=1500)
    reset_call_count()
    results = []

    def refresh_in_thread():
        try:
            results.append(catalogue_refresh(trigger="auto"))
        finally:
            connection.close()  # else PostgreSQL keeps the thread's session on the test DB

    first = threading.Thread(target=refresh_in_thread)
    first.start()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not first_is_waiting_on_powens():
        time.sleep(0.02)
    second = catalogue_refresh(trigger="manual")
    first.join()
    assert second.status == "skipped"
    assert results[0].status == "success" and call_count() == 1


def test_management_command(small_sandbox, faults, capsys):
    call_command("catalogue_refresh")
    assert "7 connectors, 7 added" in capsys.readouterr().out
    faults.inject("status", endpoint="E1", status=500, count=10)
    with pytest.raises(CommandError, match="failed"):
        call_command("catalogue_refresh")


def test_refresh_button(editor_client, viewer_client, small_sandbox, editor_user):
    assert viewer_client.post("/connectors/refresh/").status_code == 403
    assert editor_client.get("/connectors/refresh/").status_code == 405
    response = editor_client.post(
        "/connectors/refresh/", {"next": "/connectors/?q=bnp"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/connectors/?q=bnp"
    assert "Catalogue refreshed: 7 connectors, 7 added" in response.content.decode()
    assert CatalogueSync.objects.get(status="success").actor == editor_user
    response = editor_client.post("/connectors/refresh/", {"next": "https://evil.example/"})
    assert response["Location"] == "/connectors/"


def test_refresh_button_reports_failure(editor_client, small_catalogue, faults):
    faults.inject("malformed", endpoint="E1", count=10)
    html = editor_client.post("/connectors/refresh/", follow=True).content.decode()
    assert "Refresh failed, the previous copy is kept" in html and "BNP Paribas" in html


def test_a_refresh_rebuilds_sources_without_joining_their_connectors_again(small_sandbox):
    """The connectors are the domain's already; a DELETE that joins them again is a plan
    PostgreSQL makes quadratic when its statistics say the tables are empty."""
    catalogue_refresh(trigger="test")
    source = CatalogueSource.objects.select_related("connector").first()
    backend.update_source(source.connector.uuid, source.source_id, {"disabled": True})
    with CaptureQueriesContext(connection) as queries:
        catalogue_refresh(trigger="test")
    table = CatalogueSource._meta.db_table
    deletes = [q["sql"] for q in queries if q["sql"].startswith(f'DELETE FROM "{table}"')]
    assert deletes and all(" JOIN " not in sql for sql in deletes), deletes
