"""Add a user's GeoNames dump to the gazetteer, so that small villages resolve.

``import_geonames`` reads ``allCountries.txt``, a country file such as ``UA.txt``, or a zip of
either (the GeoNames download layout), and optionally ``alternateNamesV2.txt`` (or its zip),
and appends the populated places, administrative divisions, streams, airports, power plants
and regions it holds that the index does not already have. It streams the files, so
``allCountries`` (1.5 GB) needs time, not memory. A later ``build_gazetteer`` starts afresh:
import again after a rebuild.
"""

from __future__ import annotations

import io
import sqlite3
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ._sources import PlaceRecord, settlement_kind
from .gazetteer import Gazetteer, GazetteerError, default_path, write_records
from .names import is_latin_or_cyrillic

# GeoNames feature (class, code) -> Sitroom kind; class P is every populated place.
FEATURE_KINDS = {
    ("A", "ADM1"): "admin1",
    ("A", "ADM2"): "admin2",
    ("A", "PCLI"): "country",
    ("H", "STM"): "river",
    ("S", "AIRP"): "airport",
    ("S", "AIRB"): "airport",
    ("S", "AIRF"): "airport",
    ("S", "PS"): "facility",
    ("S", "PSN"): "facility",
    ("L", "RGN"): "region",
    ("P", "PPLX"): "district",
}
_COLUMNS = 19


@dataclass(frozen=True)
class ImportReport:
    """What ``import_geonames`` added: places and names, read rows and the time it took."""

    path: Path
    rows_read: int
    places_added: int
    names_added: int
    seconds: float


def import_geonames(
    path: Path, *, alternate_names: Path | None = None, gazetteer_path: Path | None = None
) -> ImportReport:
    """Append the places of the GeoNames dump at ``path`` to the gazetteer index.

    Raises ``GazetteerError`` if ``path`` is not a GeoNames table.
    """
    started = time.perf_counter()
    target = gazetteer_path or default_path()
    Gazetteer(target).close_after_check()  # builds the default index first when missing
    connection = sqlite3.connect(target)
    try:
        known = {row[0] for row in connection.execute("SELECT geonameid FROM place")}
        first_id = connection.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM place").fetchone()[0]
        records, rows_read = _read_places(path, known)
        if alternate_names is not None:
            _add_alternate_names(alternate_names, {r.geonameid: r for r in records})
        places, names = write_records(connection, records, first_id=first_id)
        connection.execute(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)", (f"import:{path.name}", str(places))
        )
        connection.commit()
    finally:
        connection.close()
    return ImportReport(path, rows_read, places, names, time.perf_counter() - started)


def _read_places(path: Path, known: set[int]) -> tuple[list[PlaceRecord], int]:
    records, rows_read = [], 0
    for fields in _rows(path):
        rows_read += 1
        if len(fields) != _COLUMNS or not fields[0].isdigit():
            raise GazetteerError(
                f"{path.name} line {rows_read} is not a GeoNames row ({len(fields)} columns, "
                f"{_COLUMNS} expected); pass allCountries.txt, a country file or their zip"
            )
        record = _record(fields)
        if record is not None and record.geonameid not in known:
            records.append(record)
            known.add(record.geonameid)  # type: ignore[arg-type]
    return records, rows_read


def _record(fields: list[str]) -> PlaceRecord | None:
    feature = (fields[6], fields[7])
    population = int(fields[14] or 0)
    kind = FEATURE_KINDS.get(feature)
    if kind is None and feature[0] == "P":
        kind = settlement_kind(population)
    if kind is None:
        return None
    names = {fields[1], fields[2]}
    names |= {n for n in fields[3].split(",") if n and is_latin_or_cyrillic(n)}
    return PlaceRecord(
        name=fields[1],
        lat=float(fields[4]),
        lon=float(fields[5]),
        country=fields[8] or None,
        kind=kind,
        population=population,
        geonameid=int(fields[0]),
        admin1=fields[10] or None,
        names={n for n in names if n},
        capital=feature == ("P", "PPLC"),
    )


def _add_alternate_names(path: Path, records: dict[int | None, PlaceRecord]) -> None:
    for fields in _rows(path):
        if len(fields) < 4 or not fields[1].isdigit():
            continue
        record = records.get(int(fields[1]))
        language = fields[2]
        if record is None or language in ("link", "post", "iata", "icao", "faac", "wkdt"):
            continue
        if is_latin_or_cyrillic(fields[3]):
            record.names.add(fields[3])


def _rows(path: Path) -> Iterator[list[str]]:
    with _open_text(path) as handle:
        for line in handle:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                yield line.split("\t")


@contextmanager
def _open_text(path: Path) -> Iterator[io.TextIOBase]:
    if not path.exists():
        raise GazetteerError(f"no file at {path}; pass a GeoNames dump such as UA.txt or UA.zip")
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = [n for n in archive.namelist() if n.endswith(".txt") and "readme" not in n]
            if not members:
                raise GazetteerError(f"{path} holds no GeoNames .txt table")
            with archive.open(members[0]) as raw:
                yield io.TextIOWrapper(raw, encoding="utf-8")
        return
    with path.open(encoding="utf-8") as handle:
        yield handle
