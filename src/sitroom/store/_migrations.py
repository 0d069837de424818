"""Ordered, named migrations, each applied once in its own transaction and recorded.

``schema_version`` holds one row per applied migration. A database whose highest version is
above :data:`SCHEMA_VERSION` was written by a newer Sitroom and is refused with
:class:`SchemaTooNew`, rather than read or written with the wrong assumptions. To change the
schema, append a :class:`Migration` and add its Alembic revision file to
``migrations/versions/`` (``_alembic`` runs them; see docs/postgres.md); never edit one that
has shipped. Migrations must be portable: SQLAlchemy DDL, or one branch per dialect.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    Table,
    Text,
    func,
    inspect,
    select,
)
from sqlalchemy.sql import text

from ..errors import SchemaTooNew, StoreError
from ..merge._tables import create_merge_tables
from . import _search_pg, schema
from ._connect import has_fts5, is_postgresql, is_sqlite
from ._indexes import create_performance_indexes


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
    # Full-text search: FTS5 on SQLite, tsvector GIN indexes on PostgreSQL; on other backends
    # (and SQLite builds without FTS5) search falls back to substring matching.
    if is_sqlite(connection.engine) and has_fts5(connection):
        for table in schema.FTS_TABLES:
            for statement in schema.fts_statements(table):
                connection.execute(text(statement))
    elif is_postgresql(connection.engine):
        _search_pg.create_search(connection)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", _initial_schema),
    Migration(2, "merged items and near-duplicate documents", create_merge_tables),
    Migration(3, "indexes for large databases", create_performance_indexes),
)

SCHEMA_VERSION = MIGRATIONS[-1].version
"""The newest schema this Sitroom knows."""


def current_version(connection: Connection) -> int:
    """The highest applied migration, 0 for a database without Sitroom's tables."""
    if not inspect(connection).has_table(schema_version.name):
        return 0
    return connection.scalar(select(func.max(schema_version.c.version))) or 0


def check_version(connection: Connection, version: int, name: str) -> None:
    """Raise SchemaTooNew for a newer Sitroom's database, StoreError for a foreign one."""
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
