"""Roles are Django groups, so operators manage access with ordinary Django tools.

A user's role is the strongest of the groups they belong to; superusers count as admins.
Roles per Powens domain: a group named ``<role>@<domain>`` (``editor@acme-sandbox``) gives
that role on that domain only, and a user in any such group for a domain has there the
strongest of those, whatever their other groups; elsewhere the plain groups apply (so by
default one role holds on every domain, as before). The domain is the one the work acts on
(``accounts.scope``).

The plain role, and whether the user has any per-domain group at all, are read once per
request in the same query as the signed-in user (``get_user_with_role``, the authentication
backends' ``get_user``); only a user with per-domain groups costs a second query, for them.
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
from django.db.models import Q
from django.http import HttpRequest, HttpResponse

from accounts.scope import scope_name


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


# Where the plain role and the per-domain flag are kept on a user object: annotated by
# ``get_user_with_role``, else read by ``role_of`` on first use.
_ROLE_ATTRIBUTE = "_powens_role"
_SCOPED_ATTRIBUTE = "_powens_scoped"
# The names of the user's groups, read only for a user with per-domain groups.
_GROUPS_ATTRIBUTE = "_powens_groups"


def domain_group(role: str, domain: str) -> str:
    """The group giving ``role`` on ``domain`` only."""
    return f"{role}@{domain}"


def role_groups_q() -> Q:
    """The groups that are roles: the three, and each one per domain."""
    per_domain = Q()
    for role in GROUP_NAMES:
        per_domain |= Q(name__startswith=f"{role}@")
    return Q(name__in=GROUP_NAMES) | per_domain


def domain_roles_setup(domains: list[str]) -> None:
    """Create the per-domain role groups of these domains (idempotent)."""
    for domain in domains:
        for role in GROUP_NAMES:
            Group.objects.get_or_create(name=domain_group(role, domain))


@functools.cache
def _user_with_role_sql() -> str:
    """One SELECT of a user, its plain role (a superuser's is admin, else the strongest of its
    groups; names as parameters, strongest first) and whether it has any per-domain group.
    Raw SQL, built once: the same query from the ORM (a Case over Exists) costs ~1.5 ms more
    to compile, on every request."""
    # Field metadata is loosely typed in django-stubs; these are auth's User and Group.
    users: Any = get_user_model()._meta
    groups: Any = Group._meta
    through: Any = users.get_field("groups").remote_field.through._meta
    q = connection.ops.quote_name
    user_pk, group_pk = q(users.pk.column), q(groups.pk.column)
    member, group = q(through.get_field("user").column), q(through.get_field("group").column)
    ranks = " ".join(f"WHEN %s THEN {int(role)}" for _, role in _strongest_first())
    memberships = (
        f"FROM {q(through.db_table)} ug "
        f"INNER JOIN {q(groups.db_table)} g ON g.{group_pk} = ug.{group} "
        f"WHERE ug.{member} = u.{user_pk}"
    )
    strongest = f"SELECT MAX(CASE g.{q('name')} {ranks} ELSE 0 END) {memberships}"
    scoped = f"SELECT 1 {memberships} AND g.{q('name')} LIKE %s"
    return (
        f"SELECT u.*, CASE WHEN u.{q('is_superuser')} THEN {int(Role.ADMIN)} "
        f"ELSE COALESCE(({strongest}), 0) END AS {_ROLE_ATTRIBUTE}, "
        f"CASE WHEN EXISTS ({scoped}) THEN 1 ELSE 0 END AS {_SCOPED_ATTRIBUTE} "
        f"FROM {q(users.db_table)} u WHERE u.{user_pk} = %s"
    )


def _strongest_first() -> list[tuple[str, Role]]:
    return sorted(GROUP_NAMES.items(), key=lambda item: -item[1])


def get_user_with_role(backend: ModelBackend, user_id: Any) -> Any:
    """``ModelBackend.get_user`` (active accounts only) reading the role in the same query: the
    authentication backends' ``get_user``, which loads the session's user on every request."""
    params = [name for name, _ in _strongest_first()] + ["%@%", user_id]
    users = get_user_model()._default_manager.raw(_user_with_role_sql(), params)
    user = next(iter(users), None)
    return user if user is not None and backend.user_can_authenticate(user) else None


def _group_names(user: AbstractBaseUser) -> list[str]:
    names = getattr(user, _GROUPS_ATTRIBUTE, None)
    if names is None:
        # The user model is auth's User, so it has PermissionsMixin's groups.
        names = list(cast(PermissionsMixin, user).groups.values_list("name", flat=True))
        setattr(user, _GROUPS_ATTRIBUTE, names)  # a per-request cache on the user
    return names


def _plain_role(user: AbstractBaseUser) -> Role:
    cached = getattr(user, _ROLE_ATTRIBUTE, None)
    if cached is None:
        names = _group_names(user)
        cached = max((GROUP_NAMES.get(name, Role.NONE) for name in names), default=Role.NONE)
        setattr(user, _ROLE_ATTRIBUTE, cached)
        setattr(user, _SCOPED_ATTRIBUTE, any("@" in name for name in names))
    return Role(cached)


def _scoped_role(user: AbstractBaseUser, domain: str) -> Role | None:
    """The strongest of the user's groups for ``domain``; None if it has none there."""
    if not getattr(user, _SCOPED_ATTRIBUTE, True):
        return None
    scoped = [
        GROUP_NAMES[role]
        for role, _, name in (group.partition("@") for group in _group_names(user))
        if name == domain and role in GROUP_NAMES
    ]
    return max(scoped, default=None)


def role_of(user: AbstractBaseUser | AnonymousUser, domain: str | None = None) -> Role:
    """The user's role on ``domain`` (default: the one the work acts on), cached on the user
    object for the request."""
    if not user.is_authenticated or not user.is_active:
        return Role.NONE
    if cast(PermissionsMixin, user).is_superuser:
        return Role.ADMIN
    plain = _plain_role(user)
    scoped = _scoped_role(user, scope_name() if domain is None else domain)
    return plain if scoped is None else scoped


def forget_role(user: AbstractBaseUser) -> None:
    """Drop the role cached on ``user``, after its groups changed within a request."""
    for attribute in (_ROLE_ATTRIBUTE, _SCOPED_ATTRIBUTE, _GROUPS_ATTRIBUTE):
        if hasattr(user, attribute):
            delattr(user, attribute)


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
