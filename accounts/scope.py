"""The Powens domain the current request, command or task acts on.

One context variable, read by the roles (a person may be editor on one domain and viewer on
another) and by the audit log (every entry carries its domain). It lives here, in the lowest
of our apps that both the dashboard and the audit log may import; the dashboard sets it
(``connectors_ui.domains.context``) from the URL, a command's ``--domain`` or a task's argument.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# "" = no domain named: the default domain for the dashboard, "every domain" for the roles.
_current: ContextVar[str] = ContextVar("powens_domain", default="")


def scope_name() -> str:
    """The domain named for the work under way, "" when none was."""
    return _current.get()


@contextmanager
def scoped(name: str) -> Iterator[None]:
    """Act on domain ``name`` for the block (and restore the previous one after it)."""
    token = _current.set(name)
    try:
        yield
    finally:
        _current.reset(token)
