"""Helpers for the export tests: read a CSV download back, and the rows the list page shows."""

import csv
import io
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.test import Client


def body_of(response: StreamingHttpResponse) -> bytes:
    assert response.status_code == 200, response.status_code
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def parse(body: bytes, *, excel: bool = False) -> list[dict[str, str]]:
    """The CSV as a list of dicts (header row → keys), read with the csv module."""
    text = body.decode("utf-8-sig" if excel else "utf-8")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";" if excel else ","))


@pytest.fixture
def download(viewer_client: Client) -> Callable[..., list[dict[str, str]]]:
    """``download("/connectors/export.csv", {"country": "fr"})`` → parsed rows (as a viewer)."""

    def get(url: str, params: Mapping[str, Any] | None = None) -> list[dict[str, str]]:
        return parse(body_of(viewer_client.get(url, params or {})))

    return get


@pytest.fixture
def view_uuids(viewer_client: Client) -> Callable[[Mapping[str, Any]], list[str]]:
    """The connector UUIDs the list page shows for ``params``, every page in turn."""

    def collect(params: Mapping[str, Any]) -> list[str]:
        uuids: list[str] = []
        page, pages = 1, 1
        while page <= pages:
            response = viewer_client.get("/connectors/", {**params, "page": page})
            assert response.status_code == 200
            result = response.context["result"]
            uuids += [row.uuid for row in result.rows]
            page, pages = page + 1, result.num_pages
        return uuids

    return collect
