"""Sign-in page: Django's LoginView plus the sandbox demo-account hint, the lockout notice and
"Sign in with <provider>" (accounts.oidc); with ``LOCAL_PASSWORD_LOGIN`` off, only the latter.
Password change: Django's view with the throttled form."""

import math
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.http import HttpRequest, HttpResponse

from accounts.demo import DEMO_ACCOUNTS, demo_accounts_allowed
from accounts.forms import ThrottledPasswordChangeForm
from accounts.oidc.config import oidc_enabled
from accounts.throttle import client_address, lockout_remaining


class DashboardLoginView(LoginView):
    """Shows the demo accounts only where they can exist (sandbox + development)."""

    redirect_authenticated_user = True
    # FormView treats PUT like POST; a sign-in form has no business answering it.
    http_method_names = ["get", "post", "head", "options"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        password_login = settings.LOCAL_PASSWORD_LOGIN
        context["password_login"] = password_login
        shown = password_login and demo_accounts_allowed()
        context["demo_accounts"] = DEMO_ACCOUNTS if shown else ()
        context["oidc_provider_name"] = settings.OIDC_PROVIDER_NAME if oidc_enabled() else ""
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """With password sign-in off, a posted password is not even looked at (and no backend
        would accept it): 403 with the page that offers the provider instead."""
        if not settings.LOCAL_PASSWORD_LOGIN:
            return self.render_to_response(self.get_context_data(password_refused=True), status=403)
        return super().post(request, *args, **kwargs)

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
