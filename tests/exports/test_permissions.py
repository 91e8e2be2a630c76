"""Viewers, editors and admins may export; anonymous users and users without a role may not."""

import pytest
from django.test import Client

from audit.models import Action
from audit.services import audit_record_refused

URLS = [
    "/connectors/export.csv?country=fr",
    "/connectors/fields.csv",
    "/connectors/sources.csv",
    "/audit/export.csv",
]


@pytest.mark.parametrize("url", URLS)
def test_anonymous_is_sent_to_login(small_catalogue, anon_client, url):
    response = anon_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("url", URLS)
def test_user_without_role_is_refused(small_catalogue, make_user, url):
    client = Client()
    client.force_login(make_user(None))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("role", ["viewer", "editor", "admin"])
@pytest.mark.parametrize("url", URLS)
def test_every_role_may_export(small_catalogue, make_user, role, url):
    audit_record_refused(
        actor=None, action=Action.CONNECTOR_ENABLE, code="stale", message="m", request_meta=None
    )
    client = Client()
    client.force_login(make_user(role))
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).count(b"\r\n") >= 2


@pytest.mark.parametrize("url", URLS)
def test_only_get(small_catalogue, viewer_client, url):
    assert viewer_client.post(url).status_code == 405
