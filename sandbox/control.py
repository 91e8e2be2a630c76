"""Fault control over HTTP for the standalone server (``/_sandbox/faults``): lets demos and
external client test suites inject faults without a Python shell. Writes need the sandbox
token, like the API's own writes."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sandbox import faults
from sandbox.api import endpoint, json_body
from sandbox.errors import invalid
from sandbox.models import SandboxFault

_OPTIONS = ("method", "endpoint", "count", "rate", "status", "retry_after", "delay_ms",
            "apply_write", "seed")  # fmt: skip


def fault_data(fault: SandboxFault) -> dict[str, Any]:
    data = {"id": fault.id, "kind": fault.kind, "remaining": fault.remaining, "fired": fault.fired}
    return data | {name: getattr(fault, name) for name in _OPTIONS if name != "count"}


def _list(request: HttpRequest) -> dict[str, Any]:
    active = faults.active()
    return {"faults": [fault_data(f) for f in active], "total": len(active)}


def _inject(request: HttpRequest) -> dict[str, Any]:
    body = json_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("kind"), str):
        raise invalid('The body must be a JSON object with a "kind".')
    unknown = set(body) - {"kind", *_OPTIONS}
    if unknown:
        raise invalid(f"Unknown option: {', '.join(sorted(unknown))}.")
    try:
        fault = faults.inject(body["kind"], **{k: v for k, v in body.items() if k != "kind"})
    except (ValueError, TypeError) as error:
        raise invalid(str(error)) from None
    return fault_data(fault)


def _clear(request: HttpRequest) -> dict[str, Any]:
    return {"cleared": faults.clear()}


fault_control = endpoint(GET=_list, POST=_inject, DELETE=_clear)
