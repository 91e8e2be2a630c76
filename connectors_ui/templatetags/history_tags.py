"""The connector page's history beside its toggles: the 30-day health timeline
(``catalogue.health_history``) and the changes found made outside the dashboard
(``catalogue.observed``)."""

from typing import Any

from django import template
from django.utils import timezone

from connectors_ui.catalogue.health_history import WINDOW_DAYS, WINDOW_HOURS, health_timeline
from connectors_ui.catalogue.observed import observed_changes_of

register = template.Library()


@register.inclusion_tag("connectors_ui/_health_timeline.html")
def health_timeline_of(connector: Any) -> dict[str, Any]:
    return {
        "rows": health_timeline(connector, now=timezone.now()),
        "days": WINDOW_DAYS,
        "hours": WINDOW_HOURS,
    }


@register.inclusion_tag("connectors_ui/_outside_changes.html")
def outside_changes(connector: Any) -> dict[str, Any]:
    return {"entries": observed_changes_of(connector.uuid), "connector": connector}
