"""The Powens domain the current request, command or task acts on.

One context variable, read by the roles (a person may be editor on one domain and viewer on
another) and by the audit log (every entry carries its domain). It lives here, in the lowest
of our apps that both the dashboard and the audit log may import; the dashboard sets it
(``connectors_ui.domains.context``) from the URL, a command's ``--domain`` or a task's argument.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_current: ContextVar[str] = ContextVar("powens_domain", default="")
# Which domain work that names none acts on: the dashboard's default domain, which only the
# dashboard knows (it registers it when it starts: ``connectors_ui.apps``).
_default: list[Callable[[], str]] = [str]


def default_domain_from(resolver: Callable[[], str]) -> None:
    _default[0] = resolver


def default_name() -> str:
    return _default[0]()


def scope_name() -> str:
    """The domain the work under way acts on: the one named, else the default domain."""
    return _current.get() or _default[0]()


@contextmanager
def scoped(name: str) -> Iterator[None]:
    """Act on domain ``name`` for the block (and restore the previous one after it)."""
    token = _current.set(name)
    try:
        yield
    finally:
        _current.reset(token)
