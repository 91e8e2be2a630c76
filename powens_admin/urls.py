"""Top-level routes. Each app owns its own URLs; the sandbox's API is not mounted here
because the dashboard reaches it in-process (``sandbox_server`` serves it standalone)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from connectors_ui.roles import role_not_required
from connectors_ui.views import account, health

urlpatterns = [
    path("", include("connectors_ui.urls")),
    path("audit/", include("audit.urls")),
    # Our login view (adds the sandbox demo hint and lockout notice); the rest are Django's.
    # Not include("django.contrib.auth.urls"): its password-reset views are public and would
    # send mail; accounts are managed by admins.
    path("accounts/login/", account.login, name="login"),
    # An account without a role may still sign out and change its password.
    path("accounts/logout/", role_not_required(auth_views.LogoutView.as_view()), name="logout"),
    path(
        "accounts/password_change/",
        role_not_required(
            auth_views.PasswordChangeView.as_view(http_method_names=["get", "post", "head"])
        ),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        role_not_required(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path("health/", health.health, name="health"),
    path("admin/", admin.site.urls),
]
