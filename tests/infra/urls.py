"""The project's routes plus one role-protected probe view, for testing ``role_required``."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from accounts.roles import Role, role_required
from powens_admin.urls import urlpatterns as project_urlpatterns


@role_required(Role.EDITOR)
def editor_only(request: HttpRequest) -> HttpResponse:
    return HttpResponse("editor area")


urlpatterns = [*project_urlpatterns, path("probe/editor-only/", editor_only)]
