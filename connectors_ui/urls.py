from django.urls import path
from django.views.generic import RedirectView

from connectors_ui.views import catalogue

urlpatterns = [
    path("", RedirectView.as_view(url="/connectors/", permanent=False)),
    path("connectors/", catalogue.connector_list, name="connector_list"),
    path("connectors/refresh/", catalogue.catalogue_refresh_view, name="catalogue_refresh"),
    path("connectors/<str:ref>/", catalogue.connector_detail, name="connector_detail"),
]
