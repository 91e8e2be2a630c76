"""The Powens error envelope and the integer request ids it carries."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.db.models import F
from django.http import HttpResponse

from sandbox.models import SandboxCounter

# Real Powens request ids are 9-digit integers; start there so ours look alike.
REQUEST_ID_BASE = 918_273_000

# Codes for statuses an injected fault may produce; anything else is reported as "error".
CODE_FOR_STATUS = {
    400: "invalidValue",
    401: "unauthorized",
    403: "forbidden",
    404: "notFound",
    405: "methodNotAllowed",
    409: "conflict",
    429: "tooManyRequests",
    500: "bug",
    502: "badGateway",
    503: "maintenance",
    504: "gatewayTimeout",
}
DESCRIPTION_FOR_STATUS = {
    429: "Too many requests, slow down.",
    500: "An internal error occurred.",
    502: "Bad gateway.",
    503: "The service is under maintenance, please retry later.",
    504: "Gateway timeout.",
}


class ApiError(Exception):
    """Raised by the backend or the views; rendered as the Powens error envelope."""

    def __init__(
        self, status: int, code: str, description: str, message: str | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {description}")
        self.status = status
        self.code = code
        self.description = description
        self.message = message


def not_found(what: str) -> ApiError:
    return ApiError(404, "notFound", f"{what} not found.")


def invalid(description: str) -> ApiError:
    return ApiError(400, "invalidValue", description)


def missing(name: str) -> ApiError:
    return ApiError(400, "missingParameter", f"Missing parameter: {name}.")


def next_request_id() -> int:
    """Allocate the next request id; a DB counter keeps ids unique across worker processes."""
    with transaction.atomic():
        updated = SandboxCounter.objects.filter(name="request_id").update(value=F("value") + 1)
        if not updated:
            SandboxCounter.objects.get_or_create(
                name="request_id", defaults={"value": REQUEST_ID_BASE}
            )
            SandboxCounter.objects.filter(name="request_id").update(value=F("value") + 1)
        return SandboxCounter.objects.values_list("value", flat=True).get(name="request_id")


def json_response(data: Any, status: int = 200) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(", ", ": "))
    return HttpResponse(body.encode(), status=status, content_type="application/json")


def error_response(error: ApiError, retry_after: int | None = None) -> HttpResponse:
    envelope = {
        "code": error.code,
        "description": error.description,
        "message": error.message,
        "request_id": next_request_id(),
    }
    response = json_response(envelope, status=error.status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def status_error(status: int) -> ApiError:
    """The error an injected status fault answers with."""
    code = CODE_FOR_STATUS.get(status, "error")
    description = DESCRIPTION_FOR_STATUS.get(status, f"Injected sandbox error {status}.")
    return ApiError(status, code, description)
