"""``{% held_fragment "name" %}…{% endheld_fragment %}``: a part of the list page rendered once
per copy of the catalogue and what the page shows, then served as it was.

Why (issue 16): after the rows were memoised, most of a list page was the template machinery
around them (a dozen ``querystring`` tags, the sort links, the pagination, the facet menus),
rebuilt identically for every view of the same query. What a held part shows depends only on:

- the copy of the catalogue (``ConnectorPage.fragments`` lives and dies with it: a change of
  any connector makes a new copy, with nothing held);
- the query string as sent (the links carry unknown parameters back as they came);
- who looks, by role only (checkboxes and toggles for editors, exports for any role), and
  whether the domain needs approval (the toggles' words);
- the refresh state (the empty copy's message), whether the part answers out of band, the URL
  prefix the links are reversed under, and the minute (a row's "for 2 hours").

Never held: a part with a row whose change may have left its state unknown (its cell depends on
the audit log and on who looks), and any part holding a CSRF field, which belongs to one
session (the batch bar stays outside the held parts for that reason; this is the safety net).
"""

from typing import Any

from django import template
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone

from governance.policy import approval_required

register = template.Library()

# Parts held per copy at the most (each some 30 KB): past it, they are rendered again.
HELD_FRAGMENTS = 200
_CSRF_FIELD = 'name="csrfmiddlewaretoken"'


class HeldFragmentNode(template.Node):
    def __init__(self, name: str, nodelist: template.NodeList) -> None:
        self.name, self.nodelist = name, nodelist

    def render(self, context: template.Context) -> str:
        result: Any = context.get("result")  # a ConnectorPage, on the list's templates
        held: dict | None = getattr(result, "fragments", None)
        key = fragment_key(context, self.name, result.rows) if held is not None else None
        if held is None or key is None:
            return self.nodelist.render(context)
        minute = int(timezone.now().timestamp() // 60)
        entry = held.get(key)
        if entry is not None and entry[0] == minute:
            return entry[1]
        html = self.nodelist.render(context)
        if _CSRF_FIELD not in html:
            if len(held) >= HELD_FRAGMENTS:
                held.clear()
            held[key] = (minute, html)
        return html


def fragment_key(context: template.Context, name: str, rows: list[Any]) -> tuple | None:
    """What the part ``name`` of a page of ``rows`` shows depends on, beside the copy; None
    when it must be rendered for this request alone (a row whose state may be unknown)."""
    request = context.get("request")
    if request is None or any(getattr(c, "has_unresolved_change", True) for c in rows):
        return None
    status = context.get("catalogue_status")
    return (
        name,
        request.GET.urlencode(),
        bool(context.get("oob")),
        context.get("user_role"),
        bool(context.get("can_edit")),
        approval_required(),
        bool(status and status.refreshing),
        bool(status and status.refreshed_at),
        get_urlconf(),
        get_script_prefix(),
    )


@register.tag("held_fragment")
def held_fragment(parser: Any, token: Any) -> HeldFragmentNode:
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'":
        raise template.TemplateSyntaxError('Usage: {% held_fragment "name" %}')
    nodelist = parser.parse(("endheld_fragment",))
    parser.delete_first_token()
    return HeldFragmentNode(bits[1][1:-1], nodelist)
