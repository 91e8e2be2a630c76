from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_migrate


class AccountsConfig(AppConfig):
    """Who may do what: roles (Django groups), sign-in throttling, demo accounts."""

    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        from accounts import signals, throttle

        assert self.apps is not None  # set by the registry before ready()
        # Sent after auth's own handler has created its permissions; auth always has models,
        # so this fires on every migrate and flush whatever this app's migrations are.
        post_migrate.connect(signals.ensure_roles, sender=self.apps.get_app_config("auth"))
        post_migrate.connect(throttle.ensure_cache_table, sender=self.apps.get_app_config("auth"))
        m2m_changed.connect(
            signals.sync_staff_flag, sender=get_user_model().groups.through, dispatch_uid="staff"
        )
