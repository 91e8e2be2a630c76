"""Structured logging: one JSON object per line, secrets scrubbed, request id attached.

Log lines are read by machines (a log shipper) and by people grepping for a request id, so each
record becomes a single JSON line with a fixed set of keys. The request id of the request being
served (``connectors_ui.web.middleware``) is attached to every record emitted meanwhile, so the
request line and its Powens call lines can be joined.

Scrubbing is defence in depth: the Powens client already never logs the config token, but a
formatted message from any library could contain it, so the final text is scrubbed too.
"""

import contextvars
import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from django.conf import settings

REDACTED = "[redacted]"
_BEARER = re.compile(r"(Bearer\s+)[^\s\"',;]+", re.IGNORECASE)
# Extra attributes worth keeping, with the key they get in the JSON line.
EXTRA_KEYS = {
    "request_id": "request_id",
    "user": "user",
    "status": "status",
    "duration_ms": "duration_ms",
    "method": "method",
    "path": "path",
    "powens_status": "powens_status",
    "powens_duration_ms": "powens_duration_ms",
}

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "current_request_id", default=""
)


def secrets_to_scrub() -> list[str]:
    """The values that must never reach a log line: the config token, the secret key and the
    audit log's keys."""
    values = [
        getattr(settings, "POWENS_CONFIG_TOKEN", ""),
        getattr(settings, "POWENS_SANDBOX_TOKEN", ""),
        getattr(settings, "SECRET_KEY", ""),
        *getattr(settings, "AUDIT_KEYS", {}).values(),
    ]
    # Very short values would redact ordinary words; real secrets are long.
    return sorted({v for v in values if isinstance(v, str) and len(v) >= 8}, key=len, reverse=True)


def scrub(text: str) -> str:
    """``text`` without any known secret and without any ``Bearer …`` credential."""
    for secret in secrets_to_scrub():
        text = text.replace(secret, REDACTED)
    return _BEARER.sub(rf"\g<1>{REDACTED}", text)


class RequestIdFilter(logging.Filter):
    """Adds the id of the request being served, unless the record already carries one.

    Django logs 4xx/5xx responses on ``django.request`` once the middleware chain has returned
    (so the context variable is reset); those records carry the request itself instead.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", "") or current_request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """``{"ts": …, "level": …, "logger": …, "msg": …, <known extras>}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": scrub(record.getMessage()),
        }
        for attribute, key in EXTRA_KEYS.items():
            value = getattr(record, attribute, None)
            if value not in (None, ""):
                line[key] = value
        if not line.get("request_id") and current_request_id.get():
            line["request_id"] = current_request_id.get()
        if record.exc_info:
            line["exc"] = scrub(self.formatException(record.exc_info))
        # json.dumps escapes newlines, so a traceback stays on the record's single line.
        return scrub(json.dumps(line, default=str, ensure_ascii=False))
