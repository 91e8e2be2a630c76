"""The write-path × fault matrix behind test_fault_suite.py and bench/fault_count.py.

Each case injects one sandbox fault into one write path, performs the write through the
service or through the view (plain POST or htmx), and checks what the user saw, the audit
outcome, that no intent is lost, and that the local copy is never corrupted: it equals the
state before or the true state after, and matches Powens once reconciled and refreshed.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.test import Client

from audit.chain import chain_verify
from audit.models import AuditEntry, Outcome
from audit.selectors import with_current_outcome
from connectors_ui.catalogue.sync import catalogue_refresh
from connectors_ui.changes import (
    audit_reconcile,
    batch_execute,
    connector_set_enabled,
    source_set_enabled,
)
from connectors_ui.models import CatalogueConnector, CatalogueSource
from sandbox import faults
from sandbox.backend import set_connector_hidden
from sandbox.models import SandboxConnector, SandboxSource

# Run-wide totals, read by the session summary (conftest) and bench/fault_count.py.
TALLY: Counter[str] = Counter()


@dataclass(frozen=True)
class Fault:
    name: str
    options: dict[str, Any]
    outcome: str  # the recorded outcome once the call (and any read-back) is done
    applied: bool  # whether Powens really applied the write
    on_read: bool = False  # injected on the pre-write read instead of the write


# A 5xx to a write, or a lost answer, may come after the change landed: the outcome is unknown,
# and the read made at once records what holds (succeeded if Powens applied it, else failed).
FAULTS = [
    Fault("500", {"kind": "status", "status": 500}, Outcome.FAILED, False),
    Fault("503", {"kind": "status", "status": 503}, Outcome.FAILED, False),
    Fault(
        "504-applied",
        {"kind": "status", "status": 504, "apply_write": True},
        Outcome.SUCCEEDED,
        True,
    ),
    Fault("429", {"kind": "status", "status": 429, "retry_after": 30}, Outcome.FAILED, False),
    Fault("timeout", {"kind": "timeout"}, Outcome.FAILED, False),
    Fault("timeout-applied", {"kind": "timeout", "apply_write": True}, Outcome.SUCCEEDED, True),
    Fault("reset", {"kind": "reset"}, Outcome.FAILED, False),
    Fault("reset-applied", {"kind": "reset", "apply_write": True}, Outcome.SUCCEEDED, True),
    Fault("malformed", {"kind": "malformed"}, Outcome.FAILED, False),
    Fault("malformed-applied", {"kind": "malformed", "apply_write": True}, Outcome.SUCCEEDED, True),
    Fault("slow", {"kind": "latency", "delay_ms": 50}, Outcome.SUCCEEDED, True),
    # Slower than the read timeout (0.3 s in the suite): the client gives up, Powens finishes.
    Fault("slow-timeout", {"kind": "latency", "delay_ms": 600}, Outcome.SUCCEEDED, True),
    Fault("read-500", {"kind": "status", "status": 500}, Outcome.FAILED, False, on_read=True),
]
MESSAGES = {
    Outcome.FAILED: ("nothing was changed", "nothing succeeded"),
    Outcome.UNKNOWN: ("may or may not have been applied", "state unknown"),
}

Key = tuple[str, ...]  # ("connector", uuid) or ("source", uuid, source_id)


def sandbox_off(key: Key) -> bool:
    if key[0] == "connector":
        return bool(SandboxConnector.objects.get(uuid=key[1]).hidden)
    return SandboxSource.objects.get(id=int(key[2])).disabled is not None


def local_off(key: Key) -> bool:
    if key[0] == "connector":
        return CatalogueConnector.objects.get(uuid=key[1]).hidden
    return CatalogueSource.objects.get(connector__uuid=key[1], source_id=int(key[2])).disabled


@dataclass(frozen=True)
class WritePath:
    name: str
    write_endpoint: str
    read_endpoint: str
    targets: Callable[[list[dict[str, Any]]], list[Key]]
    off: bool  # the state the write asks for (hidden / disabled)
    done: str  # what the page says when the write succeeded: the change itself

    @property
    def is_batch(self) -> bool:
        return self.write_endpoint == "E4"


def _bnp_source(index: int) -> Callable[[list[dict[str, Any]]], list[Key]]:
    return lambda c: [("source", c[0]["uuid"], str(c[0]["sources"][index]["id"]))]


PATHS = [
    WritePath(
        "connector-disable",
        "E3",
        "E2",
        lambda c: [("connector", c[0]["uuid"])],
        True,
        "BNP Paribas disabled on this domain.",
    ),
    WritePath(
        "connector-enable",
        "E3",
        "E2",
        lambda c: [("connector", c[2]["uuid"])],
        False,
        "BoursoBank enabled on this domain.",
    ),
    WritePath(
        "source-disable",
        "E8",
        "E7",
        _bnp_source(0),
        True,
        "Source openapi of BNP Paribas disabled.",
    ),
    WritePath(
        "source-enable",
        "E8",
        "E7",
        _bnp_source(1),
        False,
        "Source directaccess of BNP Paribas enabled.",
    ),
    WritePath(
        "batch-disable",
        "E4",
        "E1",
        lambda c: [("connector", c[i]["uuid"]) for i in (0, 1, 5)],
        True,
        "all 3 succeeded",
    ),
    WritePath(
        "batch-enable",
        "E4",
        "E1",
        lambda c: [("connector", c[i]["uuid"]) for i in (2, 3, 4)],
        False,
        "all 3 succeeded",
    ),
]
MODES = ("service", "view", "htmx")


def prepare(catalogue: list[dict[str, Any]]) -> None:
    """Two more hidden connectors, so a batch can enable three; the copy refreshed."""
    for index in (3, 4):
        set_connector_hidden(catalogue[index]["uuid"], True)
    assert catalogue_refresh(trigger="test").status == "success"


def _write_by_service(path: WritePath, keys: list[Key], actor: Any) -> None:
    reason = f"fault suite {path.name}"
    if path.is_batch:
        batch_execute(
            actor=actor,
            uuids=[k[1] for k in keys],
            enabled=not path.off,
            reason=reason,
            confirm_count=None,
            request_meta=None,
        )
    elif keys[0][0] == "connector":
        connector_set_enabled(
            actor=actor,
            uuid=keys[0][1],
            enabled=not path.off,
            reason=reason,
            seen_hidden=not path.off,
            request_meta=None,
        )
    else:
        source_set_enabled(
            actor=actor,
            uuid=keys[0][1],
            source_id=int(keys[0][2]),
            enabled=not path.off,
            reason=reason,
            seen_disabled=not path.off,
            request_meta=None,
        )


def _write_by_view(path: WritePath, keys: list[Key], client: Client, htmx: bool) -> str:
    flag, seen = ("0" if path.off else "1"), ("0" if path.off else "1")
    data: dict[str, Any] = {"enabled": flag, "reason": f"fault suite {path.name}"}
    if path.is_batch:
        url, data["selection"] = "/changes/batch/apply/", ",".join(k[1] for k in keys)
        data["confirm_count"] = len(keys)
    elif keys[0][0] == "connector":
        url, data["seen_hidden"] = f"/connectors/{keys[0][1]}/state/", seen
    else:
        url, data["seen_disabled"] = f"/connectors/{keys[0][1]}/sources/{keys[0][2]}/state/", seen
    headers = {"HX-Request": "true"} if htmx and not path.is_batch else {}
    response = client.post(url, data, headers=headers, follow=not headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def run_case(
    path: WritePath, fault: Fault, mode: str, catalogue: list[dict[str, Any]], actor: Any
) -> None:
    """One cell of the matrix; raises AssertionError on any broken promise."""
    keys = path.targets(catalogue)
    before = {k: local_off(k) for k in keys}
    assert all(v != path.off for v in before.values()), "the case starts from the other state"
    first_seq = (AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()) or 0
    faults.clear()
    endpoint = path.read_endpoint if fault.on_read else path.write_endpoint
    faults.inject(endpoint=endpoint, **fault.options)
    if mode == "service":
        _write_by_service(path, keys, actor)
        page = ""
    else:
        client = Client()
        client.force_login(actor)
        page = _write_by_view(path, keys, client, htmx=mode == "htmx")
    assert faults.active() == [], "the fault did not fire"
    TALLY["injected"] += 1
    # The user is told what happened.
    if page:
        told = (path.done,) if fault.outcome == Outcome.SUCCEEDED else MESSAGES[fault.outcome]
        assert any(text in page for text in told), page[-2000:]
    # Nothing lost: one intent entry per target, each with the expected outcome.
    new = with_current_outcome(AuditEntry.objects.filter(seq__gt=first_seq)).order_by("seq")
    intents = [e for e in new if e.connector_uuid and e.action != "export"]
    TALLY["intents"] += len(keys)
    TALLY["entries"] += len(intents)
    TALLY["lost"] += len(keys) - len(intents)
    assert len(intents) == len(keys), [(e.action, e.outcome) for e in new]
    assert {e.current_outcome for e in intents} == {fault.outcome}
    # Powens' real state, and a local copy that is either untouched or the true new state.
    truth = {k: sandbox_off(k) for k in keys}
    assert truth == {k: (path.off if fault.applied else before[k]) for k in keys}
    for key in keys:
        assert local_off(key) in (before[key], truth[key])
    # Reconciliation resolves every unknown to what Powens shows; a refresh realigns the copy.
    faults.clear()
    audit_reconcile(actor=None, min_age_seconds=0)
    resolved = with_current_outcome(AuditEntry.objects.filter(pk__in=[e.pk for e in intents]))
    expected = Outcome.SUCCEEDED if fault.applied else Outcome.FAILED
    assert {e.current_outcome for e in resolved} == {expected}
    assert catalogue_refresh(trigger="test").status == "success"
    assert {k: local_off(k) for k in keys} == truth
    report = chain_verify()
    assert report.ok, report.first_break
