"""``/health/``: open to probes without a session; see connectors_ui.web.health.

GET or HEAD (some load balancers probe with HEAD). Production exempts it from the HTTPS
redirect (``SECURE_REDIRECT_EXEMPT``): probes speak plain HTTP inside the network.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from connectors_ui.web.health import health_report


@login_not_required
@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    body, healthy = health_report()
    return JsonResponse(body, status=200 if healthy else 503)
