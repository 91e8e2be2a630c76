"""Security settings that are rules rather than values: the Content Security Policy, and the
unsafe values production refuses to start with (settings.py calls it last, on the values it
read). Error messages never quote a value: several hold secrets."""

from collections.abc import Mapping
from typing import Any

from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from powens_admin.audit_keys import audit_keys_refuse_weak

# Only ever used outside production; production refuses them below.
INSECURE_DEV_SECRET_KEY = "insecure-dev-key-never-use-in-production"
INSECURE_DEV_WEBHOOK_KEY = "dev-insecure-webhook-key-never-use-in-production"

# No inline script or style, nothing from another origin (htmx is served from static/).
CONTENT_SECURITY_POLICY: dict[str, Any] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}


def _secret_key_is_weak(key: str) -> bool:
    """Django's own rule (check --deploy, security.W009), so a key start-up accepts passes it."""
    return (
        key == INSECURE_DEV_SECRET_KEY
        or len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or key.startswith(SECRET_KEY_INSECURE_PREFIX)
    )


def production_refuse_unsafe(settings: Mapping[str, Any]) -> None:
    """Raise ImproperlyConfigured on the first value production may not run with.

    ``settings``: the settings module's names as read (``globals()`` at its end), so that a new
    rule is written here alone."""
    if settings["DEBUG"]:
        raise ImproperlyConfigured("DEBUG must be off in production.")
    if _secret_key_is_weak(settings["SECRET_KEY"]):
        raise ImproperlyConfigured("Set SECRET_KEY to a long random value in production.")
    webhook_key = settings["WEBHOOK_ENCRYPTION_KEY"]
    if len(webhook_key) < 32 or webhook_key == INSECURE_DEV_WEBHOOK_KEY:
        raise ImproperlyConfigured("Set WEBHOOK_ENCRYPTION_KEY to 32+ random characters.")
    if settings["OIDC_ISSUER"] and not settings["OIDC_ISSUER"].startswith("https://"):
        raise ImproperlyConfigured("OIDC_ISSUER must be an https:// URL in production.")
    audit_keys_refuse_weak(settings["AUDIT_KEYS"])
    if not settings["_checkpoint_dir"]:  # the variable, not the default directory
        raise ImproperlyConfigured(
            "Set AUDIT_CHECKPOINT_DIR in production (a directory shipped to write-once storage)."
        )
    if settings["POWENS_SANDBOX"] and not settings["POWENS_ALLOW_SANDBOX"]:
        raise ImproperlyConfigured(
            "No POWENS_DOMAIN or POWENS_API_URL (nor POWENS_DOMAINS): set one, or "
            "POWENS_ALLOW_SANDBOX=true to run the embedded sandbox in production."
        )
