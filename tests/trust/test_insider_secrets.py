"""A misbehaving upstream that echoes the config token *transformed* — upper-cased,
percent-encoded, base64-encoded at any alignment, wrapped over lines, or split across fields —
gets it onto no page, audit row, audit CSV, log line or exception; and of an error answer only
the envelope's fields are kept, each capped with a visible marker, never the raw body."""

import base64
import json
import logging
import re
from urllib.parse import quote, unquote

import pytest
import responses
from django.test import override_settings

from audit.models import AuditEntry, AuditOutcome, ResolvedBy
from connectors_ui.powens import get_client
from connectors_ui.powens.client import PowensClient
from connectors_ui.powens.errors import PowensError
from tests.trust.test_secrets import REMOTE, Collector, toggle

TOKEN = "cfg-Tk7f3a9c2e51d8/4b0fZq+Live=4422"
PIECE = 8  # the shortest run of the token counted as a leak
UUID = "0bad0bad-0bad-4bad-8bad-0bad0bad0bad"


def b64(data: bytes, *, urlsafe: bool = False, pad: bool = True) -> str:
    encoded = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(data).decode()
    return encoded if pad else encoded.rstrip("=")


REQUEST = f"PUT /2.0/connectors/x HTTP/1.1\r\nAuthorization: Bearer {TOKEN}\r\n".encode()
# Each: the envelope fields a hostile upstream answers with.
ECHOES = {
    "upper-cased": {"description": f"token {TOKEN.upper()} rejected"},
    "lower-cased": {"message": f"token={TOKEN.lower()}"},
    "percent-encoded": {"description": f"GET /?t={quote(TOKEN, safe='')}&x=1"},
    "every byte percent-encoded": {"message": "".join(f"%{b:02x}" for b in TOKEN.encode())},
    "base64 alone": {"description": b64(TOKEN.encode())},
    "base64 unpadded": {"description": b64(TOKEN.encode(), pad=False)},
    "base64 at alignment 1": {"description": b64(b"x" + TOKEN.encode())},
    "base64 at alignment 2": {"description": b64(b"xy" + TOKEN.encode())},
    "urlsafe base64 of the request": {"message": b64(REQUEST, urlsafe=True, pad=False)},
    "base64 wrapped over lines": {
        "description": "\n".join(re.findall(".{1,19}", b64(b"echo: " + REQUEST)))
    },
    "split across fields": {"description": f"auth {TOKEN[:17]}", "message": f"{TOKEN[17:]} ok"},
    "split across lines": {"code": "bad", "description": f"{TOKEN[:15]}\n  {TOKEN[15:]}"},
    "split with the case changed": {"description": f"{TOKEN[:20].upper()}\r\n{TOKEN[20:]}"},
}


def _pieces(data: str | bytes) -> list:
    return [data[i : i + PIECE] for i in range(len(data) - PIECE + 1)]


