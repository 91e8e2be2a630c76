"""The Powens client package: the only code in the project that speaks HTTP to Powens."""

from .client import PowensClient, get_client

__all__ = ["PowensClient", "get_client"]
