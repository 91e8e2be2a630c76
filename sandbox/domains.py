"""The embedded sandbox serves several domains (``POWENS_SANDBOX_DOMAINS``: a demo sandbox and
a demo production), each with its own connectors and faults, told apart by the host a call is
sent to: ``http://sandbox.powens.invalid/2.0`` is the first, ``http://<name>.sandbox…`` another
(for the standalone server, a ``Host: <name>.localhost`` header). As on Powens, a connector's
UUID is the same on every domain and its integer id is not: each domain after the first adds
``ID_SPACING`` times its position to the ids it loads.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

ID_SPACING = 1_000_000
_current: ContextVar[str] = ContextVar("sandbox_domain", default="")


def sandbox_domains() -> list[str]:
    return list(settings.POWENS_SANDBOX_DOMAINS)


def sandbox_domain() -> str:
    """The domain the sandbox is answering for now (the first outside any call)."""
    return _current.get() or sandbox_domains()[0]


def domain_from_host(host: str) -> str:
    label = (host or "").split(".")[0].split(":")[0]
    return label if label in sandbox_domains() else sandbox_domains()[0]


def id_offset(name: str | None = None) -> int:
    """What this domain adds to the integer ids it loads."""
    name = name or sandbox_domain()
    names = sandbox_domains()
    return names.index(name) * ID_SPACING if name in names else 0


@contextmanager
def sandbox_domain_scope(name: str) -> Iterator[None]:
    if name not in sandbox_domains():
        raise ValueError(f"The sandbox serves no domain {name!r}.")
    token = _current.set(name)
    try:
        yield
    finally:
        _current.reset(token)
