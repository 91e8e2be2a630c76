"""Signal handlers that keep roles consistent whatever tool changes them.

Connected in ``AccountsConfig.ready``.
"""

from collections.abc import Iterable
from typing import Any

from django.apps import AppConfig
from django.contrib.auth import get_user_model

from accounts.events import unrecorded
from accounts.roles import ADMIN_GROUP, roles_setup


def ensure_roles(sender: AppConfig, **kwargs: Any) -> None:
    """post_migrate: every database (fresh, test, upgraded) gets the role groups.

    Not recorded: this is the roles' definition in code, run by every migrate (a partial one
    may run before the audit tables exist). ``manage.py setup_roles``, an operator's repair,
    is recorded like any other change.
    """
    with unrecorded():
        roles_setup()


def sync_staff_flag(sender: type, instance: Any, action: str, reverse: bool, **kwargs: Any) -> None:
    """m2m_changed on User.groups: the admin role needs ``is_staff`` to open Django admin.

    Membership of the ``admin`` group is the single source of truth, so adding someone to it
    (from either side of the relation, in Django admin or in code) grants staff and removing
    them revokes it. Superusers keep staff regardless.
    """
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    user_model = get_user_model()
    if not reverse:
        users: Iterable[Any] = [instance]
    elif action == "post_clear":  # group.user_set.clear(): pk_set is not given.
        users = user_model.objects.filter(is_staff=True, is_superuser=False)
    else:
        users = user_model.objects.filter(pk__in=kwargs["pk_set"])
    for user in users:
        staff = user.is_superuser or user.groups.filter(name=ADMIN_GROUP).exists()
        if user.is_staff != staff:
            user_model.objects.filter(pk=user.pk).update(is_staff=staff)
            user.is_staff = staff
