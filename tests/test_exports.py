"""Each package's ``__all__`` is sorted, complete and importable (as httpx checks its own)."""

from __future__ import annotations

import importlib

import pytest

PACKAGES = ["sitroom.ingest", "sitroom.store", "sitroom.evaluate"]


def _isort_key(name: str) -> tuple[int, str]:
    """ruff's RUF022 order: CONSTANTS, then Classes, then functions."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


@pytest.mark.parametrize("name", PACKAGES)
def test_exports_all_is_sorted_and_importable(name: str) -> None:
    package = importlib.import_module(name)
    exported = package.__all__
    assert exported == sorted(exported, key=_isort_key), f"{name}.__all__ is not sorted"
    assert len(set(exported)) == len(exported)
    for member in exported:
        assert hasattr(package, member), f"{name}.{member} is listed but missing"


@pytest.mark.parametrize("name", PACKAGES)
def test_exports_public_names_are_listed(name: str) -> None:
    package = importlib.import_module(name)
    public = {
        member
        for member, value in vars(package).items()
        if not member.startswith("_")
        and getattr(value, "__module__", "").startswith(name)
        and callable(value)
    }
    assert public <= set(package.__all__)
