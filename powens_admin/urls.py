"""Top-level routes. Each app owns its own URLs; the sandbox's API is not mounted here
because the dashboard reaches it in-process (``sandbox_server`` serves it standalone).

``/audit/`` is one namespace made of the audit app's pages plus the two dashboard routes that
live there (the audit CSV, from exports; reconcile, from changes), so that ``audit`` itself
imports no dashboard code.
"""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

import audit.urls
from accounts.roles import role_not_required
from connectors_ui.changes.urls import audit_urlpatterns as changes_audit_urlpatterns
from connectors_ui.exports.urls import audit_urlpatterns as exports_audit_urlpatterns

audit_urlpatterns = [
    *audit.urls.urlpatterns,
    *exports_audit_urlpatterns,
    *changes_audit_urlpatterns,
]

urlpatterns = [
    path("", include("governance.urls")),
    path("", include("connectors_ui.urls")),
    path("audit/", include((audit_urlpatterns, "audit"))),
    path("accounts/", include("accounts.urls")),
    # Django admin's own password-change form checks the old password unthrottled (a password
    # oracle for any staff session): ours is the only one.
    path(
        "admin/password_change/",
        role_not_required(RedirectView.as_view(pattern_name="password_change")),
    ),
    path("admin/", admin.site.urls),
]
