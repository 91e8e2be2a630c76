"""Helpers shared by the typed Powens objects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import Any

from . import _parse as p


def raw_field() -> Any:
    return field(repr=False, compare=False)


def nested[T](parse: Any, value: Any) -> T | None:
    obj = p.as_object(value)
    return parse(obj) if obj is not None else None


def expanded[T](parse: Any, value: Any) -> tuple[T, ...] | None:
    """An expandable list: None when absent (not expanded); non-object items are dropped."""
    if not isinstance(value, list):
        return None
    return tuple(parse(item) for item in value if isinstance(item, Mapping))
