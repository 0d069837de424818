"""Sitroom's exceptions: one tree, so callers can catch as broadly as they need.

    SitroomError
    ├── IngestError                 a source could not be turned into a Document
    │   ├── UnreadableInput         binary, empty, too large, undecodable, malformed
    │   ├── UnsupportedLanguage     readable, but not English: flagged, not analysed
    │   ├── UnsafeURL               a private/local address, a bad scheme, credentials in the URL
    │   ├── FetchError              the server could not be reached or answered with an error
    │   └── FeedError               not an RSS/Atom feed, or a hostile one
    ├── ModelNotInstalled           the spaCy pipeline named by --model is missing
    ├── AnalysisError               the NLP pipeline failed on one document
    ├── GazetteerError              the gazetteer index is missing, outdated or unreadable
    ├── ClusterError                the Dask scheduler cannot be reached or has no workers
    ├── EvaluationDataError         a gold dataset is missing or not in the expected layout
    └── StoreError                  the database could not be opened or written
        ├── NotFound                no row with that id
        └── SchemaTooNew            the database was written by a newer Sitroom

Errors caused by bad input also subclass ValueError, as spaCy's do. Messages say what failed,
with the value, and what to do.
"""

from __future__ import annotations


class SitroomError(Exception):
    """Base class of every error Sitroom raises on purpose."""


class IngestError(SitroomError, ValueError):
    """A source could not be turned into a Document."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class UnreadableInput(IngestError):
    """The input is binary, empty, too large, undecodable or malformed."""


class UnsupportedLanguage(IngestError):
    """The input is readable text but not English; it is flagged, not analysed as English."""

    def __init__(self, source: str, language: str) -> None:
        super().__init__(
            source, f"language detected as {language!r}; stored as flagged, not analysed"
        )
        self.language = language


class UnsafeURL(IngestError):
    """The URL is refused before any request: local/private address, bad scheme, credentials."""


class FetchError(IngestError):
    """The server could not be reached, was too slow, or answered with an HTTP error."""

    def __init__(self, source: str, reason: str, *, status: int | None = None) -> None:
        super().__init__(source, reason)
        self.status = status


class FeedError(IngestError):
    """The bytes are not an RSS/Atom feed, or one refused as hostile (entity declarations)."""


class ModelNotInstalled(SitroomError):
    """The spaCy pipeline named by --model cannot be loaded."""


class AnalysisError(SitroomError):
    """The NLP pipeline failed on one document; the rest of a batch goes on."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: analysis failed: {reason}")
        self.source = source
        self.reason = reason


class GazetteerError(SitroomError):
    """The gazetteer index is missing, outdated or unreadable, or an import file is bad."""


class ClusterError(SitroomError):
    """The Dask scheduler cannot be reached or has no workers."""


class EvaluationDataError(SitroomError, ValueError):
    """A gold dataset is missing or not in the expected layout."""


class StoreError(SitroomError):
    """The database could not be opened, read or written."""


class NotFound(StoreError, KeyError):
    """No row with that id."""


class SchemaTooNew(StoreError):
    """The database was written by a newer version of Sitroom."""
