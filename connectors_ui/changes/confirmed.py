"""What the change pages' confirmations share: the arguments every confirmed form gives its
service (batch, revert), and a ``ChangeForbidden`` answered as 403 (other refusals re-render
the page with their message)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied

from audit.refusals import ChangeForbidden
from connectors_ui.changes.contexts import ConfirmedChange
from connectors_ui.web.htmx import HtmxHttpRequest
from connectors_ui.web.request_meta import request_meta_from


@contextmanager
def forbidden_as_403() -> Iterator[None]:
    """A ``ChangeForbidden`` from the block is a 403; other refusals go on to the caller."""
    try:
        yield
    except ChangeForbidden as refused:
        raise PermissionDenied(refused.message) from None


def confirmed(request: HtmxHttpRequest, values: dict[str, Any]) -> ConfirmedChange:
    """What every confirmed change page posts to its service, as the signed-in user: the
    reason, the typed count and the typed production name."""
    return {
        "actor": request.user,
        "reason": values["reason"],
        "confirm_count": values["confirm_count"],
        "confirm_domain": values["confirm_domain"],
        "request_meta": request_meta_from(request),
    }
