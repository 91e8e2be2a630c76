"""Top-level routes. Each app owns its own URLs; the sandbox's API is not mounted here
because the dashboard reaches it in-process (``sandbox_server`` serves it standalone)."""

from django.contrib import admin
from django.urls import include, path

from connectors_ui.views import account, health

urlpatterns = [
    path("", include("connectors_ui.urls")),
    path("audit/", include("audit.urls")),
    # Our login view (adds the sandbox demo hint) shadows Django's; the rest are Django's own.
    path("accounts/login/", account.login, name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("health/", health.health, name="health"),
    path("admin/", admin.site.urls),
]
