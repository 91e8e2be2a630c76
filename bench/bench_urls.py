"""The product's routes plus two yardsticks that only the bench mounts (``bench_settings``):

- ``/bench-admin/``: the stock Django admin changelist of the same catalogue rows (50 a page,
  search on name/slug/code, a few filters), what one would get for free;
- ``/bench-floor/``: a bare 50-row table behind the same middleware (session, auth, role,
  CSP…), the cost of any signed-in page that reads 50 rows: the list page's floor.
"""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

from connectors_ui.models import CatalogueConnector

FLOOR_COLUMNS = ("uuid", "name", "powens_id", "auth_mechanism", "hidden", "countries")
FLOOR_TEMPLATE = engines["django"].from_string(
    "<!doctype html><title>floor</title><table>{% for row in rows %}<tr><td>{{ row.name }}</td>"
    "<td>{{ row.uuid }}</td><td>{{ row.powens_id }}</td><td>{{ row.auth_mechanism }}</td>"
    "<td>{{ row.hidden|yesno }}</td><td>{{ row.countries|length }}</td></tr>{% endfor %}</table>"
)


class ConnectorAdmin(admin.ModelAdmin):
    list_display = ("name", "powens_id", "uuid", "auth_mechanism", "hidden", "beta", "pay_capable")
    list_filter = ("hidden", "beta", "restricted", "pay_capable")
    search_fields = ("name", "slug", "code")
    list_per_page = 50


bench_admin = admin.AdminSite(name="bench_admin")
bench_admin.register(CatalogueConnector, ConnectorAdmin)


def floor(request: HttpRequest) -> HttpResponse:
    rows = CatalogueConnector.objects.order_by("pk").only(*FLOOR_COLUMNS)[:50]
    return HttpResponse(FLOOR_TEMPLATE.render({"rows": rows}, request))


urlpatterns = [
    path("bench-admin/", bench_admin.urls),
    path("bench-floor/", floor),
    path("", include("powens_admin.urls")),
]
