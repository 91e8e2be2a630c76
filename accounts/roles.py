"""Roles are Django groups, so operators manage access with ordinary Django tools.

A user's role is the strongest of the groups they belong to; superusers count as admins. It is
read once per request, in the same query as the signed-in user (``get_user_with_role``, the
authentication backends' ``get_user``), and kept on the user object.
"""

import functools
from collections.abc import Callable
from enum import IntEnum
from functools import wraps
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import (
    AbstractBaseUser,
    AnonymousUser,
    Group,
    Permission,
    PermissionsMixin,
)
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse


class Role(IntEnum):
    """Ordered so that a stronger role includes everything a weaker one may do."""

    NONE = 0
    VIEWER = 1
    EDITOR = 2
    ADMIN = 3

    @property
    def label(self) -> str:
        return self.name.lower()


GROUP_NAMES = {"viewer": Role.VIEWER, "editor": Role.EDITOR, "admin": Role.ADMIN}
ADMIN_GROUP = "admin"
# What the admin role may do in Django admin: manage who has access, nothing else.
ADMIN_PERMISSION_MODELS = ("user", "group")


def roles_setup() -> None:
    """Create the three groups and give ``admin`` the user-management permissions.

    Idempotent: run after every migrate (post_migrate) and by ``manage.py setup_roles``, so a
    fresh database, a test database and an upgraded one all end up with the same groups.
    """
    for name in GROUP_NAMES:
        Group.objects.get_or_create(name=name)
    permissions = Permission.objects.filter(
        content_type__app_label="auth", content_type__model__in=ADMIN_PERMISSION_MODELS
    )
    Group.objects.get(name=ADMIN_GROUP).permissions.add(*permissions)


# Where the role is kept on a user object: annotated by ``user_with_role``, else by ``role_of``.
_ROLE_ATTRIBUTE = "_powens_role"


@functools.cache
def _user_with_role_sql() -> str:
    """One SELECT of a user and its role: a superuser's is admin, else the strongest of its
    groups (names as parameters, strongest first). Raw SQL, built once: the same query from
    the ORM (a Case over three Exists) costs ~1.5 ms more to compile, on every request."""
    # Field metadata is loosely typed in django-stubs; these are auth's User and Group.
    users: Any = get_user_model()._meta
    groups: Any = Group._meta
    through: Any = users.get_field("groups").remote_field.through._meta
    q = connection.ops.quote_name
    user_pk, group_pk = q(users.pk.column), q(groups.pk.column)
    member, group = q(through.get_field("user").column), q(through.get_field("group").column)
    ranks = " ".join(f"WHEN %s THEN {int(role)}" for _, role in _strongest_first())
    strongest = (
        f"SELECT MAX(CASE g.{q('name')} {ranks} ELSE 0 END) FROM {q(through.db_table)} ug "
        f"INNER JOIN {q(groups.db_table)} g ON g.{group_pk} = ug.{group} "
        f"WHERE ug.{member} = u.{user_pk}"
    )
    return (
        f"SELECT u.*, CASE WHEN u.{q('is_superuser')} THEN {int(Role.ADMIN)} "
        f"ELSE COALESCE(({strongest}), 0) END AS {_ROLE_ATTRIBUTE} "
        f"FROM {q(users.db_table)} u WHERE u.{user_pk} = %s"
    )


def _strongest_first() -> list[tuple[str, Role]]:
    return sorted(GROUP_NAMES.items(), key=lambda item: -item[1])


def get_user_with_role(backend: ModelBackend, user_id: Any) -> Any:
    """``ModelBackend.get_user`` (active accounts only) reading the role in the same query: the
    authentication backends' ``get_user``, which loads the session's user on every request."""
    params = [name for name, _ in _strongest_first()] + [user_id]
    users = get_user_model()._default_manager.raw(_user_with_role_sql(), params)
    user = next(iter(users), None)
    return user if user is not None and backend.user_can_authenticate(user) else None


def role_of(user: AbstractBaseUser | AnonymousUser) -> Role:
    """The user's role, cached on the user object for the request."""
    if not user.is_authenticated or not user.is_active:
        return Role.NONE
    cached = getattr(user, _ROLE_ATTRIBUTE, None)
    if cached is not None:
        return Role(cached)
    # The user model is auth's User, so it has PermissionsMixin's superuser flag and groups.
    member = cast(PermissionsMixin, user)
    role = Role.ADMIN if member.is_superuser else Role.NONE
    for name in member.groups.values_list("name", flat=True):
        role = max(role, GROUP_NAMES.get(name, Role.NONE))
    setattr(user, _ROLE_ATTRIBUTE, role)  # a per-request cache on the user
    return role


def role_not_required[V: Callable](view: V) -> V:
    """Mark a view any signed-in account may use, role or not: its own session and password.

    ``RoleRequiredMiddleware`` reads the mark, as ``LoginRequiredMiddleware`` reads
    ``login_not_required``'s.
    """
    view.role_required = False  # type: ignore[attr-defined]  # a mark, like login_not_required
    return view


def records_refused_posts[V: Callable](view: V) -> V:
    """Mark a view whose service checks the role itself and records a refused attempt in the
    audit log: ``RoleRequiredMiddleware`` lets a POST from an account without a role reach it
    (the answer is still 403), so that attempt is on the record too."""
    view.records_refused_posts = True  # type: ignore[attr-defined]  # a mark, read by middleware
    return view


def role_required(minimum: Role) -> Callable:
    """View decorator: 403 unless the signed-in user holds at least ``minimum``.

    LoginRequiredMiddleware already sends anonymous users to the login page.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if role_of(request.user) < minimum:
                raise PermissionDenied(f"This needs the {minimum.label} role.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
