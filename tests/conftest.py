"""Shared fixtures: the repository's paths, public datasets, the spaCy pipeline (once), and
stores on both database backends (SQLite, and a throwaway PostgreSQL server)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sitroom.model import Mention
from sitroom.store import Store
from tests._postgres import postgres_server  # noqa: F401  (a session fixture, used by name)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATASETS = SHARED / "datasets"
SEED = SHARED / "seed" / "000_e1e83100be014342.txt"
SAMPLES = REPO / "samples"


def in_ci() -> bool:
    """True when the CI variable is set to anything but an empty, "0" or "false" value."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_path(path: Path) -> Path:
    """Return ``path``; skip the test if it is missing, but fail when running in CI."""
    if not path.exists():
        message = f"needs {path} (the public data beside the repository)"
        if in_ci():
            pytest.fail(f"{message}; it must be present in CI")
        pytest.skip(message)  # outside CI only: in CI the line above fails
    return path


def mention(text: str, part: str, occurrence: int = 0) -> Mention:
    """The ``occurrence``-th (0: the first) ``part`` in ``text``, as a mention."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(part, start + 1)
    return Mention(start=start, end=start + len(part), text=part)


@pytest.fixture(scope="session")
def pipeline():
    """The full Sitroom pipeline with the default model, loaded once per test session."""
    from sitroom.pipeline import build_pipeline

    return build_pipeline()


@pytest.fixture(scope="session")
def seed_text() -> str:
    return require_path(SEED).read_text(encoding="utf-8")


# --- stores on every backend ---------------------------------------------------------------

BACKENDS = ("sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql))
"""Parameters of the backend fixtures; ``-m 'not postgresql'`` runs SQLite only."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql: runs against the throwaway PostgreSQL server")


@contextmanager
def open_store(request: pytest.FixtureRequest, backend: str) -> Iterator[Store]:
    """An empty, migrated store: in-memory SQLite, or a fresh PostgreSQL database."""
    if backend == "sqlite":
        with Store.memory() as store:
            yield store
        return
    server = request.getfixturevalue("postgres_server")
    with server.database() as url, Store(url) as store:
        yield store


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store(request: pytest.FixtureRequest, backend: str) -> Iterator[Store]:
    """An empty store on each backend, closed (and its PostgreSQL database dropped) after."""
    with open_store(request, backend) as store:
        yield store


@pytest.fixture
def store_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a database no Sitroom has opened yet (an SQLite file, a PostgreSQL database),
    for tests that open, reopen or migrate it themselves."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'sitroom.db'}"
        return
    with request.getfixturevalue("postgres_server").database(migrated=False) as url:
        yield url
