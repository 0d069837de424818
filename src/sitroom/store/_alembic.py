"""Run the schema migrations through Alembic, from inside the package, when a Store opens.

The steps are :data:`_migrations.MIGRATIONS`. Each has a revision file in
``sitroom/store/migrations/versions/`` (``0002_merge_tables.py``: revision ``"0002"``) whose
``upgrade()`` calls :func:`apply_revision`, which runs the step's ``apply(connection)`` and
records it in ``schema_version``. Alembic keeps its head in :data:`VERSION_TABLE` (not
``alembic_version``, so a PostgreSQL database shared with another Alembic project is safe).

:func:`ensure_schema` reads the version first, so an up-to-date database opens without a write
(read-only files, replicas). Otherwise each pending step runs in its own transaction that holds
the write lock (SQLite ``BEGIN IMMEDIATE``, a PostgreSQL advisory lock) and re-reads the version,
so processes that open a new database together apply every step once. Databases created before
Alembic (``schema_version`` rows only) are stamped at their version first. There are no
downgrades: restore a backup instead.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from functools import cache
from typing import Any

from alembic import op
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, insert

from ..errors import StoreError
from . import _migrations
from ._connect import create_store_engine, lock_schema, write_transaction

SCRIPT_LOCATION = "sitroom.store:migrations"
"""The Alembic environment shipped in the package (``env.py`` and ``versions/``)."""

VERSION_TABLE = "sitroom_alembic_version"
"""Where Alembic records the database's revision."""

_ENVIRONMENT_LOCK = threading.Lock()


def revision_id(version: int) -> str:
    """The Alembic revision of migration ``version``: ``2`` -> ``"0002"``."""
    return f"{version:04d}"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for Sitroom's environment; no ``alembic.ini`` needed."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.set_main_option("path_separator", "os")  # for version_locations, if one is added
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def script_directory() -> ScriptDirectory:
    """The shipped revisions, read once per process (they cannot change while it runs)."""
    return ScriptDirectory.from_config(alembic_config())


def check_revisions(script: ScriptDirectory) -> None:
    """Raise StoreError unless the revision files are exactly MIGRATIONS, in order."""
    chain = [revision.revision for revision in reversed(list(script.walk_revisions()))]
    expected = [revision_id(migration.version) for migration in _migrations.MIGRATIONS]
    if chain != expected:
        missing = sorted(set(expected) - set(chain))
        raise StoreError(
            f"Alembic revisions {chain} do not match the migrations {expected}"
            + (f" (no revision file for {', '.join(missing)})" if missing else "")
            + "; add one file per migration to sitroom/store/migrations/versions/"
            " (see docs/postgres.md)"
        )


def ensure_schema(engine: Engine, name: str) -> int:
    """Create or upgrade the schema; return its version. Raises SchemaTooNew, StoreError."""
    with engine.connect() as connection:
        version = _migrations.current_version(connection)
        _migrations.check_version(connection, version, name)
    if version == _migrations.SCHEMA_VERSION:
        return version
    script = script_directory()
    check_revisions(script)
    for migration in _migrations.MIGRATIONS:
        with write_transaction(engine) as connection:
            lock_schema(connection)
            version = _migrations.current_version(connection)
            _migrations.check_version(connection, version, name)
            if migration.version > version:
                upgrade(connection, script, revision_id(migration.version))
    return _migrations.SCHEMA_VERSION


def upgrade(connection: Connection, script: ScriptDirectory, target: str) -> None:
    """Run the revisions up to ``target`` on ``connection``, inside its open transaction."""
    config = alembic_config(connection)

    # What alembic.command.upgrade does, with the ScriptDirectory read once per process.
    def steps(heads: Any, _context: Any) -> Any:
        return script._upgrade_revs(target, heads)

    # alembic.context and alembic.op are process-wide proxies: one migration at a time.
    with _ENVIRONMENT_LOCK, EnvironmentContext(config, script, fn=steps, destination_rev=target):
        script.run_env()


def run_environment(context: Any) -> None:
    """The body of ``env.py``: migrate the connection given, or the URL of an alembic command.

    ``context`` is ``alembic.context``, the module that stands for the running environment.
    """
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(context, connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or context.config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise StoreError("no database to migrate: pass -x url=DATABASE_URL to alembic")
    engine = create_store_engine(url)
    try:
        with write_transaction(engine) as connection:
            lock_schema(connection)
            _run(context, connection)
    finally:
        engine.dispose()


def _run(context: Any, connection: Connection) -> None:
    context.configure(connection=connection, version_table=VERSION_TABLE)
    migration_context = context.get_context()
    if migration_context.get_current_revision() is None:
        legacy = _migrations.current_version(connection)
        if legacy:  # migrated before Alembic: start from the recorded version
            migration_context.stamp(context.script, revision_id(legacy))
    with context.begin_transaction():  # joins the caller's transaction
        context.run_migrations()


def apply_revision(revision: str) -> None:
    """Apply migration ``int(revision)`` on Alembic's connection and record it (revision files)."""
    version = int(revision)
    found = [m for m in _migrations.MIGRATIONS if m.version == version]
    if not found:
        raise StoreError(
            f"revision {revision} has no Migration({version}, ...) in _migrations.MIGRATIONS"
        )
    connection = op.get_bind()
    table = _migrations.schema_version
    table.create(connection, checkfirst=True)
    found[0].apply(connection)
    connection.execute(
        insert(table),
        {
            "version": version,
            "name": found[0].name,
            "applied_at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )
