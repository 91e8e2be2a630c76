"""The password-change form, with the old password checked under the sign-in throttle.

Without it, the form is a password oracle for whoever holds a session (a borrowed laptop, a
stolen cookie): unlimited guesses at the account's password, which then opens every other
session. Wrong old passwords count like failed sign-ins of that account from that address and
lock out the same way (``accounts.throttle``).
"""

import math
from typing import Any

from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.dispatch import Signal
from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables

from accounts.throttle import LockedOut, client_address, lockout_remaining, throttled_check

# Sent for every refused old password with ``user``, ``request`` and ``locked_out`` (True: the
# throttle refused it unchecked; False: it was checked and wrong): the password-change
# counterpart of Django's ``user_login_failed``, for the account events in the audit log.
password_change_failed = Signal()

LOCKED_CODE = "locked_out"


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's form; ``request`` gives the address the throttle keys on."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        LOCKED_CODE: "Too many wrong passwords for this account from your address: password "
        "change and sign-in are locked. Try again in %(minutes)d minute%(plural)s.",
    }

    def __init__(self, user: Any, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    @property
    def locked_out(self) -> bool:
        return self.has_error("old_password", LOCKED_CODE)

    @sensitive_variables("old_password")
    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        user, address = self.user, client_address(self.request)

        def check() -> Any:
            return user if user.check_password(old_password) else None

        try:
            checked = throttled_check(
                user.get_username(), address, check, purpose="password change"
            )
        except LockedOut as locked:
            self._failed(locked_out=True)
            raise self._locked(locked.remaining) from None
        if checked is None:
            self._failed(locked_out=False)
            wrong = ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
            # The guess that started the lock says so at once, as the sign-in page does.
            remaining = lockout_remaining(user.get_username(), address)
            raise ValidationError([wrong, self._locked(remaining)]) if remaining else wrong
        return old_password

    def _locked(self, remaining: int) -> ValidationError:
        minutes = math.ceil(remaining / 60)
        params = {"minutes": minutes, "plural": "" if minutes == 1 else "s"}
        return ValidationError(self.error_messages[LOCKED_CODE], code=LOCKED_CODE, params=params)

    def _failed(self, *, locked_out: bool) -> None:
        password_change_failed.send(
            sender=type(self), user=self.user, request=self.request, locked_out=locked_out
        )
