"""The request type of a view behind ``HtmxMiddleware`` (django-htmx's documented pattern).

``audit`` keeps a two-line twin of it: a leaf app may not import the dashboard's web edge.
"""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
