"""Acting as someone with database access but not the audit key: the tables' owner.

On PostgreSQL the owner may disable the append-only triggers, so ``dba()`` does; with two roles
(CI) it switches the connection to the owner first (tests/fixtures/database.py), which needs a
transactional test. SQLite has no roles and no triggers: plain SQL on the test connection.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from audit.db_roles import audit_tables
from tests.fixtures.database import as_owner


def _set_triggers(cursor, state: str) -> None:
    for table in audit_tables():
        cursor.execute(f"ALTER TABLE {table} {state} TRIGGER USER")


@contextmanager
def dba() -> Iterator:
    """A cursor in a transaction of the owner's, the append-only triggers off meanwhile."""
    with as_owner(), transaction.atomic(), connection.cursor() as cursor:
        postgresql = connection.vendor == "postgresql"
        if postgresql:
            _set_triggers(cursor, "DISABLE")
        yield cursor
        if postgresql:
            # PostgreSQL alters no table with deferred foreign-key checks still pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            _set_triggers(cursor, "ENABLE")


def truncate(cursor) -> None:
    """Empty every audit table at once, as TRUNCATE does (SQLite has none: DELETE)."""
    if connection.vendor == "postgresql":
        cursor.execute(f"TRUNCATE {', '.join(audit_tables())}")
        return
    for table in ("audit_auditoutcome", "audit_auditentry", "audit_chaincutover"):
        cursor.execute(f"DELETE FROM {table}")
