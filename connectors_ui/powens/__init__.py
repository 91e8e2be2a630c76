"""The Powens client package: the only code in the project that speaks HTTP to Powens."""

from . import _parse as parse  # the JSON readers, shared with the catalogue copy's columns
from ._base import parsed_skipping_malformed
from ._parse import as_datetime as parse_powens_datetime
from .client import PowensClient, get_client

__all__ = [
    "PowensClient",
    "get_client",
    "parse",
    "parse_powens_datetime",
    "parsed_skipping_malformed",
]
