"""Sign-in page: Django's LoginView plus the sandbox demo-account hint and the lockout notice;
password change: Django's view with the throttled form."""

import math
from typing import Any

from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.http import HttpResponse

from accounts.demo import DEMO_ACCOUNTS, demo_accounts_allowed
from accounts.forms import ThrottledPasswordChangeForm
from accounts.throttle import client_address, lockout_remaining


class DashboardLoginView(LoginView):
    """Shows the demo accounts only where they can exist (sandbox + development)."""

    redirect_authenticated_user = True
    # FormView treats PUT like POST; a sign-in form has no business answering it.
    http_method_names = ["get", "post", "head", "options"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["demo_accounts"] = DEMO_ACCOUNTS if demo_accounts_allowed() else ()
        return context

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        """A locked-out pair (see accounts.throttle) is told so, and for how long: 429."""
        username = form.data.get("username", "")
        remaining = lockout_remaining(username, client_address(self.request)) if username else 0
        if not remaining:
            return super().form_invalid(form)
        context = self.get_context_data(form=form, lockout_minutes=math.ceil(remaining / 60))
        return self.render_to_response(context, status=429)


login = DashboardLoginView.as_view()


class ThrottledPasswordChangeView(PasswordChangeView):
    """A locked-out account is told so on the form, with 429 like the sign-in page."""

    form_class = ThrottledPasswordChangeForm
    http_method_names = ["get", "post", "head"]

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_invalid(form)
        if isinstance(form, ThrottledPasswordChangeForm) and form.locked_out:
            response.status_code = 429
        return response


password_change = ThrottledPasswordChangeView.as_view()
