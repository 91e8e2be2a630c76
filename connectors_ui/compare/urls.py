from django.urls import path

from connectors_ui.compare import views

urlpatterns = [
    path("compare/", views.compare, name="compare"),
    path("compare/export.csv", views.compare_csv, name="compare_csv"),
    path("compare/promote/preview/", views.promote_preview, name="promote_preview"),
    path("compare/promote/apply/", views.promote_apply, name="promote_apply"),
]
