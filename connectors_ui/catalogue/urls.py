from django.urls import path

from connectors_ui.catalogue import views

# ``connectors/<ref>/`` matches any single segment: the fixed paths come first.
urlpatterns = [
    path("connectors/", views.connector_list, name="connector_list"),
    path("connectors/counts/", views.connector_list_counts, name="connector_list_counts"),
    path("connectors/refresh/", views.refresh, name="catalogue_refresh"),
    path("connectors/freshness/", views.freshness, name="catalogue_freshness_status"),
    path("connectors/<str:ref>/", views.connector_detail, name="connector_detail"),
]
