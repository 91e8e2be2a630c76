from django.urls import include, path

from connectors_ui.changes import revert_views, views

# A change made on a connector, one of its sources, or a list row (``row/``: the row's cell
# answers), and "Check again" on each after an unclear answer.
connector_patterns = [
    path("state/", views.connector_state, name="connector_state"),
    path("state/row/", views.connector_row_state, name="connector_row_state"),
    path("sources/<int:source_id>/state/", views.source_state, name="source_state"),
    path("check/", views.connector_check, name="connector_check"),
    path("check/row/", views.connector_row_check, name="connector_row_check"),
    path("sources/<int:source_id>/check/", views.source_check, name="source_check"),
]
batch_patterns = [
    path("preview/", views.batch_preview, name="batch_preview"),
    path("apply/", views.batch_apply, name="batch_apply"),
    path("<uuid:batch_id>/", views.batch_result, name="batch_result"),
    path("<uuid:batch_id>/check/", views.batch_check, name="batch_check"),
]
revert_patterns = [
    path("entries/<int:pk>/", revert_views.revert_entry, name="revert_entry"),
    path("batches/<uuid:batch_id>/", revert_views.revert_batch, name="revert_batch"),
    path("apply/", revert_views.revert_apply, name="revert_apply"),
]
urlpatterns = [
    path("connectors/<str:ref>/", include(connector_patterns)),
    path("changes/batch/", include(batch_patterns)),
    path("changes/revert/", include(revert_patterns)),
]

# Mounted under /audit/ in the ``audit`` namespace by the project URLconf.
audit_urlpatterns = [path("reconcile/", views.reconcile, name="reconcile")]
