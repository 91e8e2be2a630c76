"""Caps on the free text a request brings into the audit log.

History cannot be deleted, so no request may make it grow without bound: a longer value keeps
its beginning and ends with a visible marker ("… [truncated N chars]"); a cut is never silent.
"""

from collections.abc import Mapping
from typing import Any

# Free text a request brings in is kept up to these sizes (characters); a longer value keeps
# its beginning and ends with "… [truncated N chars]". Posted details (a refusal's) keep each
# text to DETAIL_TEXT_CAP and each list to its first DETAIL_ITEMS_CAP items plus a marker.
REASON_CAP = 1000
USER_AGENT_CAP = 512  # the column's size
QUERY_STRING_CAP = 2000
DETAIL_TEXT_CAP = 100
DETAIL_ITEMS_CAP = 50
_MARKER_ROOM = 40  # "… [truncated 1,234,567 chars]" fits


def capped(text: str, cap: int) -> str:
    """``text`` if it fits in ``cap`` characters, else its beginning and a marker saying how
    many characters were dropped: a cut is never silent."""
    if len(text) <= cap:
        return text
    keep = cap - _MARKER_ROOM
    return f"{text[:keep]}… [truncated {len(text) - keep:,} chars]"


def capped_details(value: Any) -> Any:
    """Posted details as recorded: texts capped, lists cut to their first items plus one
    marker item saying how many were dropped. Keys are ours, not posted: kept."""
    if isinstance(value, str):
        return capped(value, DETAIL_TEXT_CAP)
    if isinstance(value, Mapping):
        return {key: capped_details(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        items = [capped_details(item) for item in value[:DETAIL_ITEMS_CAP]]
        if len(value) > DETAIL_ITEMS_CAP:
            items.append(f"… [truncated {len(value) - DETAIL_ITEMS_CAP:,} items]")
        return items
    return value
