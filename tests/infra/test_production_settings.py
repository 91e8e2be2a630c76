"""Production refuses unsafe settings at start-up, and a proper one passes check --deploy.

Each case runs in a subprocess because settings are evaluated once, at import. Every relevant
variable is set explicitly (empty = unset) so that a developer's .env cannot change the outcome.
"""

import os
import subprocess
import sys

import pytest
from django.conf import settings

GOOD_SECRET = "s3cret-" + "k" * 50
SAFE_PRODUCTION = {
    "DJANGO_ENV": "production",
    "DEBUG": "false",
    "SECRET_KEY": GOOD_SECRET,
    "ALLOWED_HOSTS": "connectors.example.com",
    "POWENS_DOMAIN": "acme-sandbox",
    "POWENS_API_URL": "",
    "POWENS_CONFIG_TOKEN": "a-config-token",
    "POWENS_ALLOW_SANDBOX": "false",
    "DATABASE_URL": "sqlite:////tmp/unused-check-deploy.sqlite3",
}


def run_django(overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # The browser fixtures relax Django's async guard in this process; production must not.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {**inherited, **SAFE_PRODUCTION, **overrides}
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def start_django(overrides: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'powens_admin.settings'; "
    return run_django(overrides, "-c", code + "django.setup()")


def test_safe_production_settings_start():
    result = start_django({})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DEBUG": "1"}, "DEBUG must be off in production."),
        ({"SECRET_KEY": ""}, "Set SECRET_KEY to a long random value in production."),
        ({"SECRET_KEY": "short"}, "Set SECRET_KEY to a long random value in production."),
        (
            {"SECRET_KEY": "insecure-dev-key-never-use-in-production"},
            "Set SECRET_KEY to a long random value in production.",
        ),
        ({"POWENS_DOMAIN": ""}, "No POWENS_DOMAIN or POWENS_API_URL"),
        ({"DJANGO_ENV": "staging"}, "DJANGO_ENV must be production, development or test."),
    ],
)
def test_production_refuses_to_start(overrides, message):
    result = start_django(overrides)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_sandbox_in_production_only_when_explicitly_allowed():
    result = start_django({"POWENS_DOMAIN": "", "POWENS_ALLOW_SANDBOX": "true"})
    assert result.returncode == 0, result.stderr


def test_check_deploy_reports_no_issues():
    result = run_django({}, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
