"""Register the ``heavy`` marker: cases that allocate tens of megabytes (they still run in CI)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "heavy: a large input (50 MB, 100,000 entries); runs in CI, deselect with -m 'not heavy'",
    )
