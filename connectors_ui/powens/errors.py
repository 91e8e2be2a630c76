"""The only exceptions that leave the Powens client.

Callers branch on the class (what kind of failure) and may show ``message`` (Powens' end-user
text) or log ``code``/``request_id``; they never see a ``requests`` exception. Every text in
here has already been scrubbed of the config token by the client, in every form an echoing
server may give it (``_scrub``), and cut to ``_http.ENVELOPE_CAPS`` with a visible marker; of
an error answer only these envelope fields are kept, never its body. So ``str()``/``repr()``
are safe to log, to render and to store in the audit log.
"""

from __future__ import annotations

from typing import Any


class PowensError(Exception):
    """Any failure talking to Powens, with the HTTP status and Powens' error envelope.

    ``status`` is None when no HTTP response was received (connection failure, timeout).
    ``retry_after`` is the answer's ``Retry-After`` in seconds (429 and 502/503/504), if sent.
    """

    def __init__(
        self,
        description: str,
        *,
        status: int | None = None,
        code: str | None = None,
        message: str | None = None,
        request_id: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.status = status
        self.retry_after = retry_after
        self.code = code
        self.description = description
        self.message = message
        self.request_id = request_id
        super().__init__(self._summary())

    def _summary(self) -> str:
        parts = [f"HTTP {self.status}" if self.status is not None else "no response"]
        if self.code:
            parts.append(self.code)
        text = f"Powens {' '.join(parts)}: {self.description}"
        if self.request_id is not None:
            text += f" (request_id={self.request_id})"
        return text

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, "
            f"description={self.description!r}, request_id={self.request_id!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructor: teach pickle (e.g. multiprocessing, test workers) the shape.
        return (_rebuild, (type(self), self.__dict__.copy()))


def _rebuild(cls: type[PowensError], state: dict[str, Any]) -> PowensError:
    error = cls.__new__(cls)
    error.__dict__.update(state)
    Exception.__init__(error, error._summary())
    return error


class PowensAuthError(PowensError):
    """401/403: the config token is missing, wrong, or lacks the scope (or none is configured)."""


class PowensNotFound(PowensError):
    """404: unknown connector, source or route."""


class PowensBadRequest(PowensError):
    """400 and other 4xx not listed here: Powens refused the request as invalid."""


class PowensConflict(PowensError):
    """409: the resource is in a state that forbids the change (e.g. ``connectionLocked``)."""


class PowensRateLimited(PowensError):
    """429: too many calls. ``retry_after`` is Powens' ``Retry-After`` in seconds, if sent."""


class PowensBudgetExhausted(PowensRateLimited):
    """Our own budget of calls to this domain (shared by every process) is used up for longer
    than a caller may wait: nothing was sent. ``retry_after``: seconds until the next turn."""


class PowensUnavailable(PowensError):
    """5xx or no connection: the request was not applied as far as we can tell; try later."""


class PowensTimeout(PowensError):
    """No (complete) answer in time: the request may or may not have been applied.

    Also raised when the connection drops after a write was sent, for the same reason: the
    outcome is unknown and must be reconciled by reading the resource again.
    """


class PowensMalformedResponse(PowensError):
    """Powens answered 2xx but the body is not the JSON shape the contract promises."""
