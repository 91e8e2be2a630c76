from django.urls import path

from connectors_ui.changes import revert_views, views

urlpatterns = [
    path("connectors/<str:ref>/state/", views.connector_state, name="connector_state"),
    path("connectors/<str:ref>/state/row/", views.connector_row_state, name="connector_row_state"),
    path(
        "connectors/<str:ref>/sources/<int:source_id>/state/",
        views.source_state,
        name="source_state",
    ),
    path("connectors/<str:ref>/check/", views.connector_check, name="connector_check"),
    path("connectors/<str:ref>/check/row/", views.connector_row_check, name="connector_row_check"),
    path(
        "connectors/<str:ref>/sources/<int:source_id>/check/",
        views.source_check,
        name="source_check",
    ),
    path("changes/batch/preview/", views.batch_preview, name="batch_preview"),
    path("changes/batch/apply/", views.batch_apply, name="batch_apply"),
    path("changes/batch/<uuid:batch_id>/", views.batch_result, name="batch_result"),
    path("changes/batch/<uuid:batch_id>/check/", views.batch_check, name="batch_check"),
    path("changes/revert/entries/<int:pk>/", revert_views.revert_entry, name="revert_entry"),
    path("changes/revert/batches/<uuid:batch_id>/", revert_views.revert_batch, name="revert_batch"),
    path("changes/revert/apply/", revert_views.revert_apply, name="revert_apply"),
]

# Mounted under /audit/ in the ``audit`` namespace by the project URLconf.
audit_urlpatterns = [path("reconcile/", views.reconcile, name="reconcile")]
