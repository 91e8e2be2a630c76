"""Sandbox API routes, under ``2.0/`` like a Powens domain. Not mounted in the dashboard's
urlconf: the dashboard reaches them in-process (``sandbox.transport``) and ``sandbox_server``
serves them standalone (``sandbox.server_urls``)."""

from django.urls import re_path

from sandbox import api, views

app_name = "sandbox"

urlpatterns = [
    re_path(r"^2\.0/connectors/?$", views.connectors, name="connectors"),
    re_path(r"^2\.0/connectors/(?P<ref>[^/]+)/?$", views.connector, name="connector"),
    re_path(r"^2\.0/connectors/(?P<ref>[^/]+)/sources/?$", views.sources, name="sources"),
    re_path(
        r"^2\.0/connectors/(?P<ref>[^/]+)/sources/(?P<source_id>[^/]+)/?$",
        views.source,
        name="source",
    ),
]

handler404 = api.route_not_found
handler500 = api.server_error
