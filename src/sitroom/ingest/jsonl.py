"""Articles as JSON: one object per line (JSONL/NDJSON), or a ``.json`` object or list.

Each object needs a ``text`` string; ``title``, ``published``, ``source`` and ``url`` are read
if present and every other key is ignored, so scraper and dataset dumps work as they are. A bad
line is reported as ``file.jsonl:LINE`` and the other lines still count. Lines are read as a
stream, so the size limit applies to each article, not to the file.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sitroom.errors import IngestError, UnreadableInput
from sitroom.ingest._document import BYTES_PER_CHAR, RAISE_LIMIT, Metadata

TEXT_FIELD = "text"
METADATA_FIELDS = ("title", "published", "source", "url")
ONE_PER_LINE = "JSONL needs one complete JSON object per line"


@dataclass(frozen=True)
class Record:
    """One article read from JSON, before it becomes a Document."""

    origin: str
    text: str
    metadata: Metadata


def iter_lines(chunks: Iterable[bytes], *, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """Split a byte stream into ``(line number, line)``; a line over ``max_bytes`` is None.

    An over-long line is skipped as it streams past, never held in memory whole.
    """
    number = 0
    parts: list[bytes] = []
    size = 0
    overlong = False
    for chunk in chunks:
        *complete, tail = chunk.split(b"\n")
        for piece in complete:
            number += 1
            fits = not overlong and size + len(piece) <= max_bytes
            yield number, (b"".join([*parts, piece]) if fits else None)
            parts, size, overlong = [], 0, False
        if not overlong:
            parts.append(tail)
            size += len(tail)
            if size > max_bytes:
                parts, size, overlong = [], 0, True
    if overlong or size:
        yield number + 1, (None if overlong else b"".join(parts))


def iter_line_records(
    lines: Iterable[tuple[int, bytes | None]], *, origin: str, max_bytes: int
) -> Iterator[Record | IngestError]:
    """Parse numbered JSONL lines; blank lines are skipped, bad ones yielded as errors."""
    for number, line in lines:
        where = f"{origin}:{number}"
        if line is None:
            yield UnreadableInput(
                where,
                f"the line is over the limit of {max_bytes:,} bytes "
                f"({BYTES_PER_CHAR} per character of max_chars); {RAISE_LIMIT}",
            )
            continue
        if number == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as exc:
            yield UnreadableInput(where, f"the line is not valid JSON ({exc}); {ONE_PER_LINE}")
            continue
        yield record_from_json(value, origin=where)


def parse_json_document(data: bytes, *, origin: str) -> list[Record | IngestError]:
    """Parse a whole JSON document: one article object or a list of them.

    Raises :class:`UnreadableInput` if ``data`` is not JSON or holds no objects.
    """
    try:
        value = json.loads(data.removeprefix(codecs.BOM_UTF8))
    except (ValueError, RecursionError) as exc:
        raise UnreadableInput(
            origin, f"not valid JSON ({exc}); give one JSON object, a list of them, or JSONL"
        ) from exc
    if isinstance(value, dict):
        return [record_from_json(value, origin=origin)]
    if isinstance(value, list) and value:
        return [record_from_json(item, origin=f"{origin}[{i}]") for i, item in enumerate(value)]
    raise UnreadableInput(
        origin, f"expected a JSON object with a {TEXT_FIELD!r} field or a non-empty list of them"
    )


def record_from_json(value: Any, *, origin: str) -> Record | IngestError:
    """Check one decoded JSON value and keep the fields Sitroom reads."""
    if not isinstance(value, dict):
        return UnreadableInput(
            origin,
            f"expected a JSON object with a {TEXT_FIELD!r} field, got {_json_type(value)}",
        )
    text = value.get(TEXT_FIELD)
    if text is None:
        keys = ", ".join(sorted(map(str, value))[:10]) or "none"
        return UnreadableInput(
            origin, f"the object has no {TEXT_FIELD!r} field (its keys: {keys}); add one"
        )
    if not isinstance(text, str):
        return UnreadableInput(origin, f"{TEXT_FIELD!r} must be a string, not {_json_type(text)}")
    fields: dict[str, str | None] = {}
    warnings = []
    for name in METADATA_FIELDS:
        field = value.get(name)
        if field is None or isinstance(field, str):
            fields[name] = field
        else:
            fields[name] = None
            warnings.append(f"{origin}: {name!r} is {_json_type(field)}, not a string; ignored")
    return Record(origin, text, Metadata(**fields, warnings=tuple(warnings)))


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")
