from django.apps import AppConfig
from django.core.checks import Tags, register
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from audit import db_roles

        # Sent for this app after the apps before it in INSTALLED_APPS (auth's cache table
        # included): every table exists by then.
        post_migrate.connect(db_roles.grant_app_role, sender=self)
        connection_created.connect(db_roles.warn_at_first_connection)
        register(db_roles.check_audit_roles, Tags.database)
