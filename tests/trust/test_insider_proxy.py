"""``X-Forwarded-Proto`` is only believed when a proxy is configured to set it.

Without a proxy the header comes from the client: honouring it would let anyone on plain HTTP
claim HTTPS (no redirect to HTTPS, and Django believing the connection is secure). Settings are
read once at import, so each case runs production settings in a subprocess.
"""

import json

import pytest

from tests.infra.test_production_settings import run_django

PROBE = """
import json, os, django
os.environ['DJANGO_SETTINGS_MODULE'] = 'powens_admin.settings'
django.setup()
from django.conf import settings
from django.test import Client
response = Client(HTTP_HOST='connectors.example.com').get(
    '/connectors/', headers={'X-Forwarded-Proto': 'https'})
print(json.dumps({'header': getattr(settings, 'SECURE_PROXY_SSL_HEADER', None),
    'status': response.status_code, 'location': response.get('Location'),
    'secure': response.wsgi_request.is_secure()}))
"""


def forged_https(proxies: str) -> dict:
    result = run_django({"TRUSTED_PROXY_COUNT": proxies, "LOG_LEVEL": "ERROR"}, "-c", PROBE)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_a_proxy_a_forged_forwarded_proto_is_ignored():
    seen = forged_https("0")
    assert seen["header"] is None
    assert (seen["status"], seen["secure"]) == (301, False)
    assert seen["location"] == "https://connectors.example.com/connectors/"


@pytest.mark.parametrize("proxies", ["1", "2"])
def test_behind_a_proxy_its_forwarded_proto_is_believed(proxies):
    seen = forged_https(proxies)
    assert seen["header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    # Believed secure: no HTTPS redirect, straight to the sign-in page.
    assert (seen["status"], seen["secure"]) == (302, True)
    assert seen["location"] == "/accounts/login/?next=/connectors/"
