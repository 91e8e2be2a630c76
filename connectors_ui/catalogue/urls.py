from django.urls import path

from connectors_ui.catalogue import views

# ``connectors/<ref>/`` matches any single segment: the fixed paths come first.
urlpatterns = [
    path("connectors/", views.connector_list, name="connector_list"),
    path("connectors/counts/", views.connector_list_counts, name="connector_list_counts"),
    path("connectors/refresh/", views.refresh, name="catalogue_refresh"),
    path("connectors/freshness/", views.freshness, name="catalogue_freshness_status"),
    path("connectors/palette/", views.palette, name="palette"),
    path("connectors/views/", views.saved_views, name="saved_views"),
    path("connectors/views/menu/", views.saved_view_lists, name="saved_view_menu"),
    path("connectors/views/new/", views.saved_view_new, name="saved_view_new"),
    path("connectors/views/<int:pk>/", views.saved_view_change, name="saved_view_change"),
    path("connectors/views/<int:pk>/delete/", views.saved_view_drop, name="saved_view_drop"),
    path("connectors/<str:ref>/", views.connector_detail, name="connector_detail"),
]
