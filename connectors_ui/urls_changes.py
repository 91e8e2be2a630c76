"""Routes for changes (kept apart from the catalogue's; included by connectors_ui/urls.py)."""

from django.urls import path

from connectors_ui.views import changes

urlpatterns = [
    path("connectors/<str:ref>/state/", changes.connector_state, name="connector_state"),
    path(
        "connectors/<str:ref>/sources/<int:source_id>/state/",
        changes.source_state,
        name="source_state",
    ),
    path("changes/batch/preview/", changes.batch_preview_view, name="batch_preview"),
    path("changes/batch/apply/", changes.batch_apply_view, name="batch_apply"),
    path("changes/batch/<uuid:batch_id>/", changes.batch_result_view, name="batch_result"),
]
