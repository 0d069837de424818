"""JSON pages straight from store rows, without building a pydantic model per row.

Validating each row into its response model and serialising the models cost more CPU than the
database spends on a page. The rows were validated when they were stored, so a page is encoded
from the row dicts directly: each row is projected onto its model's fields, in the model's order,
with the model's defaults and number types, and serialised by orjson (pydantic-core's encoder
without it). The bytes are the ones FastAPI would send for the same ``response_model``
(``tests/api/test_json.py`` compares them); anything the projection does not know falls back to
the models.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any

# The same bytes as pydantic-core's encoder (tests/api/test_json.py), several times faster; like
# the models, it writes null for NaN and infinities.
from orjson import dumps as _dumps
from pydantic import BaseModel

from ._schemas import Page

Row = dict[str, Any]
Project = Callable[[Row], Row]

JSON_MEDIA_TYPE = "application/json"


class UnsupportedField(TypeError):
    """A model field whose type the projection does not convert (the page uses the models)."""


def page_body(
    model: type[BaseModel], rows: Sequence[Row], next_cursor: str | None, limit: int
) -> bytes:
    """The JSON of ``Page[model]`` for ``rows``, as FastAPI would serialise it."""
    try:
        project = projector(model)
        items = [project(row) for row in rows]
        return _dumps({"items": items, "next_cursor": next_cursor, "limit": limit})
    except (UnsupportedField, KeyError, TypeError, ValueError):
        # An unexpected row or field type (the encoders' errors are TypeError or ValueError):
        # the models say what is right, or raise.
        page = Page[model](  # type: ignore[valid-type]
            items=[model.model_validate(row) for row in rows], next_cursor=next_cursor, limit=limit
        )
        return page.model_dump_json().encode("utf-8")


@functools.cache
def projector(model: type[BaseModel]) -> Project:
    """A function mapping a row dict to ``model``'s serialised fields, in order."""
    defaults: list[tuple[str, Any]] = []
    factories: list[tuple[str, Callable[[], Any]]] = []
    converters: list[tuple[str, Callable[[Any], Any]]] = []
    for name, info in model.model_fields.items():
        if info.alias not in (None, name):
            raise UnsupportedField(f"{model.__name__}.{name} has an alias")
        convert = _converter(info.annotation)
        if convert is not None:
            converters.append((name, convert))
        if info.default_factory is not None:
            factories.append((name, typing.cast(Callable[[], Any], info.default_factory)))
            defaults.append((name, _MISSING))
        else:
            defaults.append((name, _MISSING if info.is_required() else _plain(info.default)))
    required = {name for name, default in defaults if default is _MISSING} - dict(factories).keys()

    def project(row: Row) -> Row:
        out = {name: row.get(name, default) for name, default in defaults}
        for name, factory in factories:
            if out[name] is _MISSING:
                out[name] = factory()
        for name in required:
            if out[name] is _MISSING:
                raise KeyError(name)  # the model will say what is wrong
        for name, convert in converters:
            value = out[name]
            if value is not None:
                out[name] = convert(value)
        return out

    return project


_MISSING = object()


def _plain(value: Any) -> Any:
    """A field default as the serialised page holds it (enum defaults by their value)."""
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, str | int | float):
        return value
    raise UnsupportedField(f"default {value!r}")


def _converter(annotation: Any) -> Callable[[Any], Any] | None:
    """How a stored value becomes what the model would serialise (None: as it is)."""
    kinds = _non_null(annotation)
    if len(kinds) != 1:
        raise UnsupportedField(f"{annotation!r}")
    kind = kinds[0]
    if kind is float:
        return _float
    if kind is int:
        return _int
    if kind is str or (isinstance(kind, type) and issubclass(kind, Enum)):
        # Text columns hand back text (an enum as its value, which use_enum_values keeps).
        return None
    if typing.get_origin(kind) is list:
        (inner,) = typing.get_args(kind)
        if inner is str:
            return None
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return _list_of(projector(inner))
    raise UnsupportedField(f"{annotation!r}")


def _float(value: Any) -> float:
    kind = type(value)
    if kind is float:
        return typing.cast(float, value)
    if kind is int:
        return float(value)  # SQLite hands back an int for a whole number in a REAL column
    raise TypeError(f"{value!r} is not a number")  # the model knows what to do with it


def _int(value: Any) -> int:
    if type(value) is not int:
        raise TypeError(f"{value!r} is not an integer")
    return typing.cast(int, value)


def _non_null(annotation: Any) -> list[Any]:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return [a for a in typing.get_args(annotation) if a is not type(None)]
    return [annotation]


def _list_of(project: Project) -> Callable[[Any], list[Row]]:
    def convert(values: Any) -> list[Row]:
        return [project(v) for v in values]

    return convert
