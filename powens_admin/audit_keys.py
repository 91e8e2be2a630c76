"""The audit signing keys' setting (``AUDIT_KEYS``, ``AUDIT_KEY_ID``): parsed and checked here so
that settings.py reads as a list of settings. Error messages never quote a value: it holds
secrets."""

import re

from django.core.exceptions import ImproperlyConfigured

AUDIT_KEY_MIN_LENGTH = 32
# Outside production a documented, non-secret development key; production refuses it.
INSECURE_DEV_AUDIT_KEY = "dev:insecure-audit-key-never-use-in-production"
_KID = re.compile(r"[A-Za-z0-9_.-]{1,32}")


def audit_keys_parse(pairs: list[str], *, production: bool) -> dict[str, str]:
    """``["kid:secret", …]`` as ``{kid: secret}``, in their order (the last signs by default)."""
    keys: dict[str, str] = {}
    for pair in pairs:
        kid, _, secret = pair.strip().partition(":")
        if not _KID.fullmatch(kid) or not secret or kid in keys:
            raise ImproperlyConfigured(
                "AUDIT_KEYS must be distinct kid:secret pairs separated by commas (a kid is 1-32 "
                "letters, digits, '.', '_' or '-')."
            )
        keys[kid] = secret
    if not keys and not production:
        raise ImproperlyConfigured("AUDIT_KEYS is empty: unset it to use the development key.")
    return keys


def audit_key_id_choose(chosen: str, keys: dict[str, str]) -> str:
    """The kid that signs new records: ``chosen`` (AUDIT_KEY_ID), else the last listed."""
    key_id = chosen or (list(keys)[-1] if keys else "")
    if keys and key_id not in keys:
        raise ImproperlyConfigured("AUDIT_KEY_ID must name one of the keys in AUDIT_KEYS.")
    return key_id


def audit_keys_refuse_weak(keys: dict[str, str]) -> None:
    """Production's rule: some keys, each long and none the development one."""
    if not keys or any(
        len(secret) < AUDIT_KEY_MIN_LENGTH or secret == INSECURE_DEV_AUDIT_KEY.partition(":")[2]
        for secret in keys.values()
    ):
        raise ImproperlyConfigured(
            f"Set AUDIT_KEYS to kid:secret pairs with secrets of {AUDIT_KEY_MIN_LENGTH}+ random "
            "characters in production."
        )
