"""On PostgreSQL the app's role may only read and append the audit tables; a check warns when
it owns them (or may change them). SQLite has no roles: nothing to grant, nothing to warn.

CI's PostgreSQL leg runs with two roles (tests/fixtures/database.py): the denials are tested
there. A run with one role (the app's role owns everything) gets the warning instead.
"""

import logging

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from audit import db_roles
from audit.models import Action, AuditEntry
from audit.services import audit_record_export, audit_record_refused
from tests.audit.dba import dba
from tests.fixtures.database import as_owner, two_roles

pytestmark = pytest.mark.django_db(transaction=True)
CHANGES = [
    "UPDATE audit_auditentry SET reason = 'rewritten'",
    "DELETE FROM audit_auditentry",
    "TRUNCATE audit_auditentry, audit_auditoutcome",
    "ALTER TABLE audit_auditentry DISABLE TRIGGER audit_auditentry_append_only",
    "UPDATE audit_chaincutover SET seq = 0",
]


def _record() -> AuditEntry:
    audit_record_refused(
        actor=None, action=Action.EXPORT, code="forbidden", message="no", request_meta=None
    )
    return audit_record_export(actor=None, report="connectors", query_string="", row_count=1)


@pytest.mark.parametrize("sql", CHANGES)
def test_the_app_role_may_not_change_audit_history(sql):
    _record()
    if not two_roles():
        # SQLite has no roles; a single PostgreSQL role owns the tables, and the check says so.
        problems = db_roles.role_problems(connection)
        assert bool(problems) == (connection.vendor == "postgresql")
        return
    denied = pytest.raises(DatabaseError, match="permission denied|must be owner")
    with denied, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert db_roles.role_problems(connection) == []
    call_command("audit_verify")


def test_the_owner_still_meets_the_append_only_trigger():
    if connection.vendor != "postgresql":
        return  # no trigger: the chain and its checkpoints detect edits (test_tampering)
    _record()
    with as_owner(), connection.cursor() as cursor:
        for sql in CHANGES[:2]:
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                cursor.execute(sql)
    assert AuditEntry.objects.count() == 2


def test_migrate_as_the_owner_puts_drifted_grants_right(settings):
    if not two_roles():
        call_command("migrate", verbosity=0)  # one role: nothing to grant, nothing fails
        return
    app = settings.DATABASE_APP_ROLE
    with dba() as cursor:
        cursor.execute(f"GRANT UPDATE, TRUNCATE ON audit_auditentry TO {app}")
    assert db_roles.role_problems(connection) == [
        f"the app's role '{app}' may UPDATE, TRUNCATE audit_auditentry"
    ]
    with as_owner():
        call_command("migrate", verbosity=0)
    assert db_roles.role_problems(connection) == []


def _role_owning_the_tables(settings) -> None:
    """As the owner with no DATABASE_APP_ROLE: what a single-role deployment looks like."""
    settings.DATABASE_APP_ROLE = ""


def test_the_check_warns_when_the_app_role_owns_the_audit_tables(settings):
    _role_owning_the_tables(settings)
    with as_owner():
        warnings = db_roles.check_audit_roles(None, databases=["default"])
    if connection.vendor != "postgresql":
        assert warnings == []
        return
    assert [w.id for w in warnings] == ["audit.W001"] * len(db_roles.audit_tables())
    for table, warning in zip(db_roles.audit_tables(), warnings, strict=True):
        assert f" owns {table}:" in warning.msg
    assert "disable its append-only trigger" in warnings[0].msg and "migrate" in warnings[0].hint


def test_start_up_logs_the_warning_once_per_process(settings, caplog, monkeypatch):
    _role_owning_the_tables(settings)
    monkeypatch.setattr(db_roles, "_checked", set())
    caplog.set_level(logging.WARNING, logger="audit")
    with as_owner():
        for _ in range(2):
            connection.close()
            connection.ensure_connection()
    warned = [r.getMessage() for r in caplog.records if "audit tables unprotected" in r.message]
    expected = len(db_roles.audit_tables()) if connection.vendor == "postgresql" else 0
    assert len(warned) == expected


def test_the_owner_running_migrate_is_not_warned_about(settings):
    """With DATABASE_APP_ROLE set, the owner is not the app: nothing to warn about."""
    settings.DATABASE_APP_ROLE = "powens-app"
    with as_owner():
        assert db_roles.role_problems(connection) == []
