"""A real, throwaway PostgreSQL server for the test session, and fresh databases on it.

The ``postgres_server`` fixture finds ``initdb`` and ``pg_ctl`` (``/usr/lib/postgresql/*/bin``,
then PATH) and creates a cluster in a temporary directory: in /dev/shm when it has room, so other
processes' disk I/O cannot stall it. When the tests run as root the cluster belongs to
``nobody`` (PostgreSQL refuses to run as root). The server listens on a free 127.0.0.1 port with
its socket in that directory, runs without durability (the data is thrown away), and is stopped
and removed at the end of the session. Without PostgreSQL the tests that need it are skipped,
and fail in CI (Debian: ``apt-get install postgresql``).

Each test gets a database holding the migrated schema and no rows. Databases are copied from a
template once (``CREATE DATABASE ... TEMPLATE``) and then recycled: after a test every row is
deleted and the sequences restarted. A test that changed the schema itself (a trigger, a table)
leaves a database that is dropped instead. Tests that migrate a database themselves get an
empty one, created and dropped for them.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.sql import SQL, Identifier

from sitroom.web import free_port

USER = "sitroom"
"""The cluster's superuser (trust authentication: only this machine's loopback listens)."""
TEMPLATE = "sitroom_template"
"""A database holding the migrated schema, copied for every test."""
START_TIMEOUT_SECONDS = 30
RAM_DISK = Path("/dev/shm")
"""Where the cluster goes when it has room: in memory, other processes' disk I/O cannot stall
it (CREATE DATABASE is ten times faster there on a busy machine)."""
RAM_DISK_MIN_FREE_BYTES = 512 * 2**20  # Docker's default /dev/shm (64 MB) is too small
_UNPRIVILEGED = "nobody"
_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
}


def find_bin_dir() -> Path | None:
    """The directory of ``initdb`` and ``pg_ctl``: the newest Debian install, else PATH."""

    def version(path: str) -> tuple[int, ...]:
        number = Path(path).parent.name
        return tuple(int(part) for part in number.split(".") if part.isdigit())

    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True):
        if (Path(candidate) / "initdb").is_file() and (Path(candidate) / "pg_ctl").is_file():
            return Path(candidate)
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    return None


class PostgresServer:
    """A cluster in ``root`` run by ``bin_dir``'s programs; start with :meth:`start`."""

    def __init__(self, bin_dir: Path, root: Path) -> None:
        self.bin_dir, self.root = bin_dir, root
        self.data, self.log = root / "data", root / "server.log"
        self.port = 0
        self._names = itertools.count(1)
        self._free: list[str] = []  # clean databases with the schema, ready for a test
        self._fingerprint: tuple[int, ...] = ()
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            entry = pwd.getpwnam(_UNPRIVILEGED)
            os.chown(root, entry.pw_uid, entry.pw_gid)
            self._as_user = (
                ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}",
                 "--clear-groups", "--"]
                if shutil.which("setpriv")
                else ["runuser", "-u", _UNPRIVILEGED, "--"]
            )  # fmt: skip

    def _run(self, program: str, *args: str) -> None:
        command = [*self._as_user, str(self.bin_dir / program), *args]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.root, check=False)
        if done.returncode:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr}\n{log}")

    def start(self) -> None:
        """initdb, then pg_ctl start on a free port (another, if that one was taken meanwhile)."""
        for locale in ("--locale=C.UTF-8", "--no-locale"):  # C.UTF-8: Unicode-aware lower()
            try:
                self._run("initdb", "-D", str(self.data), "-U", USER, "--auth=trust", "-E", "UTF8",
                          locale, "--no-sync")  # fmt: skip
                break
            except RuntimeError:
                shutil.rmtree(self.data, ignore_errors=True)
                if locale == "--no-locale":
                    raise
        for attempt in range(3):
            self.port = free_port()
            options = " ".join(f"-c {key}={value}" for key, value in _SETTINGS.items())
            options += f" -p {self.port} -k {self.root}"
            try:
                self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w",
                          "-t", str(START_TIMEOUT_SECONDS), "-o", options, "start")  # fmt: skip
                return
            except RuntimeError:
                if attempt == 2:
                    raise

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def _connect(self, database: str = "postgres") -> psycopg.Connection[Any]:
        dsn = f"host=127.0.0.1 port={self.port} user={USER} dbname={database}"
        return psycopg.connect(dsn, autocommit=True)

    def execute(self, sql: str) -> None:
        """Run one statement in the maintenance database (CREATE/DROP DATABASE)."""
        with self._connect() as connection:
            connection.execute(sql)  # type: ignore[arg-type]  # our own statements, not input

    def create_template(self) -> None:
        """The template database, migrated to the current schema."""
        from sitroom.store import Store

        self.execute(f"CREATE DATABASE {TEMPLATE}")
        Store(self.url(TEMPLATE)).close()  # disposes its engine: a template must be unused
        with self._connect(TEMPLATE) as connection:
            self._fingerprint = _fingerprint(connection)

    @contextmanager
    def database(self, *, migrated: bool = True) -> Iterator[str]:
        """The URL of a database with the schema and no rows (or an empty one), for one user."""
        if not migrated:
            name = self._new_name()
            self.execute(f"CREATE DATABASE {name} TEMPLATE template0")
            try:
                yield self.url(name)
            finally:
                self.execute(f"DROP DATABASE {name} WITH (FORCE)")
            return
        name = self._free.pop() if self._free else self._copy_template()
        try:
            yield self.url(name)
        finally:
            if self._emptied(name):
                self._free.append(name)
            else:
                self.execute(f"DROP DATABASE {name} WITH (FORCE)")

    def _new_name(self) -> str:
        return f"test_{os.getpid()}_{next(self._names)}"

    def _copy_template(self) -> str:
        name = self._new_name()
        self.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return name

    def _emptied(self, name: str) -> bool:
        """Delete every row of ``name``; False if its schema is not the template's any more."""
        with self._connect(name) as connection:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if _fingerprint(connection) != self._fingerprint:
                return False
            with connection.transaction():
                # Replica mode skips foreign-key checks, so tables empty in any order.
                connection.execute("SET LOCAL session_replication_role = replica")
                for (table,) in connection.execute(_TABLES).fetchall():
                    connection.execute(SQL("DELETE FROM {}").format(Identifier(table)))
                for (sequence,) in connection.execute(_SEQUENCES).fetchall():
                    connection.execute(
                        SQL("ALTER SEQUENCE {} RESTART").format(Identifier(sequence))
                    )
        return True


