"""Roles are Django groups, so operators manage access with ordinary Django tools.

A user's role is the strongest of the groups they belong to; superusers count as admins.
Roles per Powens domain: a group named ``<role>@<domain>`` (``editor@acme-sandbox``) gives
that role on that domain only, and a user in any such group for a domain has there the
strongest of those, whatever their other groups; elsewhere the plain groups apply (so by
default one role holds on every domain, as before). The domain is the one the work acts on
(``accounts.scope``).
"""

from collections.abc import Callable
from enum import IntEnum
from functools import wraps
from typing import cast

from django.contrib.auth.models import (
    AbstractBaseUser,
    AnonymousUser,
    Group,
    Permission,
    PermissionsMixin,
)
from django.core.exceptions import PermissionDenied
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


def _role_in(groups: list[str], domain: str) -> Role:
    scoped = [
        GROUP_NAMES[role]
        for role, _, name in (group.partition("@") for group in groups)
        if name == domain and role in GROUP_NAMES
    ]
    if scoped:
        return max(scoped)
    return max((GROUP_NAMES.get(group, Role.NONE) for group in groups), default=Role.NONE)


def role_of(user: AbstractBaseUser | AnonymousUser, domain: str | None = None) -> Role:
    """The user's role on ``domain`` (default: the one the work acts on); the groups are read
    once per request (cached on the user object)."""
    if not user.is_authenticated or not user.is_active:
        return Role.NONE
    # The user model is auth's User, so it has PermissionsMixin's superuser flag and groups.
    member = cast(PermissionsMixin, user)
    if member.is_superuser:
        return Role.ADMIN
    groups = getattr(user, "_powens_role", None)
    if groups is None:
        groups = list(member.groups.values_list("name", flat=True))
        user._powens_role = groups  # type: ignore[attr-defined]  # a per-request cache
    return _role_in(groups, scope_name() if domain is None else domain)


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
