"""Engines, SQLite and PostgreSQL connection settings, write transactions, error translation."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, exc, text
from sqlalchemy.pool import StaticPool

from ..errors import StoreError

BUSY_TIMEOUT_SECONDS = 5.0
"""How long a connection waits for another writer's lock before failing."""

_WAL_RETRY_SECONDS = 0.02
_IMMEDIATE = "sitroom_immediate"
"""Execution option: begin the transaction with BEGIN IMMEDIATE (take the write lock first)."""

_MEMORY_URLS = {"sqlite://", "sqlite:///:memory:", ":memory:"}

POSTGRES_DRIVER = "postgresql+psycopg"
"""The SQLAlchemy dialect+driver used for ``postgresql://`` and ``postgres://`` URLs."""

_POSTGRES_SCHEMES = ("postgresql://", "postgres://")

_SCHEMA_LOCK_KEY = 0x5172_0001
"""PostgreSQL advisory lock held while a migration runs (any constant unique to Sitroom)."""

# (regular expression on the lower-cased reason, what to do)
_HINTS = (
    ("unable to open database file", "check the path and permissions"),
    ("file is not a database", "is it a Sitroom database file?"),
    ("database is locked", "another process is writing to it; try again"),
    ("readonly database", "check that the file and its directory are writable"),
    ("disk is full", "free some disk space"),
    ("disk i/o error", "check the disk and free space"),
    ("no such module: fts5", "this SQLite build lacks FTS5; use a Python with FTS5 enabled"),
    ("connection refused", "is the PostgreSQL server running on that host and port?"),
    ("password authentication failed", "check the user and password in the URL"),
    ("no password supplied", "put the password in the URL or in ~/.pgpass"),
    (r'database ".*" does not exist', "create it first (createdb NAME) or check the URL"),
    ("permission denied", "grant the user the rights it needs (CREATE for the first open)"),
    ("cannot contain nul", "remove NUL characters from the text (Sitroom's readers do)"),
    ("read-only transaction", "this server is a read-only replica; write to the primary"),
)


def create_store_engine(url: str | Path | Engine) -> Engine:
    """Return an Engine for a URL, a plain path or ``:memory:``, or the Engine given."""
    if isinstance(url, Engine):
        engine = url
    elif str(url) in _MEMORY_URLS:
        # One shared connection, or every checkout would see a fresh, empty database.
        engine = create_engine(
            "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
    else:
        spelled = _normalise_url(str(url))
        try:
            # pre_ping: a long-running server (API, watch) survives a database restart.
            engine = create_engine(spelled, pool_pre_ping=not spelled.startswith("sqlite"))
        except (exc.ArgumentError, exc.NoSuchModuleError, ImportError) as err:
            raise StoreError(
                f"cannot open database {spelled!r}: {err}; use a file path or a URL such as"
                " 'sqlite:///sitroom.db' or 'postgresql://user@host/sitroom'"
                " (pip install 'sitroom[postgres]' for PostgreSQL)"
            ) from err
    if is_sqlite(engine):
        _configure_sqlite(engine)
    return engine


def _normalise_url(text: str) -> str:
    """A plain path becomes an SQLite URL; libpq-style URLs get the psycopg 3 driver."""
    if "://" not in text:
        return "sqlite:///" + str(Path(text).expanduser())
    for scheme in _POSTGRES_SCHEMES:
        if text.startswith(scheme):
            # SQLAlchemy's default PostgreSQL driver is psycopg2, which Sitroom does not use.
            return f"{POSTGRES_DRIVER}://" + text.removeprefix(scheme)
    return text


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def is_postgresql(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def on_sqlite3(engine: Engine) -> bool:
    """True when ``engine`` talks to SQLite through Python's sqlite3 module (pysqlite), whose
    connections page reads use directly (cursor, progress handler)."""
    return engine.dialect.driver == "pysqlite"


def describe(engine: Engine) -> str:
    """The database's name for messages: the file path for SQLite, else the URL sans password."""
    if is_sqlite(engine):
        return engine.url.database or ":memory:"
    return engine.url.render_as_string(hide_password=True)


def _configure_sqlite(engine: Engine) -> None:
    """Foreign keys, WAL, a busy timeout, and transactions that Sitroom begins itself."""
    if event.contains(engine, "connect", _on_connect):
        return
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling begins lazily and only before DML, which would let
    # the read-then-write in Store.add race; SQLAlchemy's documented recipe is to switch it off
    # and emit BEGIN from the "begin" event.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        # PRAGMAs take no bound parameters; the value is a module constant, not input.
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        _enable_wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _enable_wal(cursor: sqlite3.Cursor) -> None:
    """Switch to WAL, waiting for a concurrent creator: SQLite reports "database is locked"
    for a journal-mode change at once, without its busy handler, while another connection
    holds the lock of a brand-new file (two servers or stores opening one new database)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            time.sleep(_WAL_RETRY_SECONDS)


def _on_begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get(_IMMEDIATE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction that holds the write lock from its start (SQLite) and commits at exit."""
    with engine.connect() as connection:
        connection = connection.execution_options(**{_IMMEDIATE: True})
        with connection.begin():
            yield connection


def lock_schema(connection: Connection) -> None:
    """Serialise schema changes between processes for the rest of this transaction.

    SQLite's BEGIN IMMEDIATE already holds the database's write lock; PostgreSQL takes a
    transaction-scoped advisory lock, so two processes opening a new database migrate in turn.
    """
    if is_postgresql(connection.engine):
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK_KEY})


def has_fts5(connection: Connection) -> bool:
    """True when this SQLite build can create FTS5 tables."""
    used = connection.exec_driver_sql("SELECT sqlite_compileoption_used('ENABLE_FTS5')").scalar()
    return bool(used)


def error_message(action: str, name: str, error: BaseException) -> str:
    """``cannot <action> database '<name>': <reason>; <what to do>``."""
    original = getattr(error, "orig", None) or error
    reason = str(original).splitlines()[0] if str(original) else type(original).__name__
    message = f"cannot {action} database {name!r}: {reason}"
    lowered = reason.lower()
    for pattern, hint in _HINTS:
        if re.search(pattern, lowered):
            return f"{message}; {hint}"
    return message


@contextmanager
def translate_errors(action: str, name: str) -> Iterator[None]:
    """Re-raise SQLAlchemy and sqlite3 errors as :class:`StoreError` with a clear message."""
    try:
        yield
    except (exc.SQLAlchemyError, sqlite3.Error) as error:
        raise StoreError(error_message(action, name, error)) from error
