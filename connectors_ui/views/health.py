"""``/health/``: open to probes without a session; see connectors_ui.health."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from connectors_ui.health import health_report


@login_not_required
@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    body, healthy = health_report()
    return JsonResponse(body, status=200 if healthy else 503)
