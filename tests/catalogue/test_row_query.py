"""The list's row query, compiled once per shape (``catalogue.row_query``): it must take the
short way on the databases we run (SQLite here, PostgreSQL in CI's second leg) and answer
exactly what the ORM's query answers, cutoff included."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import Action, AuditEntry, Outcome
from audit.services import Intent, Result, Target, audit_record_intents, audit_record_outcomes
from connectors_ui.catalogue import row_query
from connectors_ui.catalogue.selectors import LIST_COLUMNS
from connectors_ui.catalogue.sync import catalogue_refresh
from connectors_ui.domains.context import current_domain_name, domain_scope
from connectors_ui.models import CatalogueConnector
from connectors_ui.powens import get_client
from tests.fixtures.domains import PRODUCTION, SANDBOX


def _seal(uuid: str) -> AuditEntry:
    intent = Intent(Action.CONNECTOR_DISABLE, Target(uuid, uuid), before={}, after={})
    [entry] = audit_record_intents(
        actor=None, intents=[intent], reason="test", request_meta=None
    ).entries
    return entry


def _flags(rows) -> dict[str, bool]:
    return {row.uuid: bool(row.has_unresolved_change) for row in rows}


@pytest.fixture
def five(small_sandbox):
    """Five connectors of the local copy, refreshed from the small sandbox."""
    get_client.cache_clear()
    catalogue_refresh(trigger="test")
    return list(CatalogueConnector.objects.order_by("pk")[:5])


def test_the_list_columns_compile_to_a_shape_with_its_cutoff_and_keys(five):
    compiled = row_query._compiled(current_domain_name(), connection.vendor, LIST_COLUMNS, 5)
    assert compiled is not None and compiled.pk_count == 5 and len(compiled.cutoff_slots) == 1


def test_it_answers_what_the_orm_answers(five):
    unknown, old_pending, fresh_pending, succeeded, untouched = five
    audit_record_outcomes([(_seal(unknown.uuid), Result(Outcome.UNKNOWN, error_message="lost"))])
    old = _seal(old_pending.uuid)
    cutoff = old.created_at + timedelta(microseconds=1)
    while timezone.now() <= cutoff:
        pass  # the next entry sealed after the cutoff, however fine the clock
    _seal(fresh_pending.uuid)
    audit_record_outcomes([(_seal(succeeded.uuid), Result(Outcome.SUCCEEDED, powens_status=200))])
    pks = [row.pk for row in five]

    fast = _flags(row_query.rows_with_unresolved(pks, LIST_COLUMNS, cutoff=cutoff))
    slow = _flags(row_query.row_queryset(pks, LIST_COLUMNS, cutoff))

    assert (
        fast
        == slow
        == {
            unknown.uuid: True,
            old_pending.uuid: True,
            fresh_pending.uuid: False,
            succeeded.uuid: False,
            untouched.uuid: False,
        }
    )
    # The flags alone, from the database's tuples, for a page whose rows are already held.
    assert row_query.rows_unresolved(pks, cutoff=cutoff) == {unknown.pk, old_pending.pk}


def test_a_page_of_rows_is_compiled_once(five):
    row_query._compiled.cache_clear()
    pks = [row.pk for row in five]
    for _ in range(3):
        rows = row_query.rows_with_unresolved(pks, LIST_COLUMNS, cutoff=timezone.now())
    assert [row.name for row in sorted(rows, key=lambda r: r.pk)] == [r.name for r in five]
    info = row_query._compiled.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_a_shape_that_does_not_check_out_falls_back_to_the_orm(five, monkeypatch):
    monkeypatch.setattr(row_query, "_compiled", lambda *args: None)
    rows = row_query.rows_with_unresolved([five[0].pk], LIST_COLUMNS, cutoff=timezone.now())
    assert [row.uuid for row in rows] == [five[0].uuid]


def test_the_flags_alone_fall_back_to_the_orm_too(five, monkeypatch):
    _seal(five[0].uuid)
    monkeypatch.setattr(row_query, "_compiled", lambda *args: None)
    later = timezone.now() + timedelta(seconds=1)
    assert row_query.rows_unresolved([five[0].pk, five[1].pk], cutoff=later) == {five[0].pk}


def test_a_change_left_unknown_on_another_domain_flags_no_row_here(two_small_domains):
    """A connector has the same uuid on every domain: production's unknown change says
    nothing of the sandbox's row (which, flagged, was built anew on every page)."""
    with domain_scope(PRODUCTION):
        production_row = CatalogueConnector.objects.order_by("pk").first()
        entry = _seal(production_row.uuid)
        audit_record_outcomes([(entry, Result(Outcome.UNKNOWN, error_message="lost"))])
        assert row_query.rows_unresolved([production_row.pk], cutoff=timezone.now()) == {
            production_row.pk
        }
    with domain_scope(SANDBOX):
        row = CatalogueConnector.objects.get(uuid=production_row.uuid)
        cutoff = timezone.now()
        assert row_query.rows_unresolved([row.pk], cutoff=cutoff) == set()
        assert _flags(row_query.row_queryset([row.pk], LIST_COLUMNS, cutoff)) == {row.uuid: False}
