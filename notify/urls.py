from django.urls import path

from notify import views

app_name = "notify"

urlpatterns = [
    path("webhooks/", views.webhooks, name="webhooks"),
    path("webhooks/<int:pk>/", views.webhook, name="webhook"),
    path(
        "webhooks/<int:pk>/<str:action>/",
        views.webhook_action,
        name="webhook_action",
    ),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("deliveries/redeliver/", views.redeliver, name="redeliver"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]

# Mounted under /audit/ in the ``audit`` namespace by the project URLconf.
audit_urlpatterns = [
    path("export.jsonl", views.audit_jsonl, name="export_jsonl"),
    path("stream/", views.audit_stream, name="stream"),
]
