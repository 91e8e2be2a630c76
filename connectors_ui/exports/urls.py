from django.urls import path

from connectors_ui.exports import views

urlpatterns = [
    path("connectors/export.csv", views.connectors_csv, name="export_connectors"),
    path("connectors/fields.csv", views.fields_csv, name="export_fields"),
    path("connectors/sources.csv", views.sources_csv, name="export_sources"),
]

# Mounted under /audit/ in the ``audit`` namespace by the project URLconf.
audit_urlpatterns = [path("export.csv", views.audit_csv, name="export")]
