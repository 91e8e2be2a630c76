"""The config token, SECRET_KEY and the audit keys never appear in a page, fragment, CSV, log
line, audit entry or error response — also when Powens answers with an error that echoes the
request."""

import json
import logging
import re

import pytest
import responses
from django.conf import settings
from django.test import Client, override_settings

from audit.models import AuditEntry, AuditOutcome
from connectors_ui.models import CatalogueSync
from connectors_ui.powens import get_client
from connectors_ui.web.request_log import JsonFormatter, RequestIdFilter
from tests.fixtures.users import TEST_PASSWORD

TOKEN = "cfg-TOKEN-7f3a9c2e51d84b0f-do-not-leak"
REMOTE = "https://acme.biapi.invalid/2.0"


class Collector:
    """Everything the app emitted during the session, as text."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def keep(self, response) -> None:
        body = b"".join(response.streaming_content) if response.streaming else response.content
        self.texts.append(body.decode("utf-8", "replace"))
        self.texts.append(json.dumps(dict(response.items())))

    def everything(self, caplog) -> str:
        formatter, request_id = JsonFormatter(), RequestIdFilter()
        lines = []
        for record in caplog.records:
            request_id.filter(record)
            lines.append(formatter.format(record))
        stored = [
            json.dumps(list(AuditEntry.objects.values()), default=str),
            json.dumps(list(AuditOutcome.objects.values()), default=str),
            json.dumps(list(CatalogueSync.objects.values()), default=str),
        ]
        return "\n".join([*self.texts, *lines, *stored])


def assert_no_secret(text: str) -> None:
    assert TOKEN not in text
    assert settings.SECRET_KEY not in text
    assert not any(secret in text for secret in settings.AUDIT_KEYS.values())
    assert not re.search(r"Bearer\s+(?!\[redacted\])\S", text)


@pytest.fixture
def token_settings():
    with override_settings(POWENS_CONFIG_TOKEN=TOKEN, POWENS_SANDBOX_TOKEN=TOKEN):
        get_client.cache_clear()
        yield
    get_client.cache_clear()


def sign_in(editor_user) -> tuple[Client, Collector]:
    client, seen = Client(), Collector()
    seen.keep(client.get("/accounts/login/"))
    response = client.post(
        "/accounts/login/", {"username": editor_user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    return client, seen


def toggle(client: Client, uuid: str, *, hidden: bool, htmx: bool = False):
    data = {"enabled": "1" if hidden else "0", "seen_hidden": "1" if hidden else "0"}
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(
        f"/connectors/{uuid}/state/", {**data, "reason": "secrets test"}, headers=headers
    )


def test_a_full_session_with_faults_leaks_no_secret(
    token_settings, small_catalogue, editor_user, faults, caplog
):
    caplog.set_level(logging.DEBUG)
    client, seen = sign_in(editor_user)
    bnp, credit = small_catalogue[0], small_catalogue[1]
    for url in ("/connectors/", "/connectors/?q=bnp&country=fr", f"/connectors/{bnp['uuid']}/"):
        seen.keep(client.get(url))
        seen.keep(client.get(url, headers={"HX-Request": "true"}))
    seen.keep(toggle(client, bnp["uuid"], hidden=False, htmx=True))  # succeeds
    seen.keep(toggle(client, bnp["uuid"], hidden=False))  # stale now: refused
    for kind, options in [
        ("status", {"status": 500}),
        ("status", {"status": 401}),
        ("status", {"status": 429, "retry_after": 3}),
        ("timeout", {}),
        ("reset", {}),
        ("malformed", {"apply_write": True}),
    ]:
        faults.inject(kind, endpoint="E3", **options)
        seen.keep(toggle(client, credit["uuid"], hidden=False, htmx=True))
        faults.clear()
    source = bnp["sources"][0]["id"]
    faults.inject("status", endpoint="E8", status=503)
    seen.keep(
        client.post(
            f"/connectors/{bnp['uuid']}/sources/{source}/state/",
            {"enabled": "0", "seen_disabled": "0", "reason": "secrets"},
        )
    )
    faults.inject("status", endpoint="E4", status=500)
    uuids = [c["uuid"] for c in small_catalogue[3:6]]
    seen.keep(client.post("/changes/batch/preview/", {"enabled": "0", "uuids": uuids}))
    seen.keep(
        client.post(
            "/changes/batch/apply/",
            {"enabled": "0", "selection": ",".join(uuids), "reason": "s", "confirm_count": 3},
        ),
    )
    faults.inject("status", endpoint="E1", status=500, count=5)
    seen.keep(client.post("/connectors/refresh/"))
    faults.clear()
    seen.keep(client.post("/connectors/refresh/"))
    for url in ("/audit/", "/connectors/export.csv", "/connectors/fields.csv"):
        seen.keep(client.get(url))
    seen.keep(client.get("/connectors/sources.csv"))
    seen.keep(client.get("/audit/export.csv"))
    for pk in AuditEntry.objects.values_list("pk", flat=True):
        seen.keep(client.get(f"/audit/{pk}/"))
    seen.keep(Client().get("/health/"))
    seen.keep(client.get("/accounts/password_change/"))
    seen.keep(client.post("/accounts/logout/"))
    everything = seen.everything(caplog)
    assert AuditEntry.objects.count() >= 10  # the session really did the work
    assert "Injected sandbox error" in everything or "500" in everything
    assert_no_secret(everything)


def echo(request):
    """An upstream that echoes the request, credentials and all, in every error field."""
    leak = f"{request.method} {request.url} headers={dict(request.headers)} body={request.body}"
    body = {"code": f"bug {leak}", "description": leak, "message": leak, "request_id": 7}
    return 500, {"Content-Type": "application/json", "X-Echo": leak}, json.dumps(body)


def echo_html(request):
    return 502, {"Content-Type": "text/html"}, f"<pre>{dict(request.headers)}</pre>"


@pytest.mark.parametrize("answer", [echo, echo_html], ids=["json-envelope", "html-page"])
def test_an_upstream_error_echoing_the_request_reaches_no_page_log_or_audit(
    small_catalogue, editor_client, caplog, answer
):
    caplog.set_level(logging.DEBUG)
    bnp = small_catalogue[0]
    remote = override_settings(
        POWENS_SANDBOX=False,
        POWENS_BASE_URL=REMOTE,
        POWENS_CONFIG_TOKEN=TOKEN,
        POWENS_DOMAIN="demo-sandbox",  # the domain whose local copy the fixture loaded
    )
    seen = Collector()
    with remote, responses.RequestsMock() as upstream:
        get_client.cache_clear()
        connector = {k: v for k, v in bnp.items() if k not in ("sources", "fields")}
        upstream.get(f"{REMOTE}/connectors/{bnp['uuid']}", json=connector)
        upstream.add_callback("PUT", f"{REMOTE}/connectors/{bnp['uuid']}", callback=answer)
        response = toggle(editor_client, bnp["uuid"], hidden=False, htmx=True)
        seen.keep(response)
        [put] = [call for call in upstream.calls if call.request.method == "PUT"]
        sent = put.request.headers["Authorization"]
        assert sent == f"Bearer {TOKEN}"  # the echo really contains the token
    get_client.cache_clear()
    assert "reading it back shows the change was not applied" in response.content.decode()
    entry = AuditEntry.objects.latest("seq")
    seen.keep(editor_client.get(f"/audit/{entry.pk}/"))
    seen.keep(editor_client.get("/audit/export.csv"))
    # A 5xx to a write may hide an applied one: unknown, then what the read made at once shows.
    assert [o.outcome for o in entry.outcomes.order_by("seq")] == ["unknown", "failed"]
    assert_no_secret(seen.everything(caplog))


def test_an_unexpected_crash_shows_a_bare_500_and_logs_scrubbed(
    token_settings, small_catalogue, viewer_user, caplog, monkeypatch
):
    def explode(*args, **kwargs):
        raise RuntimeError(f"crash while holding {TOKEN} and {settings.SECRET_KEY}")

    monkeypatch.setattr("connectors_ui.catalogue.views.connector_search", explode)
    caplog.set_level(logging.ERROR)
    client = Client(raise_request_exception=False)
    client.force_login(viewer_user)
    response = client.get("/connectors/")
    assert response.status_code == 500
    assert TOKEN not in response.content.decode()
    assert "RuntimeError" not in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "django.request"]
    line = JsonFormatter().format(record)
    assert "RuntimeError: crash while holding [redacted] and [redacted]" in line
    assert_no_secret(line)


def test_client_repr_and_errors_hide_the_token(token_settings):
    client = get_client()
    assert TOKEN not in repr(client) and TOKEN not in str(vars(client))
