"""Top-level routes. Each app owns its own URLs; the sandbox's API is not mounted here
because the dashboard reaches it in-process (``sandbox_server`` serves it standalone)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("connectors_ui.urls")),
    path("audit/", include("audit.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
