from django.urls import path
from django.views.generic import RedirectView

from connectors_ui.web import views

urlpatterns = [
    path("", RedirectView.as_view(url="/connectors/", permanent=False)),
    path("health/", views.health, name="health"),
]
