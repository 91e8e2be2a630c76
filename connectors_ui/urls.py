from django.urls import include, path
from django.views.generic import RedirectView

from connectors_ui.views import catalogue, exports

urlpatterns = [
    path("", RedirectView.as_view(url="/connectors/", permanent=False)),
    path("connectors/", catalogue.connector_list, name="connector_list"),
    path("connectors/refresh/", catalogue.catalogue_refresh_view, name="catalogue_refresh"),
    path("connectors/export.csv", exports.connectors_csv, name="export_connectors"),
    path("connectors/fields.csv", exports.fields_csv, name="export_fields"),
    path("connectors/sources.csv", exports.sources_csv, name="export_sources"),
    path("", include("connectors_ui.urls_changes")),
    path("connectors/<str:ref>/", catalogue.connector_detail, name="connector_detail"),
]
