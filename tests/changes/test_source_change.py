"""source_set_enabled: the same rules as connectors, for one source of a connector."""

import pytest

from audit.models import Outcome
from connectors_ui.changes import (
    ChangeForbidden,
    ChangeInvalid,
    ChangeStale,
    source_set_enabled,
)
from connectors_ui.models import CatalogueSource
from sandbox.backend import get_source, set_source_disabled
from tests.changes.conftest import entries


def _toggle(actor, bnp, index, *, enabled, seen_disabled, **overrides):
    arguments = {
        "actor": actor,
        "uuid": bnp["uuid"],
        "source_id": bnp["sources"][index]["id"],
        "enabled": enabled,
        "reason": "Source flapping",
        "seen_disabled": seen_disabled,
        "request_meta": None,
    }
    return source_set_enabled(**{**arguments, **overrides})


def test_editor_disables_and_enables_a_source(editor_user, bnp):
    source = bnp["sources"][0]
    disabled = _toggle(editor_user, bnp, 0, enabled=False, seen_disabled=False)
    assert disabled.succeeded and disabled.message == "Source openapi of BNP Paribas disabled."
    assert get_source(bnp["uuid"], source["id"])["disabled"] is not None
    assert CatalogueSource.objects.get(source_id=source["id"]).disabled is True
    enabled = _toggle(editor_user, bnp, 0, enabled=True, seen_disabled=True)
    assert enabled.succeeded and enabled.message == "Source openapi of BNP Paribas enabled."
    assert get_source(bnp["uuid"], source["id"])["disabled"] is None
    assert CatalogueSource.objects.get(source_id=source["id"]).disabled is False
    disable, enable = entries()
    assert (disable.action, disable.source_id, disable.source_name) == (
        "source_disable",
        source["id"],
        "openapi",
    )
    assert disable.before == {"disabled": None, "priority": source["priority"]}
    assert disable.after["disabled"] is not None and enable.after == {"disabled": None}
    assert enable.connector_name == bnp["name"]
    assert {disable.current_outcome, enable.current_outcome} == {Outcome.SUCCEEDED}
    assert {disable.outcomes.get().powens_status, enable.outcomes.get().powens_status} == {200}


def test_viewer_cannot_toggle_a_source(viewer_user, bnp):
    with pytest.raises(ChangeForbidden):
        _toggle(viewer_user, bnp, 0, enabled=False, seen_disabled=False)
    assert get_source(bnp["uuid"], bnp["sources"][0]["id"])["disabled"] is None
    [entry] = entries()
    assert entry.error_code == "forbidden"
    assert (entry.connector_uuid, entry.connector_name) == (bnp["uuid"], "BNP Paribas")
    assert (entry.source_id, entry.source_name) == (bnp["sources"][0]["id"], "openapi")


def test_a_refused_reason_still_records_the_source(editor_user, bnp):
    with pytest.raises(ChangeInvalid, match="reason"):
        _toggle(editor_user, bnp, 1, enabled=True, seen_disabled=True, reason="")
    [entry] = entries()
    assert (entry.connector_name, entry.source_id, entry.source_name) == (
        "BNP Paribas",
        bnp["sources"][1]["id"],
        "directaccess",
    )


def test_source_reason_and_reference_are_checked(editor_user, bnp):
    with pytest.raises(ChangeInvalid):
        _toggle(editor_user, bnp, 0, enabled=False, seen_disabled=False, reason=" ")
    with pytest.raises(ChangeInvalid):
        _toggle(editor_user, bnp, 0, enabled=False, seen_disabled=False, source_id="1")
    with pytest.raises(ChangeInvalid):
        _toggle(editor_user, bnp, 0, enabled=None, seen_disabled=False)
    assert [e.error_code for e in entries()] == ["invalid"] * 3
    assert get_source(bnp["uuid"], bnp["sources"][0]["id"])["disabled"] is None


def test_stale_source_is_refused(editor_user, bnp):
    set_source_disabled(bnp["uuid"], bnp["sources"][1]["id"], None)
    with pytest.raises(ChangeStale, match="changed since"):
        _toggle(editor_user, bnp, 1, enabled=True, seen_disabled=True)
    [entry] = entries()
    assert entry.error_code == "stale" and entry.details["current"]["disabled"] is None


def test_stale_source_names_the_last_change_only_if_it_explains_the_state(
    editor_user, admin_user, bnp
):
    """admin-user disabled source 0 here; then it is re-enabled in the Powens console."""
    source_id = bnp["sources"][0]["id"]
    _toggle(admin_user, bnp, 0, enabled=False, seen_disabled=False)
    with pytest.raises(ChangeStale) as explained:
        _toggle(editor_user, bnp, 0, enabled=False, seen_disabled=False)
    assert "Last recorded change: disable source by admin-user" in str(explained.value)
    set_source_disabled(bnp["uuid"], source_id, None)
    with pytest.raises(ChangeStale) as outside:
        _toggle(editor_user, bnp, 0, enabled=True, seen_disabled=True)
    message = str(outside.value)
    assert (
        "It was changed outside this dashboard (last change recorded here: disable source by "
        in message
    )
    assert "admin-user" in message and "which set it to disabled)." in message
    assert outside.value.context["last_change"] is None
