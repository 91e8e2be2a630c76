"""A write Powens applied whose answer was lost, and a read-back that fails too (issue 10,
item 2): the outcome stays ``unknown``, the local copy keeps the state it knew, and "Check
again" (the editor who made the change, or an admin) reads the target and resolves it through
the reconcile path."""

import pytest

from audit.models import Outcome
from connectors_ui.changes import (
    ChangeConflict,
    ChangeForbidden,
)
from connectors_ui.changes.claims import claims_take
from connectors_ui.changes.outcomes import STATE_UNKNOWN_MESSAGE
from connectors_ui.changes.reconcile import change_check_again
from connectors_ui.models import CatalogueConnector, CatalogueSource
from sandbox.backend import get_connector, get_source
from tests.changes.conftest import disable, disable_batch, entries


def test_an_unreadable_connector_stays_unknown_and_the_copy_keeps_what_it_knew(
    editor_user, bnp, lose_answer
):
    lose_answer("E3", "update_connector", "E2")
    result = disable(editor_user, bnp)
    assert result.outcome == Outcome.UNKNOWN and result.message == STATE_UNKNOWN_MESSAGE
    assert get_connector(bnp["uuid"])["hidden"] is True, "Powens applied it"
    assert CatalogueConnector.objects.get(uuid=bnp["uuid"]).hidden is False
    [entry] = entries()
    assert entry.current_outcome == Outcome.UNKNOWN and entry.outcomes.count() == 1


def test_an_unreadable_source_stays_unknown(editor_user, bnp, lose_answer):
    lose_answer("E8", "update_source", "E7")
    source = bnp["sources"][0]["id"]
    result = disable(editor_user, bnp, source)
    assert result.outcome == Outcome.UNKNOWN
    assert get_source(bnp["uuid"], source)["disabled"] is not None
    assert CatalogueSource.objects.get(source_id=source).disabled is False


def test_an_unreadable_batch_stays_unknown(editor_user, local_copy, lose_answer):
    uuids = [c["uuid"] for c in local_copy if not c["hidden"]][:3]
    lose_answer("E4", "batch_update_connectors", "E1")
    result = disable_batch(editor_user, uuids)
    assert {item.outcome for item in result.items} == {Outcome.UNKNOWN}
    assert [get_connector(u)["hidden"] for u in uuids] == [True] * 3
    assert not CatalogueConnector.objects.filter(uuid__in=uuids, hidden=True).exists()


def test_check_again_reads_reflects_and_resolves(editor_user, bnp, lose_answer, faults):
    lose_answer("E3", "update_connector", "E2")
    disable(editor_user, bnp)
    faults.clear()
    report = change_check_again(actor=editor_user, keys=[(bnp["uuid"], None)], request_meta=None)
    assert (report.unresolved, report.count(Outcome.SUCCEEDED), report.still_unknown) == (1, 1, 0)
    assert report.message.startswith("Checked again with Powens: the change succeeded;")
    assert CatalogueConnector.objects.get(uuid=bnp["uuid"]).hidden is True
    [entry] = entries()
    resolution = entry.outcomes.order_by("seq").last()
    assert (entry.current_outcome, resolution.resolved_by) == (Outcome.SUCCEEDED, "reconcile")
    assert resolution.error_message == "Checked again: Powens shows the intended state."
    assert resolution.actor_username == "editor-user"
    again = change_check_again(actor=editor_user, keys=[(bnp["uuid"], None)], request_meta=None)
    assert again.unresolved == 0 and again.message.startswith("Nothing to check")


def test_check_again_while_powens_is_still_unreadable(editor_user, bnp, lose_answer):
    lose_answer("E3", "update_connector", "E2")
    disable(editor_user, bnp)
    report = change_check_again(actor=editor_user, keys=[(bnp["uuid"], None)], request_meta=None)
    assert report.still_unknown == 1 and "the state is still unknown" in report.message
    assert entries()[0].current_outcome == Outcome.UNKNOWN


def test_only_the_author_or_an_admin_may_check_again(
    editor_user, make_user, admin_user, viewer_user, bnp, lose_answer, faults
):
    lose_answer("E3", "update_connector", "E2")
    disable(editor_user, bnp)
    faults.clear()
    keys = [(bnp["uuid"], None)]
    for someone in (make_user("editor", username="other-editor"), viewer_user):
        with pytest.raises(ChangeForbidden):
            change_check_again(actor=someone, keys=keys, request_meta=None)
    refused = [e for e in entries() if e.current_outcome == Outcome.REFUSED]
    assert [(e.actor_username, e.action, e.connector_name) for e in refused] == [
        ("other-editor", "reconcile", "BNP Paribas"),
        ("viewer-user", "reconcile", "BNP Paribas"),
    ]
    assert entries()[0].current_outcome == Outcome.UNKNOWN
    assert change_check_again(actor=admin_user, keys=keys, request_meta=None).resolved


def test_check_again_waits_for_a_change_in_flight(editor_user, admin_user, bnp, lose_answer):
    lose_answer("E3", "update_connector", "E2")
    disable(editor_user, bnp)
    claims_take(keys=[(bnp["uuid"], None)], actor=admin_user)
    with pytest.raises(ChangeConflict, match="Someone is changing it right now"):
        change_check_again(actor=editor_user, keys=[(bnp["uuid"], None)], request_meta=None)
    assert entries()[-1].error_code == "conflict"
