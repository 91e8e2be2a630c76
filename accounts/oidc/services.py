"""Accounts behind provider users: created on first sign-in, kept in step at every one.

What the provider says wins for what it owns: the e-mail address, the names and the role
groups (viewer, editor, admin) follow the claims at each sign-in; other groups, the staff flag
beyond what the admin group implies, and superuser status are never touched. The username is
chosen once and then kept, so the audit log's actor names stay stable.
"""

import hashlib
import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from accounts.models import OidcIdentity
from accounts.oidc.claims import mapped_roles
from accounts.roles import GROUP_NAMES, forget_role

if TYPE_CHECKING:  # the user model is auth's User (AUTH_USER_MODEL is not swapped)
    from django.contrib.auth.models import User

logger = logging.getLogger("connectors_ui.security")
# What Django's username validator accepts; anything else becomes "-".
_NOT_USERNAME = re.compile(r"[^\w.@+-]")


def oidc_users_matching(*, issuer: str, subject: str) -> "QuerySet[User]":
    """The account (at most one) linked to this provider user."""
    return get_user_model().objects.filter(
        oidc_identity__issuer=issuer, oidc_identity__subject=subject
    )


def oidc_user_create(*, claims: Mapping[str, Any]) -> "User":
    """The account for a provider user signing in for the first time: no usable password,
    the profile and role groups from the claims (none when no value is mapped)."""
    issuer, subject = claims["iss"], claims["sub"]
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_user(username=_free_username(claims))
            OidcIdentity.objects.create(user=user, issuer=issuer, subject=subject)
            _profile_update(user, claims)
            roles = _roles_apply(user, claims)
    except IntegrityError:
        # The same person's other tab won the race: sign in to the account it created.
        return oidc_users_matching(issuer=issuer, subject=subject).get()
    logger.info(
        "account %s created on first sign-in with the identity provider, roles: %s",
        user.username,
        ", ".join(sorted(roles)) or "none",
    )
    return user


def oidc_user_update(*, user: "User", claims: Mapping[str, Any]) -> "User":
    """A returning provider user: profile and role groups brought in line with the claims."""
    with transaction.atomic():
        _profile_update(user, claims)
        roles = _roles_apply(user, claims)
    logger.info(
        "account %s signed in with the identity provider, roles: %s",
        user.username,
        ", ".join(sorted(roles)) or "none",
    )
    return user


def _roles_apply(user: "User", claims: Mapping[str, Any]) -> set[str]:
    """Add and remove our role groups to match the mapped claim; others are left alone.

    Through ``groups.add``/``remove`` so that the m2m signals (staff flag, audit) see it.
    """
    wanted = mapped_roles(claims, settings.OIDC_ROLE_CLAIM, settings.OIDC_ROLE_MAP)
    held = set(user.groups.filter(name__in=GROUP_NAMES).values_list("name", flat=True))
    if wanted - held:
        user.groups.add(*Group.objects.filter(name__in=wanted - held))
    if held - wanted:
        user.groups.remove(*Group.objects.filter(name__in=held - wanted))
    forget_role(user)  # accounts.roles caches the role on the user object
    return wanted


def _profile_update(user: "User", claims: Mapping[str, Any]) -> None:
    profile = {
        "email": _text(claims, "email", 254),
        "first_name": _text(claims, "given_name", 150),
        "last_name": _text(claims, "family_name", 150),
    }
    changed = [field for field, value in profile.items() if getattr(user, field) != value]
    for field in changed:
        setattr(user, field, profile[field])
    if changed:
        user.save(update_fields=changed)


def _free_username(claims: Mapping[str, Any]) -> str:
    """``preferred_username``, else the e-mail address, else the subject; when an account
    already has it (a local one, say), a suffix from the issuer and subject tells them apart."""
    base = _text(claims, "preferred_username", 150) or _text(claims, "email", 150)
    base = _NOT_USERNAME.sub("-", base or str(claims["sub"]))[:150]
    users = get_user_model().objects
    if not users.filter(username__iexact=base).exists():
        return base
    digest = hashlib.sha256(f"{claims['iss']}|{claims['sub']}".encode()).hexdigest()[:8]
    return f"{base[: 150 - 9]}-{digest}"


def _text(claims: Mapping[str, Any], name: str, limit: int) -> str:
    value = claims.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""
