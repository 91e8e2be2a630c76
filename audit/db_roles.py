"""On PostgreSQL, two roles: the owner runs migrations; the app's role may only read and append
the audit tables.

A table's owner can do anything to it: UPDATE, DELETE, TRUNCATE, ALTER it, disable its
append-only trigger. So in production the tables belong to a role only ``migrate`` uses, and
the app connects as another (``DATABASE_APP_ROLE``), which may SELECT and INSERT the audit
tables and nothing more; what it may do to the others is what the app needs.

The grants are applied after every ``migrate`` run as a role other than the app's, not by one
migration: tables added later (by any app's migrations, or ``createcachetable``) need them
too, and a handler that runs each time keeps them right without every future migration having
to remember. Default privileges cover tables the owner creates between two runs.

A start-up check warns when the role the app runs as owns the audit tables or may change them:
logged at the process's first connection (gunicorn runs no system checks), and reported by
``manage.py check --database default`` (which ``migrate`` runs too) as ``audit.W001``.
"""

import logging
from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.conf import settings
from django.core.checks import Warning
from django.db import DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger("audit")
HINT = (
    "Let another role own the tables: run migrate as that owner with DATABASE_APP_ROLE set to "
    "the app's role (README, 'The audit log's keys, checkpoints and roles')."
)
_PRIVILEGES = """
SELECT c.relname, pg_get_userbyid(c.relowner) = current_user,
       has_table_privilege(c.oid, 'UPDATE'), has_table_privilege(c.oid, 'DELETE'),
       has_table_privilege(c.oid, 'TRUNCATE')
FROM pg_class c
WHERE c.relname = ANY(%s) AND c.relkind = 'r' AND pg_table_is_visible(c.oid)
ORDER BY c.relname
"""
_CHANGES = ("UPDATE", "DELETE", "TRUNCATE")
_checked: set[str] = set()


# History: appended, never changed. The audit app's other tables (the refusal tally) are
# working state the app updates and deletes as it goes.
APPEND_ONLY_MODELS = ("AuditEntry", "AuditOutcome", "ChainCutover")


def audit_tables(registry: Apps = global_apps) -> list[str]:
    """The audit history's tables (as of ``registry``: post_migrate passes the migrated
    state, whose model classes carry the names only)."""
    models = registry.get_app_config("audit").get_models()
    return sorted(m._meta.db_table for m in models if m.__name__ in APPEND_ONLY_MODELS)


def _current_user(connection: BaseDatabaseWrapper) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return cursor.fetchone()[0]


def _grant_statements(connection: BaseDatabaseWrapper, role: str, registry: Apps) -> list[str]:
    quote = connection.ops.quote_name
    tables = ", ".join(quote(table) for table in audit_tables(registry))
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        app, schema = quote(role), quote(cursor.fetchone()[0])
    return [
        f"GRANT USAGE ON SCHEMA {schema} TO {app}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {app}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {app}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {app}",
        f"REVOKE ALL ON {tables} FROM {app}, PUBLIC",
        f"GRANT SELECT, INSERT ON {tables} TO {app}",
    ]


def grant_app_role(*, using: str, apps: Apps = global_apps, **kwargs: Any) -> None:
    """post_migrate: give ``DATABASE_APP_ROLE`` its privileges, when migrate ran as another
    role (the owner). ``apps`` is the migrated state (flush sends none: all tables exist). A
    missing role fails the migrate, loudly."""
    connection, role = connections[using], settings.DATABASE_APP_ROLE
    if connection.vendor != "postgresql" or not role or _current_user(connection) == role:
        return
    with connection.cursor() as cursor:
        for statement in _grant_statements(connection, role, apps):
            cursor.execute(statement)


def role_problems(connection: BaseDatabaseWrapper) -> list[str] | None:
    """What the role the app runs as may do to the audit tables that it should not; None when
    there are no audit tables (yet) on this connection."""
    if connection.vendor != "postgresql":
        return []
    user = _current_user(connection)
    if settings.DATABASE_APP_ROLE and user != settings.DATABASE_APP_ROLE:
        return []  # the owner, running migrate: the app connects as DATABASE_APP_ROLE
    with connection.cursor() as cursor:
        cursor.execute(_PRIVILEGES, [audit_tables()])
        rows = cursor.fetchall()
    if not rows:
        return None
    problems = []
    for table, owned, *may in rows:
        if owned:
            problems.append(
                f"the app's role {user!r} owns {table}: it can ALTER it and disable its "
                "append-only trigger"
            )
        elif changes := [n for n, ok in zip(_CHANGES, may, strict=True) if ok]:
            problems.append(f"the app's role {user!r} may {', '.join(changes)} {table}")
    return problems


def check_audit_roles(app_configs: Any, databases: Any = None, **kwargs: Any) -> list[Warning]:
    """System check (database tag): audit.W001 for each problem ``role_problems`` finds."""
    return [
        Warning(problem, hint=HINT, id="audit.W001")
        for alias in databases or ()
        for problem in role_problems(connections[alias]) or ()
    ]


def warn_at_first_connection(*, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """connection_created: log the problems once per process and database."""
    name = str(connection.settings_dict["NAME"])
    if connection.vendor != "postgresql" or name in _checked:
        return
    try:
        problems = role_problems(connection)
    except DatabaseError:
        return  # the check must never stop the app; migrate and `check` report it too
    if problems is None:
        return
    _checked.add(name)
    for problem in problems:
        logger.warning("audit tables unprotected: %s. %s", problem, HINT)
