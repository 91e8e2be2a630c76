"""Every setting read from the environment is documented in README.md and .env.example."""

import re
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
SETTINGS_VARIABLES = sorted(
    set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', (BASE / "powens_admin/settings.py").read_text()))
)


def test_settings_read_variables():
    assert {"DJANGO_ENV", "SECRET_KEY", "DATABASE_URL", "POWENS_CONFIG_TOKEN"} <= set(
        SETTINGS_VARIABLES
    )


@pytest.mark.parametrize("variable", SETTINGS_VARIABLES)
def test_variable_is_documented(variable):
    assert f"| `{variable}` |" in (BASE / "README.md").read_text()
    assert re.search(rf"^# {variable}=", (BASE / ".env.example").read_text(), re.MULTILINE)
