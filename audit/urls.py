from django.urls import path

from audit import views

urlpatterns = [
    path("", views.audit_log, name="log"),
    path("<int:pk>/", views.audit_entry, name="entry"),
    path("batches/<uuid:batch_id>/", views.audit_batch, name="batch"),
    path(
        "connectors/<uuid:connector_uuid>/history/",
        views.connector_history,
        name="connector_history",
    ),
]
