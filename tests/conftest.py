"""Shared fixtures: the repository's paths, public datasets, and the spaCy pipeline (once)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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


@pytest.fixture(scope="session")
def pipeline():
    """The full Sitroom pipeline with the default model, loaded once per test session."""
    from sitroom.pipeline import build_pipeline

    return build_pipeline()


@pytest.fixture(scope="session")
def seed_text() -> str:
    return require_path(SEED).read_text(encoding="utf-8")
