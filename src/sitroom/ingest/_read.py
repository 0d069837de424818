"""Sources to Documents: files, directories, standard input and bytes in memory.

:func:`iter_documents` is the batch entry point: it yields a Document per article or the
:class:`~sitroom.errors.IngestError` that stopped one, and carries on, so one bad file (or
one bad JSONL line) never costs the rest of a batch. The single-source functions are strict
and raise the first error instead.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from itertools import chain
from pathlib import Path, PurePath
from typing import BinaryIO

from sitroom.errors import IngestError, UnreadableInput
from sitroom.ingest._decode import decode
from sitroom.ingest._document import (
    DEFAULT_OPTIONS,
    NO_METADATA,
    IngestOptions,
    build_document,
    check_size,
)
from sitroom.ingest._formats import (
    LINE_SUFFIXES,
    KindOrAuto,
    first_line_is_json_object,
    kind_from_name,
    sniff_kind,
)
from sitroom.ingest.html import extract_html
from sitroom.ingest.jsonl import (
    Record,
    iter_line_records,
    iter_lines,
    parse_json_document,
)
from sitroom.model import Document

STDIN = "-"
# Any "scheme://" source is a URL, so file:// or ftp:// get a clear refusal, not "no such file".
_URL_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)
CHUNK_BYTES = 65_536


def iter_documents(
    sources: Sequence[str | Path],
    options: IngestOptions = DEFAULT_OPTIONS,
    *,
    stdin: BinaryIO | None = None,
    allow_private: bool = False,
) -> Iterator[Document | IngestError]:
    """Yield a Document per article in ``sources``, or the IngestError for a bad file or line.

    A source is a file, a directory (read recursively in name order, skipping hidden files
    and directories, not following symlinked directories), ``"-"`` for ``stdin``
    (default: the process's standard input) or an ``http(s)://`` URL, fetched with
    :func:`~sitroom.ingest.url.document_from_url` (private and local addresses refused
    unless ``allow_private``).
    """
    if isinstance(sources, str | Path):  # checked now, not when the first item is asked for
        raise TypeError(f"sources must be a list of paths, not one path; use [{str(sources)!r}]")
    return _iter_sources(sources, options, stdin, allow_private)


def _iter_sources(
    sources: Sequence[str | Path],
    options: IngestOptions,
    stdin: BinaryIO | None,
    allow_private: bool = False,
) -> Iterator[Document | IngestError]:
    for source in sources:
        if isinstance(source, str) and _URL_SCHEME.match(source):
            yield from _iter_url(source, options, allow_private)
        elif str(source) == STDIN:
            yield from _iter_stdin(stdin, options)
        elif Path(source).is_dir():
            for item in _walk(Path(source)):
                if isinstance(item, IngestError):
                    yield item
                else:
                    yield from _iter_file(item, options)
        else:
            yield from _iter_file(Path(source), options)


def _iter_url(
    url: str, options: IngestOptions, allow_private: bool
) -> Iterator[Document | IngestError]:
    from sitroom.ingest.url import document_from_url  # imported here: httpx is only for URLs

    try:
        yield document_from_url(url, options, allow_private=allow_private)
    except IngestError as exc:
        yield exc


def read_file(path: Path, options: IngestOptions = DEFAULT_OPTIONS) -> list[Document]:
    """Read the articles in one file; raise the first :class:`IngestError` (see iter_documents)."""
    return _all_or_raise(_iter_file(Path(path), options))


def document_from_bytes(
    data: bytes,
    *,
    origin: str,
    options: IngestOptions = DEFAULT_OPTIONS,
    kind: KindOrAuto = "auto",
) -> list[Document]:
    """Read the articles in ``data``; raise the first :class:`IngestError`.

    ``kind="auto"`` goes by the extension of ``origin``, then by the content.
    """
    return _all_or_raise(_iter_bytes(data, origin=origin, options=options, kind=kind))


def _all_or_raise(items: Iterable[Document | IngestError]) -> list[Document]:
    documents = []
    for item in items:
        if isinstance(item, IngestError):
            raise item
        documents.append(item)
    return documents


def _iter_file(path: Path, options: IngestOptions) -> Iterator[Document | IngestError]:
    origin = str(path)
    try:
        size = path.stat().st_size
        if path.suffix.lower() in LINE_SUFFIXES:
            if size == 0:
                raise UnreadableInput(origin, "the file is empty (0 bytes)")
            with path.open("rb") as stream:
                yield from _iter_json_lines(_chunks(stream), origin=origin, options=options)
            return
        check_size(size, origin=origin, options=options)  # before reading it into memory
        with path.open("rb") as stream:
            data = stream.read(options.max_bytes + 1)
    except OSError as exc:
        yield _os_error(origin, exc)
        return
    except IngestError as exc:
        yield exc
        return
    kind = kind_from_name(path.name) or "auto"
    yield from _iter_bytes(data, origin=origin, options=options, kind=kind)


def _iter_bytes(
    data: bytes, *, origin: str, options: IngestOptions, kind: KindOrAuto
) -> Iterator[Document | IngestError]:
    try:
        check_size(len(data), origin=origin, options=options)
        if kind == "auto":
            kind = kind_from_name(origin) or sniff_kind(data)
        if kind == "jsonl":
            records = _json_records(data, origin=origin, options=options)
            yield from documents_from_records(records, options)
            return
        if kind == "html":
            text, metadata = extract_html(data, origin=origin)
        else:
            text, metadata = decode(data, origin=origin), NO_METADATA
        document = build_document(text, origin=origin, options=options, metadata=metadata)
    except IngestError as exc:
        yield exc
        return
    yield document


def _json_records(
    data: bytes, *, origin: str, options: IngestOptions
) -> Iterator[Record | IngestError]:
    """A whole JSON document if it is one (``.json``), else JSON lines."""
    if PurePath(origin).suffix.lower() not in LINE_SUFFIXES:
        try:
            yield from parse_json_document(data, origin=origin)
            return
        except UnreadableInput:
            if not first_line_is_json_object(data):
                raise
    lines = iter_lines([data], max_bytes=options.max_bytes)
    yield from _non_empty(
        iter_line_records(lines, origin=origin, max_bytes=options.max_bytes), origin
    )


def _iter_json_lines(
    chunks: Iterable[bytes], *, origin: str, options: IngestOptions
) -> Iterator[Document | IngestError]:
    lines = iter_lines(chunks, max_bytes=options.max_bytes)
    records = iter_line_records(lines, origin=origin, max_bytes=options.max_bytes)
    yield from documents_from_records(_non_empty(records, origin), options)


def _non_empty(
    records: Iterator[Record | IngestError], origin: str
) -> Iterator[Record | IngestError]:
    """Pass ``records`` through; yield an error instead if there were none at all."""
    found = False
    for record in records:
        found = True
        yield record
    if not found:
        yield UnreadableInput(origin, "no JSON objects found: the input holds only blank lines")


def documents_from_records(
    records: Iterable[Record | IngestError], options: IngestOptions
) -> Iterator[Document | IngestError]:
    """Turn JSON-line records into Documents, passing errors (of a record or a line) through."""
    for record in records:
        if isinstance(record, IngestError):
            yield record
            continue
        try:
            yield build_document(
                record.text, origin=record.origin, options=options, metadata=record.metadata
            )
        except IngestError as exc:
            yield exc


def _iter_stdin(
    stream: BinaryIO | None, options: IngestOptions
) -> Iterator[Document | IngestError]:
    if stream is None:
        if sys.stdin is None:
            yield IngestError(STDIN, "there is no standard input to read")
            return
        stream = sys.stdin.buffer
    try:
        chunks = _chunks(stream)
        head = _read_first_line(chunks, limit=options.max_bytes)
        if first_line_is_json_object(head):
            yield from _iter_json_lines(chain([head], chunks), origin=STDIN, options=options)
            return
        data = _read_rest(head, chunks, origin=STDIN, options=options)
    except OSError as exc:
        yield _os_error(STDIN, exc)
        return
    except IngestError as exc:
        yield exc
        return
    yield from _iter_bytes(data, origin=STDIN, options=options, kind="auto")


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    return iter(partial(stream.read, CHUNK_BYTES), b"")


def _read_first_line(chunks: Iterator[bytes], *, limit: int) -> bytes:
    """Read until the first newline (or ``limit`` bytes, or the end) to sniff the format."""
    parts: list[bytes] = []
    size = 0
    for chunk in chunks:
        parts.append(chunk)
        size += len(chunk)
        if b"\n" in chunk or size > limit:
            break
    return b"".join(parts)


def _read_rest(
    head: bytes, chunks: Iterator[bytes], *, origin: str, options: IngestOptions
) -> bytes:
    """Read the rest of a stream, stopping as soon as it is over the size limit."""
    parts = [head]
    size = len(head)
    for chunk in chunks:
        if size > options.max_bytes:
            break
        parts.append(chunk)
        size += len(chunk)
    check_size(size, origin=origin, options=options, at_least=True)
    return b"".join(parts)


def _walk(directory: Path) -> Iterator[Path | IngestError]:
    """Files under ``directory`` in name order; hidden entries and symlinked dirs skipped."""
    try:
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as exc:
        yield _os_error(str(directory), exc)
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = entry.is_file()
        except OSError as exc:
            yield _os_error(entry.path, exc)
            continue
        if is_dir:
            yield from _walk(Path(entry.path))
        elif is_file:
            yield Path(entry.path)


def _os_error(origin: str, exc: OSError) -> IngestError:
    if isinstance(exc, FileNotFoundError):
        reason = "no such file or directory; check the path"
    elif isinstance(exc, PermissionError):
        reason = "permission denied; make it readable for this user (e.g. chmod o+r)"
    elif isinstance(exc, IsADirectoryError):
        reason = "is a directory where a file was expected"
    else:
        reason = f"cannot be read ({exc.strerror or exc}); check the path and the disk"
    return IngestError(origin, reason)
