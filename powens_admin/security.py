"""Security settings that are rules rather than values: the Content Security Policy, and the
unsafe values production refuses to start with (settings.py calls it last, on the values it
read). Error messages never quote a value: several hold secrets."""

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


def production_refuse_unsafe(
    *,
    debug: bool,
    secret_key: str,
    webhook_key: str,
    oidc_issuer: str,
    audit_keys: dict[str, str],
    checkpoint_dir: str,
    sandbox: bool,
    allow_sandbox: bool,
) -> None:
    """Raise ImproperlyConfigured on the first value production may not run with."""
    if debug:
        raise ImproperlyConfigured("DEBUG must be off in production.")
    if _secret_key_is_weak(secret_key):
        raise ImproperlyConfigured("Set SECRET_KEY to a long random value in production.")
    if len(webhook_key) < 32 or webhook_key == INSECURE_DEV_WEBHOOK_KEY:
        raise ImproperlyConfigured("Set WEBHOOK_ENCRYPTION_KEY to 32+ random characters.")
    if oidc_issuer and not oidc_issuer.startswith("https://"):
        raise ImproperlyConfigured("OIDC_ISSUER must be an https:// URL in production.")
    audit_keys_refuse_weak(audit_keys)
    if not checkpoint_dir:
        raise ImproperlyConfigured(
            "Set AUDIT_CHECKPOINT_DIR in production (a directory shipped to write-once storage)."
        )
    if sandbox and not allow_sandbox:
        raise ImproperlyConfigured(
            "No POWENS_DOMAIN or POWENS_API_URL (nor POWENS_DOMAINS): set one, or "
            "POWENS_ALLOW_SANDBOX=true to run the embedded sandbox in production."
        )
