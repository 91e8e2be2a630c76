"""Production settings in action: HTTPS redirect, HSTS, secure cookies, headers, and a health
endpoint that reports checks without leaking configuration."""

import json

from django.db import connection

from tests.infra.test_production_settings import run_django

PROBE = """
import json, os, django
os.environ['DJANGO_SETTINGS_MODULE'] = 'powens_admin.settings'
django.setup()
from django.core.management import call_command
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.test.utils import override_settings
from django.conf import settings
# No collectstatic here: serve static names unhashed (the manifest is a deployment step).
override_settings(STORAGES={**settings.STORAGES, 'staticfiles': {
    'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'}}).enable()
call_command('migrate', verbosity=0)
user = get_user_model().objects.create_user('prod-viewer', password='pw-for-prod-123')
user.groups.add(Group.objects.get(name='viewer'))
client = Client(HTTP_HOST='connectors.example.com')
plain = client.get('/connectors/')
health = client.get('/health/', secure=True)
login = client.get('/accounts/login/', secure=True)
signed = client.post('/accounts/login/', {'username': 'prod-viewer', 'password': 'pw-for-prod-123',
    'csrfmiddlewaretoken': login.cookies['csrftoken'].value}, secure=True)
cookies = {name: dict(morsel.items()) for name, morsel in client.cookies.items()}
print(json.dumps({'plain': [plain.status_code, plain.get('Location')],
    'health': [health.status_code, health.content.decode(), dict(health.items())],
    'login': dict(login.items()), 'signed': signed.status_code, 'cookies': cookies}))
"""


def test_production_serves_https_only_with_secure_cookies_and_headers(tmp_path):
    result = run_django(
        {
            "POWENS_DOMAIN": "",
            "POWENS_ALLOW_SANDBOX": "true",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
            "LOG_LEVEL": "ERROR",
        },
        "-c",
        PROBE,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain"] == [301, "https://connectors.example.com/connectors/"]
    headers = seen["login"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert seen["signed"] == 302
    for name in ("csrftoken", "sessionid"):
        assert seen["cookies"][name]["secure"] is True, name
        assert seen["cookies"][name]["samesite"] == "Lax", name
    assert seen["cookies"]["sessionid"]["httponly"] is True
    status, body, _ = seen["health"]
    assert status == 200
    assert json.loads(body) == {  # no worker runs beside this server: queued work would wait
        "status": "degraded",
        "checks": {"app": "ok", "database": "ok", "powens": "ok", "worker": "missing"},
    }


def test_health_reports_a_broken_database_as_503_without_details(anon_client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError(f"cannot reach {connection.settings_dict.get('NAME')} as secret-user")

    with monkeypatch.context() as patch:  # undone before the test database is torn down
        patch.setattr("connectors_ui.web.health.connection.cursor", broken)
        response = anon_client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["checks"]["database"] == "error"
    text = response.content.decode()
    assert "secret-user" not in text and "RuntimeError" not in text
    assert str(connection.settings_dict.get("NAME")) not in text
