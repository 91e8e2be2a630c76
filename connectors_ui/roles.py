"""Roles are Django groups, so operators manage access with ordinary Django tools.

A user's role is the strongest of the groups they belong to; superusers count as admins.
"""

from collections.abc import Callable
from enum import IntEnum
from functools import wraps

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
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


def role_of(user: AbstractBaseUser | AnonymousUser) -> Role:
    """The user's role, cached on the user object for the request."""
    if not user.is_authenticated or not user.is_active:
        return Role.NONE
    cached = getattr(user, "_powens_role", None)
    if cached is not None:
        return cached
    role = Role.ADMIN if user.is_superuser else Role.NONE
    for name in user.groups.values_list("name", flat=True):
        role = max(role, GROUP_NAMES.get(name, Role.NONE))
    user._powens_role = role
    return role


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
