"""Turning HTTP outcomes into ``PowensError``s, without ever leaking the config token."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from urllib3.exceptions import NewConnectionError

from . import _parse as p
from ._scrub import REDACTED, redact, secret_forms
from .errors import (
    PowensAuthError,
    PowensBadRequest,
    PowensConflict,
    PowensError,
    PowensNotFound,
    PowensRateLimited,
    PowensTimeout,
    PowensUnavailable,
)

# Transient answers: a read may retry them, honouring their Retry-After when they send one.
RETRY_STATUSES = frozenset({429, 502, 503, 504})
_BEARER = re.compile(r"(Bearer\s+)\S+", re.IGNORECASE)
# Of an error answer we keep only the envelope's fields, each scrubbed and cut to its size
# here (characters), never the raw body: it may be a megabyte of echoed request.
ENVELOPE_CAPS = {"code": 64, "description": 500, "message": 500}
# Longer input is not even scanned: only its length counts in the marker.
_SCAN_MARGIN = 256
# Room a cut text leaves for "… [truncated 1,234,567 chars]".
_MARKER_ROOM = 40
# Failures after the request may have been sent: the answer, not the request, was lost.
_LOST = (
    requests.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


class Secret:
    """Holds the config token; its str/repr never show it, so it cannot leak by accident."""

    __slots__ = ("_forms", "_value")

    def __init__(self, value: str) -> None:
        self._value = value or ""
        self._forms = secret_forms(self._value)

    def reveal(self) -> str:
        return self._value

    def scrub(self, text: str) -> str:
        """``text`` without the token in any of its forms (``_scrub``) and without any
        ``Bearer …`` credential."""
        return _BEARER.sub(rf"\g<1>{REDACTED}", redact(text, self._forms))

    def __repr__(self) -> str:
        return "Secret('[redacted]')"

    __str__ = __repr__


def _error_class(status: int) -> type[PowensError]:
    """By status, as Powens' codes are open; unknown 4xx are the caller's fault, 5xx are not."""
    if status in (401, 403):
        return PowensAuthError
    if status == 404:
        return PowensNotFound
    if status == 409:
        return PowensConflict
    if status == 429:
        return PowensRateLimited
    if status >= 500:
        return PowensUnavailable
    if status >= 400:
        return PowensBadRequest
    return PowensError


def _request_id(value: Any) -> int | None:
    if isinstance(value, str) and value.isdecimal():  # isdigit() lets "¹" through to int()
        return int(value)
    return p.as_int(value)


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date; None when absent or invalid."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def error_from_response(response: requests.Response, token: Secret) -> PowensError:
    """The error for a non-2xx answer, from its status and Powens' envelope when present."""
    status = response.status_code
    try:
        envelope = response.json()
    except ValueError:
        envelope = None
    if not isinstance(envelope, dict):
        envelope = {}

    def text(key: str) -> str | None:
        value = p.as_str(envelope.get(key))
        return envelope_text(value, ENVELOPE_CAPS[key], token) if value is not None else None

    cls = _error_class(status)
    kwargs: dict[str, Any] = {
        "status": status,
        "code": text("code"),
        "message": text("message"),
        "request_id": _request_id(envelope.get("request_id")),
    }
    if status in RETRY_STATUSES:
        kwargs["retry_after"] = parse_retry_after(response.headers.get("Retry-After"))
    reason = envelope_text(response.reason or "", ENVELOPE_CAPS["description"], token)
    description = text("description") or f"HTTP {status} {reason}"
    return cls(description.strip(), **kwargs)


def envelope_text(value: str, cap: int, token: Secret) -> str:
    """One upstream text as we keep it: scrubbed, then at most ``cap`` characters; a cut one
    ends with a marker saying how many characters were dropped."""
    scanned = token.scrub(value[: cap + _SCAN_MARGIN])
    unscanned = max(0, len(value) - cap - _SCAN_MARGIN)
    if len(scanned) <= cap and not unscanned:
        return scanned
    keep = cap - _MARKER_ROOM
    return scanned[:keep] + f"… [truncated {len(scanned) - keep + unscanned:,} chars]"


def _connect_failed(exc: requests.RequestException) -> bool:
    """True when the request never reached Powens (so a write was certainly not applied)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    seen: list[Any] = [exc, *exc.args]
    seen += [getattr(item, "reason", None) for item in list(seen)]
    return any(isinstance(item, NewConnectionError) for item in seen)


def error_from_exception(
    exc: requests.RequestException, *, write: bool
) -> tuple[PowensError, bool]:
    """The error for a request that got no (complete) answer, and whether a read may retry.

    Descriptions are for people and name no exception class (the attempt's log line records
    it); ``requests`` messages are not used: they carry URLs, and the exception carries the
    prepared request, headers included.
    """
    if _connect_failed(exc):
        return PowensUnavailable("Could not connect to Powens."), True
    if isinstance(exc, requests.Timeout):
        return PowensTimeout("Powens did not answer in time; outcome unknown."), False
    lost = isinstance(exc, _LOST)
    if lost and write:
        return PowensTimeout("The connection to Powens was lost; outcome unknown."), False
    if lost:
        return PowensUnavailable("The connection to Powens was lost."), True
    return PowensUnavailable("The request to Powens failed."), False
