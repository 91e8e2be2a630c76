"""Standard Webhooks headers for a message (the ``standardwebhooks`` package signs).

``webhook-signature`` holds one ``v1,<base64 HMAC-SHA256>`` per secret, space-separated: during
a rotation the new and the previous secret both sign, so a receiver holding either verifies.
"""

from datetime import datetime

from standardwebhooks.webhooks import Webhook

from notify.models import WebhookEndpoint, WebhookMessage
from notify.secrets import secret_decrypt

USER_AGENT = "powens-connectors-admin-webhooks/1"


def endpoint_secrets(endpoint: WebhookEndpoint) -> list[str]:
    """The secrets that sign now: the current one, then the previous during a rotation."""
    stored = [endpoint.secret_encrypted, endpoint.previous_secret_encrypted]
    return [secret_decrypt(token) for token in stored if token]


def webhook_headers(message: WebhookMessage, *, secrets: list[str], at: datetime) -> dict[str, str]:
    signatures = [Webhook(secret).sign(message.message_id, at, message.body) for secret in secrets]
    return {
        "webhook-id": message.message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(signatures),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }
