"""Sign-in page: Django's LoginView plus the sandbox demo-account hint."""

from typing import Any

from django.contrib.auth.views import LoginView

from connectors_ui.demo import DEMO_ACCOUNTS, demo_accounts_allowed


class DashboardLoginView(LoginView):
    """Shows the demo accounts only where they can exist (sandbox + development)."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["demo_accounts"] = DEMO_ACCOUNTS if demo_accounts_allowed() else ()
        return context


login = DashboardLoginView.as_view()
