"""Catalogue pages: placeholder until the catalogue work lands."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def connector_list(request: HttpRequest) -> HttpResponse:
    return render(request, "connectors_ui/connector_list.html", {})
