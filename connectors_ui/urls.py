from django.urls import path
from django.views.generic import RedirectView

from connectors_ui.views import catalogue

urlpatterns = [
    path("", RedirectView.as_view(url="/connectors/", permanent=False)),
    path("connectors/", catalogue.connector_list, name="connector_list"),
]
