from django.urls import include, path

from governance import views

app_name = "governance"
# One change request: read it, and what its approvers, its author or an admin may do to it.
request_patterns = [
    path("", views.request_detail, name="request"),
    path("approve/", views.request_approve, name="approve"),
    path("reject/", views.request_reject, name="reject"),
    path("edit/", views.request_edit, name="edit"),
    path("withdraw/", views.request_withdraw, name="withdraw"),
    path("apply/", views.request_apply, name="apply"),
    path("bypass/", views.request_bypass, name="bypass"),
    path("cancel/", views.schedule_cancel, name="cancel"),
]
propose_patterns = [
    path("batch/", views.propose_batch, name="propose_batch"),
    path("revert/", views.propose_revert, name="propose_revert"),
    path("promote/", views.propose_promote, name="propose_promote"),
    path("<str:ref>/", views.propose_connector, name="propose_connector"),
    path("<str:ref>/sources/<int:source_id>/", views.propose_source, name="propose_source"),
]
urlpatterns = [
    path("changes/requests/", views.requests_list, name="requests"),
    path("changes/requests/<int:request_id>/", include(request_patterns)),
    path("changes/propose/", include(propose_patterns)),
    path("changes/schedule/<str:ref>/", views.schedule_connector, name="schedule"),
    path("changes/scheduled/", views.scheduled_list, name="scheduled"),
]
