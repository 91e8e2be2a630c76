"""Links from a record to the connector page on the record's own domain.

The audit log lists every domain's entries, and a connector has the same uuid on every
domain: a plain ``{% url 'connector_detail' %}`` under the page's own domain led from a
production entry to the sandbox's page, which showed no such change."""

from typing import Any

from django import template
from django.urls import reverse

from connectors_ui.domains.context import current_domain_name
from connectors_ui.domains.links import domain_reverse
from connectors_ui.domains.registry import default_domain

register = template.Library()


@register.simple_tag(takes_context=True)
def connector_url(context: template.Context, entry: Any) -> str:
    """``entry``'s connector page on ``entry.domain`` (none: the default domain, as for the
    entries written before there were domains)."""
    name = entry.domain or default_domain().name
    if name == current_domain_name():
        return reverse("connector_detail", kwargs={"ref": entry.connector_uuid})
    return domain_reverse(context["request"], name, "connector_detail", ref=entry.connector_uuid)