def _base64_runs(flat: str) -> list[bytes]:
    """Every run of base64 characters decoded at each of its four offsets."""
    decoded = []
    for run in re.findall(r"[A-Za-z0-9+/_-]{8,}", flat):
        run = run.replace("-", "+").replace("_", "/")
        for offset in range(4):
            chunk = run[offset:]
            decoded.append(base64.b64decode(chunk[: len(chunk) // 4 * 4]))
    return decoded


def token_traces(text: str) -> list[str]:
    """How the token (8 characters of it or more) still shows in ``text``: an independent
    decoder of what ``ECHOES`` send, not the scrubber's own rules."""
    flat = "".join(text.split())
    traces = []
    if any(piece in flat.lower() for piece in _pieces(TOKEN.lower())):
        traces.append("plain")
    if any(piece in unquote(flat).lower() for piece in _pieces(TOKEN.lower())):
        traces.append("percent-encoded")
    raw = _pieces(TOKEN.encode())
    if any(piece in blob for blob in _base64_runs(flat) for piece in raw):
        traces.append("base64")
    return traces


def test_the_detector_sees_every_echo_unscrubbed():
    for name, fields in ECHOES.items():
        assert token_traces(json.dumps(fields)), name


def hostile(fields: dict[str, str]):
    def answer(request):
        body = {"code": "bug", "description": "", "message": None, "request_id": 7, **fields}
        return 500, {"Content-Type": "application/json"}, json.dumps(body)

    return answer


@pytest.mark.parametrize("name", ECHOES)
def test_the_client_error_keeps_no_form_of_the_token(name):
    client = PowensClient(base_url=REMOTE, config_token=TOKEN, max_retries=0)
    with responses.RequestsMock() as upstream:
        upstream.add_callback("PUT", f"{REMOTE}/connectors/{UUID}", callback=hostile(ECHOES[name]))
        with pytest.raises(PowensError) as info:
            client.update_connector(UUID, hidden=True)
    error = info.value
    text = " ".join([str(error), repr(error), str(vars(error)), repr(error.args)])
    assert token_traces(text) == []
    assert "[redacted]" in text


@pytest.fixture
def remote(small_catalogue):
    """A real Powens domain (``responses`` answers it), once the local copy is loaded."""
    with override_settings(
        POWENS_SANDBOX=False,
        POWENS_BASE_URL=REMOTE,
        POWENS_CONFIG_TOKEN=TOKEN,
        POWENS_DOMAIN="demo-sandbox",  # the domain whose local copy the fixture loaded
    ):
        get_client.cache_clear()
        yield small_catalogue
    get_client.cache_clear()


def toggle_against(fields: dict[str, str], bnp: dict, editor_client, seen: Collector) -> None:
    connector = {k: v for k, v in bnp.items() if k not in ("sources", "fields")}
    with responses.RequestsMock() as upstream:
        upstream.get(f"{REMOTE}/connectors/{bnp['uuid']}", json=connector)
        upstream.add_callback("PUT", f"{REMOTE}/connectors/{bnp['uuid']}", callback=hostile(fields))
        seen.keep(toggle(editor_client, bnp["uuid"], hidden=False, htmx=True))
        seen.keep(toggle(editor_client, bnp["uuid"], hidden=False))


def test_no_echo_reaches_a_page_an_audit_row_the_csv_or_a_log(remote, editor_client, caplog):
    caplog.set_level(logging.DEBUG)
    seen, bnp = Collector(), remote[0]
    for fields in ECHOES.values():
        toggle_against(fields, bnp, editor_client, seen)
    outcomes = AuditOutcome.objects.filter(outcome="unknown")
    assert outcomes.count() == 2 * len(ECHOES)  # every toggle reached Powens and was recorded
    for entry in AuditEntry.objects.all():
        seen.keep(editor_client.get(f"/audit/{entry.pk}/"))
    seen.keep(editor_client.get("/audit/"))
    seen.keep(editor_client.get("/audit/export.csv"))
    everything = seen.everything(caplog)
    assert "[redacted]" in everything
    assert token_traces(everything) == []


def test_an_error_body_is_kept_as_its_envelope_fields_each_capped(remote, editor_client):
    bnp, huge = remote[0], "x" * 1_000_000
    fields = {"code": "c" * 5_000, "description": f"too long {huge}", "message": f"msg {huge}"}
    toggle_against(fields, bnp, editor_client, Collector())
    # The write's own outcome (a lost answer is then read back and resolved by another).
    outcome = AuditOutcome.objects.filter(resolved_by=ResolvedBy.CALL).latest("seq")
    assert outcome.powens_request_id == "7"
    assert len(outcome.error_code) <= 64 and outcome.error_code.endswith(" chars]")
    message = outcome.error_message
    assert len(message) <= 500 and message.startswith("msg xxx")
    kept, dropped = re.fullmatch(r"(msg x+)… \[truncated ([\d,]+) chars\]", message).groups()
    assert len(kept) + int(dropped.replace(",", "")) == len(fields["message"])
    stored = json.dumps(list(AuditOutcome.objects.values()), default=str)
    stored += json.dumps(list(AuditEntry.objects.values()), default=str)
    assert len(stored) < 10_000  # two toggles, nothing of the megabyte bodies
