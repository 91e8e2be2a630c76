from django.urls import path

from audit import views
from connectors_ui.views.exports import audit_csv

app_name = "audit"
urlpatterns = [
    path("", views.audit_log, name="log"),
    path("export.csv", audit_csv, name="export"),
    path("<int:pk>/", views.audit_entry, name="entry"),
    path("batches/<uuid:batch_id>/", views.audit_batch, name="batch"),
    path(
        "connectors/<uuid:connector_uuid>/history/",
        views.audit_connector_history_view,
        name="connector_history",
    ),
    path("reconcile/", views.audit_reconcile_view, name="reconcile"),
]
