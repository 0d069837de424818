"""Store errors that are not in the project-wide tree (all under :class:`StoreError`)."""

from __future__ import annotations

from ..errors import StoreError


class InvalidArgument(StoreError, ValueError):
    """A filter, status or result handed to the store is not valid."""
