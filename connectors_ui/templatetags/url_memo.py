"""``{% url %}``, reversed once per URL configuration and prefix when it names a view and nothing
else (``{% load url_memo %}`` puts it in place of Django's in that template).

Why (issue 16): the layout and the list's bar hold thirteen of them (the menu, the filter form,
the saved views), each a ``reverse()`` walking the resolver for the same string on every
request. What such a URL is depends only on the view's name, the URL configuration, the script
prefix (``/d/<domain>/``, ``connectors_ui.domains``) and the current app: all in the key. A URL
with arguments, a variable view name or ``as`` is Django's, unchanged.
"""

from typing import Any

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import get_script_prefix, get_urlconf

register = template.Library()

HELD_URLS = 1_000
_held: dict[tuple, str] = {}


class MemoURLNode(URLNode):
    def render(self, context: template.Context) -> str:
        name = self.view_name.var  # a Variable unless the template names the view
        if self.args or self.kwargs or self.asvar or self.view_name.filters:
            return super().render(context)
        if not isinstance(name, str):
            return super().render(context)
        request = getattr(context, "request", None)
        key = (
            name,
            getattr(request, "current_app", None),
            getattr(getattr(request, "resolver_match", None), "namespace", None),
            get_urlconf(),
            get_script_prefix(),
            context.autoescape,
        )
        url = _held.get(key)
        if url is None:
            if len(_held) >= HELD_URLS:  # only a misconfigured proxy's prefixes get here
                _held.clear()
            url = _held[key] = super().render(context)
        return url


@register.tag
def url(parser: Any, token: Any) -> URLNode:
    node = django_url(parser, token)
    return MemoURLNode(node.view_name, node.args, node.kwargs, node.asvar)
