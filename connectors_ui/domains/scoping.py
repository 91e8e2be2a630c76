"""The manager that keeps each domain's local copy apart: ``objects`` sees only the current
domain's rows (``context``), and rows created without a domain get the current one.

Existing code then reads and writes the current domain's copy unchanged; code about several
domains at once (compare, the migration test) scopes each side, or uses ``all_domains``.
"""

from django.db import models

from connectors_ui.domains.context import current_domain_name


class DomainScopedManager(models.Manager):
    """``filter(<lookup>=current domain)`` on every queryset. A class attribute, not an
    argument: Django builds related managers (``connector.sources``) from the class alone."""

    lookup = "domain"

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(**{self.lookup: current_domain_name()})


class ConnectorScopedManager(DomainScopedManager):
    """For rows without a domain of their own: their connector's (a source, a change)."""

    lookup = "connector__domain"


def domain_field() -> models.CharField:
    """The ``domain`` column: the current domain when a row is created without one."""
    return models.CharField(max_length=64, default=current_domain_name, db_index=True)
