"""Links to a page on another domain than the request's own (the switcher, compare's rows and
the result of a promotion, which happens on the target domain)."""

from typing import Any

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse


def domain_url(request: HttpRequest, name: str, path: str) -> str:
    """``path`` (as the URLconf sees it, "/connectors/…") on domain ``name``."""
    root = getattr(request, "domain_root", None) or get_script_prefix()
    return f"{root}d/{name}{path}"


def domain_reverse(request: HttpRequest, name: str, viewname: str, **kwargs: Any) -> str:
    """``reverse(viewname)`` on domain ``name`` rather than the request's own."""
    return domain_url(
        request, name, "/" + reverse(viewname, kwargs=kwargs)[len(get_script_prefix()) :]
    )
