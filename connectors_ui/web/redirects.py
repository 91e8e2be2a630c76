"""Where a POST sends the user back to: the page that posted it, never somewhere else."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def posted_next(request: HttpRequest, fallback: str) -> str:
    """The form's ``next`` when it is a path on this site, else ``fallback``.

    A path only: ``redirect()`` would try any other string (say "0") as a view name, a 500;
    and another host would make the form an open redirect.
    """
    return local_path(request, request.POST.get("next", ""), fallback)


def local_path(request: HttpRequest, target: str, fallback: str) -> str:
    """``target`` when it is a path on this site, else ``fallback``."""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
