"""Ordered, named migrations, each applied once in its own transaction and recorded.

``schema_version`` holds one row per applied migration. A database whose highest version is
above :data:`SCHEMA_VERSION` was written by a newer Sitroom and is refused with
:class:`SchemaTooNew`, rather than read or written with the wrong assumptions. To change the
schema, append a :class:`Migration`; never edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    Table,
    Text,
    func,
    insert,
    inspect,
    select,
)
from sqlalchemy.sql import text

from ..errors import SchemaTooNew, StoreError
from . import schema
from ._connect import has_fts5, is_sqlite, write_transaction


@dataclass(frozen=True)
class Migration:
    """One schema step. ``apply`` receives the open transaction's connection."""

    version: int
    name: str
    apply: Callable[[Connection], None]


_version_metadata = MetaData()

schema_version = Table(
    "schema_version",
    _version_metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", Text, nullable=False),
    Column("applied_at", Text, nullable=False),
)


def _initial_schema(connection: Connection) -> None:
    schema.metadata.create_all(connection)
    for name, sql in schema.VIEWS.items():
        connection.execute(text(f"CREATE VIEW {name} AS {sql}"))
    # Full-text search is SQLite's FTS5; other backends (PostgreSQL) get their index from a
    # later migration and search falls back to substring matching meanwhile.
    if is_sqlite(connection.engine) and has_fts5(connection):
        for table in schema.FTS_TABLES:
            for statement in schema.fts_statements(table):
                connection.execute(text(statement))


MIGRATIONS: tuple[Migration, ...] = (Migration(1, "initial schema", _initial_schema),)

SCHEMA_VERSION = MIGRATIONS[-1].version
"""The newest schema this Sitroom knows."""


def current_version(connection: Connection) -> int:
    """The highest applied migration, 0 for a database without Sitroom's tables."""
    if not inspect(connection).has_table(schema_version.name):
        return 0
    return connection.scalar(select(func.max(schema_version.c.version))) or 0


def ensure_schema(engine: Engine, name: str) -> int:
    """Create or upgrade the schema; return its version. Raises SchemaTooNew, StoreError."""
    # Read first, so an up-to-date database opens without taking the write lock (read-only
    # files, a concurrent ingest in another process).
    with engine.connect() as connection:
        version = current_version(connection)
        _check_version(connection, version, name)
    if version == SCHEMA_VERSION:
        return version
    for migration in MIGRATIONS:
        with write_transaction(engine) as connection:
            version = current_version(connection)
            _check_version(connection, version, name)
            if migration.version <= version:
                continue
            schema_version.create(connection, checkfirst=True)
            migration.apply(connection)
            connection.execute(
                insert(schema_version),
                {
                    "version": migration.version,
                    "name": migration.name,
                    "applied_at": datetime.now(UTC).isoformat(timespec="seconds"),
                },
            )
    return SCHEMA_VERSION


def _check_version(connection: Connection, version: int, name: str) -> None:
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"database {name!r} has schema version {version}, newer than the {SCHEMA_VERSION}"
            " this Sitroom knows; upgrade Sitroom (pip install -U sitroom) to open it"
        )
    if version == 0 and inspect(connection).has_table(schema.documents.name):
        raise StoreError(
            f"database {name!r} has a 'documents' table but no Sitroom schema_version;"
            " it was not created by Sitroom: use another file"
        )
