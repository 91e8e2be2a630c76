"""Every service on a change request acts on the request's own domain.

The request and schedule lists span every domain, and the worker runs steps and expiries with
no domain at all, so where a service is called from says nothing of the request it acts on.
Under the request's domain, the role checked is the one held there (a person may be editor on
the sandbox and viewer on production), Powens is re-read there, and the record is filed there
(so that domain's filter, history and webhooks see it)."""

import functools
from collections.abc import Callable
from typing import Any

from accounts.scope import scoped
from governance.models import ChangeRequest


def on_its_domain[**P, R](service: Callable[P, R]) -> Callable[P, R]:
    """Run ``service`` under the domain of its change request: the ``change`` keyword, or the
    first argument (a request, or a scheduled step of one)."""

    @functools.wraps(service)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with scoped(_request_of(kwargs.get("change", args[0] if args else None)).domain):
            return service(*args, **kwargs)

    return run


def _request_of(subject: Any) -> ChangeRequest:
    return subject if isinstance(subject, ChangeRequest) else subject.request
