"""connector_set_enabled: roles, reason, stale writes, outcomes, the local copy."""

import pytest

from audit.chain import chain_verify
from audit.models import Outcome
from audit.services import RequestMeta
from connectors_ui.changes import (
    ChangeForbidden,
    ChangeInvalid,
    ChangeNotFound,
    ChangeStale,
    connector_set_enabled,
)
from connectors_ui.models import CatalogueConnector
from sandbox.backend import get_connector, set_connector_hidden
from sandbox.models import SandboxConnector
from tests.changes.conftest import entries

META = RequestMeta("10.0.0.7", "pytest-agent", "req-123")


def _disable(actor, bnp, **overrides):
    arguments = {
        "actor": actor,
        "uuid": bnp["uuid"],
        "enabled": False,
        "reason": "Bank outage",
        "seen_hidden": False,
        "request_meta": META,
    }
    return connector_set_enabled(**{**arguments, **overrides})


def test_editor_disables_a_connector(editor_user, bnp):
    result = _disable(editor_user, bnp)
    assert result.succeeded and result.message == "BNP Paribas disabled on this domain."
    assert get_connector(bnp["uuid"])["hidden"] is True
    assert CatalogueConnector.objects.get(uuid=bnp["uuid"]).hidden is True
    [entry] = entries()
    assert (entry.action, entry.current_outcome) == ("connector_disable", Outcome.SUCCEEDED)
    assert entry.before == {"hidden": False} and entry.after == {"hidden": True}
    assert entry.connector_name == bnp["name"] and entry.reason == "Bank outage"
    assert (entry.actor_username, entry.actor_role) == ("editor-user", "editor")
    assert (entry.client_ip, entry.user_agent, entry.request_id) == (
        "10.0.0.7",
        "pytest-agent",
        "req-123",
    )
    [outcome] = entry.outcomes.all()
    assert outcome.observed == {"hidden": True} and outcome.seq > entry.seq
    assert outcome.powens_status == 200
    assert chain_verify().ok


def test_admin_enables_a_hidden_connector(admin_user, local_copy):
    bourso = local_copy[2]
    result = connector_set_enabled(
        actor=admin_user,
        uuid=bourso["uuid"],
        enabled=True,
        reason="Back",
        seen_hidden=True,
        request_meta=None,
    )
    assert result.succeeded and get_connector(bourso["uuid"])["hidden"] is False
    assert result.message == "BoursoBank enabled on this domain."
    assert entries()[0].actor_role == "admin"


def test_a_nameless_connector_is_named_by_its_uuid(editor_user, bnp):
    SandboxConnector.objects.filter(uuid=bnp["uuid"]).update(name="")
    CatalogueConnector.objects.filter(uuid=bnp["uuid"]).update(name="")
    result = _disable(editor_user, bnp)
    assert result.message == f"Connector {bnp['uuid']} disabled on this domain."


@pytest.mark.parametrize("role", ["viewer", None])
def test_without_editor_role_it_is_refused_and_recorded(make_user, bnp, role):
    with pytest.raises(ChangeForbidden):
        _disable(make_user(role), bnp)
    assert get_connector(bnp["uuid"])["hidden"] is False
    [entry] = entries()
    assert (entry.current_outcome, entry.error_code) == (Outcome.REFUSED, "forbidden")
    assert (entry.connector_uuid, entry.connector_name) == (bnp["uuid"], "BNP Paribas")


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * 501])
def test_a_reason_is_required(editor_user, bnp, reason):
    with pytest.raises(ChangeInvalid, match="reason"):
        _disable(editor_user, bnp, reason=reason)
    assert get_connector(bnp["uuid"])["hidden"] is False
    assert [(e.current_outcome, e.error_code) for e in entries()] == [(Outcome.REFUSED, "invalid")]
    assert entries()[0].connector_name == "BNP Paribas"


@pytest.mark.parametrize(
    "overrides",
    [{"uuid": "not-a-uuid"}, {"seen_hidden": None}, {"enabled": True}, {"enabled": None}],
)
def test_invalid_input_is_refused(editor_user, bnp, overrides):
    """A malformed reference, a missing seen state, or asking for the state it already has."""
    with pytest.raises(ChangeInvalid):
        _disable(editor_user, bnp, **overrides)
    assert entries()[0].error_code == "invalid"
    assert get_connector(bnp["uuid"])["hidden"] is False


def test_unknown_connector_is_refused(editor_user, bnp):
    with pytest.raises(ChangeNotFound):
        _disable(editor_user, bnp, uuid="00000000-0000-4000-8000-000000000000")
    assert entries()[0].error_code == "not_found"


def test_stale_write_is_refused_and_says_who(editor_user, admin_user, bnp):
    """Someone disables then re-enables it (recorded); then someone else disables it in the
    Powens console. Our user still sees it enabled: nothing is written."""
    _disable(admin_user, bnp)
    connector_set_enabled(
        actor=admin_user,
        uuid=bnp["uuid"],
        enabled=True,
        reason="ok",
        seen_hidden=True,
        request_meta=None,
    )
    set_connector_hidden(bnp["uuid"], True)
    with pytest.raises(ChangeStale) as refused:
        connector_set_enabled(
            actor=editor_user,
            uuid=bnp["uuid"],
            enabled=True,
            reason="mine",
            seen_hidden=False,
            request_meta=None,
        )
    assert refused.value.context["current"].hidden is True
    # admin-user's last recorded change enabled it: they are not blamed for the console change.
    assert refused.value.context["last_change"] is None
    assert "It was changed outside this dashboard (last change recorded here: enable " in str(
        refused.value
    )
    assert "by admin-user" in str(refused.value) and "which set it to enabled)." in str(
        refused.value
    )
    assert "Last recorded change" not in str(refused.value)
    stale = entries()[-1]
    assert (stale.current_outcome, stale.error_code) == (Outcome.REFUSED, "stale")
    assert stale.before == {"hidden": False} and stale.details == {"current": {"hidden": True}}
    assert get_connector(bnp["uuid"])["hidden"] is True


def test_stale_write_names_our_change_when_it_set_the_fresh_state(editor_user, admin_user, bnp):
    """admin-user disabled it here while editor-user's page still showed it enabled."""
    _disable(admin_user, bnp)
    with pytest.raises(ChangeStale) as refused:
        _disable(editor_user, bnp, enabled=True, seen_hidden=False)
    assert refused.value.context["last_change"].actor_username == "admin-user"
    assert "it is now disabled. Nothing was written. Last recorded change: disable " in str(
        refused.value
    )
    assert "by admin-user" in str(refused.value) and "outside" not in str(refused.value)


def test_a_second_request_while_one_is_in_flight_is_a_conflict(
    editor_user, admin_user, bnp, monkeypatch
):
    """Two editors at once: the second one's intent is refused while the first one's call runs."""
    from connectors_ui.powens.client import PowensClient

    original = PowensClient.update_connector
    seen = []

    def first_call_in_flight(self, uuid, *, hidden):
        with pytest.raises(Exception) as other:
            _disable(admin_user, {"uuid": uuid})
        seen.append(type(other.value).__name__)
        return original(self, uuid, hidden=hidden)

    monkeypatch.setattr(PowensClient, "update_connector", first_call_in_flight)
    assert _disable(editor_user, bnp).succeeded
    assert seen == ["ChangeConflict"]
    assert [(e.actor_username, e.current_outcome) for e in entries()] == [
        ("editor-user", Outcome.SUCCEEDED),
        ("admin-user", Outcome.REFUSED),
    ]
