"""Helpers shared by the typed Powens objects: how a field is read from JSON, declared once.

Each field of a typed object names its reader (``reads(p.as_str)``); ``ApiObject.from_api``
applies them all. One declaration per field means a type cannot read a key differently from its
siblings, and adding a field is one line instead of two that must agree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import field, fields
from enum import StrEnum
from functools import cache, partial
from typing import Any, Self

from . import _parse as p
from .errors import PowensMalformedResponse

type Reader = Callable[[Any], Any]


def raw_field() -> Any:
    return field(repr=False, compare=False)


def reads(reader: Reader) -> Any:
    """A field filled with ``reader(data.get(<the field's name>))``."""
    return field(metadata={"read": reader})


def nested[T](parse: Callable[[Mapping[str, Any]], T], value: Any) -> T | None:
    obj = p.as_object(value)
    return parse(obj) if obj is not None else None


def expanded[T](parse: Callable[[Mapping[str, Any]], T], value: Any) -> tuple[T, ...] | None:
    """An expandable list: None when absent (not expanded); non-object items are dropped."""
    if not isinstance(value, list):
        return None
    return tuple(parse(item) for item in value if isinstance(item, Mapping))


def parsed_skipping_malformed[T](parse: Callable[[Any], T], items: Any) -> list[T]:
    """Each item ``parse`` accepts; one it refuses as malformed is left out, so a single broken
    object never costs its neighbours (it stays visible in the enclosing ``raw``)."""
    accepted = []
    for item in items:
        try:
            accepted.append(parse(item))
        except PowensMalformedResponse:
            continue
    return accepted


def one(parse: Callable[[Mapping[str, Any]], Any]) -> Reader:
    """Reads a nested object, None when absent or not an object."""
    return partial(nested, parse)


def many(parse: Callable[[Mapping[str, Any]], Any]) -> Reader:
    """Reads an expandable list of objects (see ``expanded``)."""
    return partial(expanded, parse)


def enum(kind: type[StrEnum]) -> Reader:
    return partial(p.as_enum, kind)


def enums(kind: type[StrEnum]) -> Reader:
    return partial(p.as_enum_tuple, kind)


@cache
def _readers(cls: type) -> tuple[tuple[str, Reader], ...]:
    return tuple((f.name, f.metadata["read"]) for f in fields(cls) if "read" in f.metadata)


def read_fields(cls: type, data: Mapping[str, Any]) -> dict[str, Any]:
    """Every declared field of ``cls`` read from ``data``, and ``raw``: the keyword arguments of
    its constructor, for a ``from_api`` that checks the object's identity first."""
    values = {name: read(data.get(name)) for name, read in _readers(cls)}
    values["raw"] = data
    return values


class ApiObject:
    """Base of the typed objects whose every field is declared with ``reads``."""

    __slots__ = ()

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(**read_fields(cls, data))
