"""What every page's layout shows: the signed-in user's role, which Powens answers, how fresh
the catalogue copy is, and whether a background worker is alive (the banners in base.html)."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.roles import Role, role_of
from connectors_ui.catalogue.tasks import catalogue_refresh_if_stale
from worker.status import worker_status_for_pages


def dashboard(request: HttpRequest) -> dict:
    role = role_of(request.user)
    context = {
        "user_role": role,
        "user_role_label": role.label if role else "",
        "can_edit": role >= Role.EDITOR,
        "is_admin": role >= Role.ADMIN,
        "powens_target": "sandbox"
        if settings.POWENS_SANDBOX
        else (settings.POWENS_DOMAIN or settings.POWENS_BASE_URL),
        "powens_is_sandbox": settings.POWENS_SANDBOX,
    }
    if role >= Role.VIEWER:
        # Any page a dashboard user opens starts the refresh a stale copy needs, whatever app
        # it belongs to (the audit pages import no dashboard code). Lazy: only a page that
        # shows the banner reads the status, in the one query it needs anyway; a catalogue
        # view that read it already passes its own ``catalogue_status``.
        context["catalogue_status"] = SimpleLazyObject(catalogue_refresh_if_stale)
        # Lazy too: only a page with the banner asks (no query at all without a queue), and
        # it is read once every few seconds per process.
        context["worker_status"] = SimpleLazyObject(worker_status_for_pages)
    return context
