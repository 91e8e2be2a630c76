"""OIDC_CLIENT_SECRET never appears in a page, a redirect or a log line, including when the
provider refuses the exchange (its error answer is not logged either)."""

import base64
import logging
from urllib.parse import urlsplit

import pytest
from django.test import Client

from connectors_ui.web.request_log import JsonFormatter
from tests.fixtures.oidc_provider import CLIENT_ID, CLIENT_SECRET

pytestmark = pytest.mark.django_db


def test_the_client_secret_is_never_shown_or_logged(oidc_provider, caplog):
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []

    def get(client: Client, url: str):
        response = client.get(url)
        seen.append(response.content.decode() + str(dict(response.items())))
        return response

    oidc_provider.user_set("u-secret", groups=["powens-viewers"])
    good = Client()
    callback = urlsplit(
        oidc_provider.authorize(get(good, "/accounts/oidc/start/")["Location"], "u-secret")
    )
    assert get(good, f"{callback.path}?{callback.query}").status_code == 302
    get(good, "/connectors/")

    refused = Client()
    callback = urlsplit(
        oidc_provider.authorize(get(refused, "/accounts/oidc/start/")["Location"], "u-secret")
    )
    session = refused.session
    [state] = session["oidc_states"]
    session["oidc_states"][state]["code_verifier"] = "y" * 64
    session.save()
    get(refused, f"{callback.path}?{callback.query}")
    get(refused, "/accounts/login/")

    assert [r.pkce for r in oidc_provider.pkce.token_requests] == ["verified", "mismatch"]
    assert all(r.secret == CLIENT_SECRET for r in oidc_provider.pkce.token_requests)  # it was sent
    formatter = JsonFormatter()
    logged = "\n".join(formatter.format(record) for record in caplog.records)
    assert (
        "sign-in with the identity provider failed: HTTPError from the provider (HTTP 400)"
        in logged
    )
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    for text in [*seen, logged]:
        assert CLIENT_SECRET not in text
        assert basic not in text
    assert "PKCE mismatch" not in logged  # the provider's error body stays out of our logs
