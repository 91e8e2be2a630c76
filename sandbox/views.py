"""The eight Powens connector endpoints (POWENS_API.md §2): parse, call the backend, return."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sandbox import backend
from sandbox.api import comma_list, endpoint, int_param, json_body
from sandbox.errors import not_found


def _list_connectors(request: HttpRequest) -> dict[str, Any]:  # E1
    return backend.list_connectors(
        expand=comma_list(request, "expand"),
        country_codes=comma_list(request, "country_codes"),
        id_payment=int_param(request, "id_payment"),
        include_hidden="all" in request.GET,
        limit=int_param(request, "limit"),
        offset=int_param(request, "offset") or 0,
    )


def _batch_update(request: HttpRequest) -> dict[str, Any]:  # E4
    return backend.batch_update_connectors(json_body(request))


def _get_connector(request: HttpRequest, ref: str) -> dict[str, Any]:  # E2
    return backend.get_connector(ref, expand=comma_list(request, "expand"))


def _put_connector(request: HttpRequest, ref: str) -> dict[str, Any]:  # E3, or E5 with ids
    # One integer id answers the Connector, like a UUID (the vendor's older spec); a list of
    # ids answers a ConnectorsList.
    if "," in ref and backend.IDS_PATTERN.match(ref):
        return backend.update_connectors_by_ids(ref, json_body(request))
    return backend.update_connector(ref, json_body(request))


def _list_sources(request: HttpRequest, ref: str) -> dict[str, Any]:  # E6
    return backend.list_sources(ref, country_codes=comma_list(request, "country_codes"))


def _source_id(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()):  # "¹" is a digit int() refuses
        raise not_found("Source")
    return int(raw)


def _get_source(request: HttpRequest, ref: str, source_id: str) -> dict[str, Any]:  # E7
    return backend.get_source(ref, _source_id(source_id))


def _put_source(request: HttpRequest, ref: str, source_id: str) -> dict[str, Any]:  # E8
    return backend.update_source(ref, _source_id(source_id), json_body(request))


connectors = endpoint(GET=_list_connectors, PATCH=_batch_update)
connector = endpoint(GET=_get_connector, PUT=_put_connector)
sources = endpoint(GET=_list_sources)
source = endpoint(GET=_get_source, PUT=_put_source)
