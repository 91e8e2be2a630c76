"""Which domain the work under way acts on: the URL's (``/d/<domain>/…``), a command's
``--domain``, a task's argument, else the default domain.

The name lives in ``accounts.scope`` (roles and the audit log read it too); this module turns
it into a ``Domain`` and gives the dashboard its scoping helpers. The local copy's models are
scoped by it (``connectors_ui.models.DomainScoped``), so every read and write of the copy, the
search index, the refresh and the claims is the current domain's without each call saying so.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from accounts.scope import scope_name, scoped
from connectors_ui.domains.registry import Domain, default_domain, domain_get


def current_domain_name() -> str:
    """The current domain's name (also the default of every scoped model's ``domain``)."""
    return scope_name() or default_domain().name


def current_domain() -> Domain:
    return domain_get(current_domain_name())


@contextmanager
def domain_scope(name: str) -> Iterator[Domain]:
    """Act on domain ``name`` for the block; ``UnknownDomain`` when it is not configured."""
    domain = domain_get(name)
    with scoped(domain.name):
        yield domain
