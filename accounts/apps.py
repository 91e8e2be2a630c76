from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import m2m_changed, post_migrate, post_save, pre_delete, pre_save


class AccountsConfig(AppConfig):
    """Who may do what: roles (Django groups), sign-in throttling, demo accounts; every account
    and role change and every sign-in recorded in the audit log."""

    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from accounts import events, sign_in_events, signals, throttle
        from accounts.forms import password_change_failed

        assert self.apps is not None  # set by the registry before ready()
        # Sent after auth's own handler has created its permissions; auth always has models,
        # so this fires on every migrate and flush whatever this app's migrations are.
        post_migrate.connect(signals.ensure_roles, sender=self.apps.get_app_config("auth"))
        post_migrate.connect(throttle.ensure_cache_table, sender=self.apps.get_app_config("auth"))
        m2m_changed.connect(
            signals.sync_staff_flag, sender=get_user_model().groups.through, dispatch_uid="staff"
        )
        user_model = get_user_model()
        pre_save.connect(events.account_before_save, sender=user_model, dispatch_uid="account")
        post_save.connect(events.account_after_save, sender=user_model, dispatch_uid="account")
        pre_delete.connect(events.account_before_delete, sender=user_model, dispatch_uid="account")
        pre_save.connect(events.group_before_save, sender=Group, dispatch_uid="account")
        post_save.connect(events.group_after_save, sender=Group, dispatch_uid="account")
        pre_delete.connect(events.group_before_delete, sender=Group, dispatch_uid="account")
        for through in events.tracked_relations():
            m2m_changed.connect(events.membership_changed, sender=through, dispatch_uid="audit")
        user_logged_in.connect(sign_in_events.signed_in, dispatch_uid="audit")
        user_login_failed.connect(sign_in_events.sign_in_failed, dispatch_uid="audit")
        throttle.lockout_started.connect(sign_in_events.sign_in_locked_out, dispatch_uid="audit")
        password_change_failed.connect(sign_in_events.password_change_failed, dispatch_uid="audit")