_KEPT = ("schema_version", "sitroom_alembic_version")
_TABLES = (
    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    f" AND tablename NOT IN {_KEPT!r}"
)  # fmt: skip
_SEQUENCES = "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"


def _fingerprint(connection: psycopg.Connection[Any]) -> tuple[int, ...]:
    """Counts of the schema's relations, functions and triggers, and of applied migrations."""
    schema = "current_schema()::regnamespace"
    row = connection.execute(
        f"SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = {schema}),"
        f" (SELECT count(*) FROM pg_proc WHERE pronamespace = {schema}),"
        " (SELECT count(*) FROM pg_trigger), (SELECT count(*) FROM schema_version)"
    ).fetchone()
    return tuple(row or ())


def _parent_dir() -> Path | None:
    """The RAM disk if it is writable and has room, else None (the usual temporary directory)."""
    try:
        roomy = shutil.disk_usage(RAM_DISK).free >= RAM_DISK_MIN_FREE_BYTES
    except OSError:
        return None
    return RAM_DISK if roomy and os.access(RAM_DISK, os.W_OK) else None


def _unavailable(message: str) -> None:
    from tests.conftest import in_ci  # here: conftest imports this module

    if in_ci():
        pytest.fail(f"{message}; PostgreSQL must be installed in CI (apt-get install postgresql)")
    pytest.skip(message)  # outside CI only: in CI the line above fails


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A running throwaway PostgreSQL server with the template database; stopped at the end."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        _unavailable("PostgreSQL's initdb and pg_ctl were not found")
        raise AssertionError("unreachable")  # for type checkers: _unavailable raises
    root = Path(tempfile.mkdtemp(prefix="sitroom-pg-", dir=_parent_dir()))
    server = PostgresServer(bin_dir, root)
    try:
        server.start()
        server.create_template()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
