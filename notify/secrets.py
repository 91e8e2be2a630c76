"""Webhook signing secrets: generated here, stored encrypted, shown once.

A signing secret must be usable to sign, so it is encrypted (Fernet: AES-128-CBC + HMAC) under
``WEBHOOK_ENCRYPTION_KEY`` from the environment, never hashed; the key is not in the database.
Secrets follow the Standard Webhooks form ``whsec_<base64 of 24 random bytes>``. Nothing here
puts a secret or the key into a message or an exception.
"""

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

SECRET_PREFIX = "whsec_"


class SecretUnreadable(Exception):
    """A stored secret does not decrypt under the configured key (the key changed)."""


def _fernet() -> Fernet:
    # Any long random string works as the setting: it is stretched to Fernet's 32 bytes.
    digest = hashlib.sha256(settings.WEBHOOK_ENCRYPTION_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def secret_generate() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def secret_encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def secret_decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(
            "A webhook secret does not decrypt under WEBHOOK_ENCRYPTION_KEY: rotate the secret."
        ) from None
