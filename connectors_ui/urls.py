"""The dashboard's routes, one module per capability."""

from django.urls import include, path

urlpatterns = [
    path("", include("connectors_ui.web.urls")),
    path("", include("connectors_ui.exports.urls")),
    path("", include("connectors_ui.changes.urls")),
    path("", include("connectors_ui.compare.urls")),
    path("", include("connectors_ui.catalogue.urls")),
]
