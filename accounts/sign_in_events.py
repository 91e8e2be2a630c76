"""Sign-ins on the audit chain: succeeded, failed, locked out.

Django's ``user_logged_in`` / ``user_login_failed`` signals cover every sign-in form (ours,
Django admin's, and any other backend such as SSO); the lockout comes from ``accounts.throttle``.
A failed attempt names the account only when the username exists: what someone typed into the
username field may be their password. Attempts refused during a lockout are not recorded one
by one (the lockout is), so hammering the form cannot flood the chain.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

from accounts.actor import request_meta_of
from accounts.events import account_ref, record
from accounts.throttle import Lockout, client_address, lockout_remaining
from audit.models import Action, Outcome
from audit.services import Acting


def _known_account(username: str) -> dict[str, Any] | None:
    if not username or "\x00" in username:
        return None
    user_model = get_user_model()
    lookup = {user_model.USERNAME_FIELD: username[:150]}
    account = user_model._default_manager.filter(**lookup).first()
    return account_ref(account) if account is not None else None


def signed_in(
    sender: type, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any
) -> None:
    """user_logged_in: the account is its own actor."""
    meta = request_meta_of(request) if request is not None else None
    details = {"account": account_ref(user), "backend": getattr(user, "backend", "")}
    record(Action.SIGN_IN, details=details, now=Acting(user, user.get_username(), meta))


def sign_in_failed(
    sender: str, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """user_login_failed: wrong password or unknown username, unless locked out."""
    username = str(credentials.get("username") or "")
    if request is not None and username and lockout_remaining(username, client_address(request)):
        return
    record(
        Action.SIGN_IN_FAILED, outcome=Outcome.FAILED, details={"account": _known_account(username)}
    )


def sign_in_locked_out(sender: type, lockout: Lockout, **kwargs: Any) -> None:
    """accounts.throttle.lockout_started: the failure (at sign-in or on the password-change
    form) that started a lockout."""
    details = {
        "account": _known_account(lockout.username),
        "locked": lockout.scope,
        "seconds": lockout.seconds,
        "failures": lockout.failures,
        "purpose": lockout.purpose,
    }
    record(Action.SIGN_IN_LOCKOUT, outcome=Outcome.REFUSED, details=details)


def password_change_failed(
    sender: type,
    user: AbstractBaseUser,
    request: HttpRequest | None,
    locked_out: bool,
    **kwargs: Any,
) -> None:
    """accounts.forms.password_change_failed: a wrong old password is a failed sign-in of that
    account (the same throttle counts it); refused during a lockout, it is not recorded again."""
    if locked_out:
        return
    details = {"account": account_ref(user), "form": "password change"}
    record(Action.SIGN_IN_FAILED, outcome=Outcome.FAILED, details=details)
