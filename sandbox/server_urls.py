"""The standalone server's routes: the API under ``2.0/`` plus fault control."""

from django.urls import path

from sandbox import api, control
from sandbox.urls import urlpatterns as api_patterns

urlpatterns = [
    *api_patterns,
    path("_sandbox/faults", control.fault_control, name="faults"),
]

handler404 = api.route_not_found
handler500 = api.server_error
