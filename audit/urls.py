from django.urls import path

from audit import views
from connectors_ui.views.exports import audit_csv

app_name = "audit"
urlpatterns = [
    path("", views.audit_log, name="log"),
    path("export.csv", audit_csv, name="export"),
]
