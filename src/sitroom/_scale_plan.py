"""Split ingest sources into partitions of about N documents for the Dask runner.

Only paths and byte ranges travel to the workers, never text: a plain file is one unit, and a
JSONL file is cut into line ranges of ``partition_size`` articles, so one large dump still
spreads over every worker. The client reads nothing but the JSONL line breaks.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import IngestError
from .ingest._formats import LINE_SUFFIXES

STDIN = "-"


@dataclass(frozen=True)
class Unit:
    """One file, or the lines ``first_line``... of a JSONL file in bytes ``[start, end)``."""

    path: str
    start: int = 0
    end: int | None = None  # None: the whole file, read like the single-process ingest
    first_line: int = 1
    documents: int = 1  # expected articles (a JSON list file may hold more)


@dataclass(frozen=True)
class Partition:
    """Units that one Dask task reads and analyses together."""

    index: int
    units: tuple[Unit, ...]

    @property
    def documents(self) -> int:
        return sum(unit.documents for unit in self.units)

    def describe(self) -> str:
        first, last = self.units[0], self.units[-1]
        span = first.path if first is last else f"{first.path} .. {last.path}"
        return f"partition {self.index} ({span})"


@dataclass
class Plan:
    """The partitions to run, the sources that could not be listed, the expected total."""

    partitions: list[Partition]
    errors: list[IngestError]

    @property
    def total(self) -> int:
        """Documents expected: one per plain file, one per non-blank JSONL line, plus errors."""
        return sum(p.documents for p in self.partitions) + len(self.errors)


def plan_partitions(sources: Sequence[str | Path], partition_size: int) -> Plan:
    """List the files under ``sources`` and pack them into partitions of ``partition_size``.

    Directories are read recursively in name order, skipping hidden entries and symlinked
    directories, as :func:`sitroom.ingest.iter_documents` does.
    """
    if partition_size < 1:
        raise ValueError(f"partition_size must be a positive number, not {partition_size!r}")
    if isinstance(sources, str | Path):
        raise TypeError(f"sources must be a list of paths, not one path; use [{str(sources)!r}]")
    errors: list[IngestError] = []
    units: list[Unit] = []
    for path in _files(sources, errors):
        if path.suffix.lower() in LINE_SUFFIXES:
            try:
                units.extend(_line_units(path, partition_size))
            except OSError as exc:
                errors.append(IngestError(str(path), f"cannot be read ({exc}); check the path"))
        else:
            units.append(Unit(str(path)))
    return Plan(_pack(units, partition_size), errors)


def _files(sources: Sequence[str | Path], errors: list[IngestError]) -> Iterator[Path]:
    for source in sources:
        if str(source) == STDIN:
            raise IngestError(
                STDIN,
                "standard input cannot be spread over Dask workers; save it to a file, "
                "or ingest it without workers",
            )
        path = Path(source)
        if path.is_dir():
            yield from _walk(path, errors)
        elif path.exists():
            yield path
        else:
            errors.append(IngestError(str(path), "no such file or directory; check the path"))


def _walk(directory: Path, errors: list[IngestError]) -> Iterator[Path]:
    try:
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as exc:
        errors.append(IngestError(str(directory), f"cannot be listed ({exc}); check permissions"))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path), errors)
        elif entry.is_file():
            yield Path(entry.path)


def _line_units(path: Path, size: int) -> Iterator[Unit]:
    """Byte ranges of ``size`` non-blank lines each; an all-blank file stays whole."""
    start = offset = 0
    first_line = line_number = 1
    count = 0
    with path.open("rb") as stream:
        for line in stream:
            offset += len(line)
            if line.strip():
                count += 1
            line_number += 1
            if count == size:
                yield Unit(str(path), start, offset, first_line, count)
                start, first_line, count = offset, line_number, 0
    if count or start == 0:
        # The whole-file fallback lets the reader report an empty file as it always does.
        yield Unit(str(path), start, offset if start else None, first_line, max(count, 1))


def _pack(units: list[Unit], size: int) -> list[Partition]:
    partitions: list[Partition] = []
    current: list[Unit] = []
    documents = 0
    for unit in units:
        if current and documents + unit.documents > size:
            partitions.append(Partition(len(partitions), tuple(current)))
            current, documents = [], 0
        current.append(unit)
        documents += unit.documents
    if current:
        partitions.append(Partition(len(partitions), tuple(current)))
    return partitions
