from django.urls import path

from governance import views

app_name = "governance"
urlpatterns = [
    path("changes/requests/", views.requests_list, name="requests"),
    path("changes/requests/<int:request_id>/", views.request_detail, name="request"),
    path("changes/requests/<int:request_id>/approve/", views.request_approve, name="approve"),
    path("changes/requests/<int:request_id>/reject/", views.request_reject, name="reject"),
    path("changes/requests/<int:request_id>/edit/", views.request_edit, name="edit"),
    path("changes/requests/<int:request_id>/withdraw/", views.request_withdraw, name="withdraw"),
    path("changes/requests/<int:request_id>/apply/", views.request_apply, name="apply"),
    path("changes/requests/<int:request_id>/bypass/", views.request_bypass, name="bypass"),
    path("changes/requests/<int:request_id>/cancel/", views.schedule_cancel, name="cancel"),
    path("changes/propose/batch/", views.propose_batch, name="propose_batch"),
    path("changes/propose/revert/", views.propose_revert, name="propose_revert"),
    path("changes/propose/promote/", views.propose_promote, name="propose_promote"),
    path("changes/propose/<str:ref>/", views.propose_connector, name="propose_connector"),
    path(
        "changes/propose/<str:ref>/sources/<int:source_id>/",
        views.propose_source,
        name="propose_source",
    ),
    path("changes/schedule/<str:ref>/", views.schedule_connector, name="schedule"),
    path("changes/scheduled/", views.scheduled_list, name="scheduled"),
]
