from django.apps import AppConfig


class NotifyConfig(AppConfig):
    """Webhooks for audit events (a transactional outbox the worker delivers) and the SIEM's
    pull stream of the audit log behind service tokens."""

    name = "notify"
    verbose_name = "Notifications and audit streaming"

    def ready(self) -> None:
        from audit.signals import records_appended
        from notify.outbox import outbox_on_append

        records_appended.connect(outbox_on_append, dispatch_uid="notify-outbox")
