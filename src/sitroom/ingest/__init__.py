"""Ingest: turn text, HTML and JSON(L) sources into :class:`~sitroom.model.Document` objects.

Decoding (UTF-8 first, then a detected legacy encoding), binary and size checks, HTML
extraction, JSON lines, ISO publication dates, language detection and the leading dateline
all happen here, once, so every later stage gets clean text and offsets into it. Feeds and
URLs are read elsewhere and handed over as bytes (:func:`document_from_bytes`).

    >>> from sitroom.ingest import document_from_text
    >>> document_from_text("BEIRUT — Smoke rose over the port on Tuesday.").dateline
    (0, 8)
"""

from sitroom.ingest._decode import decode_bytes
from sitroom.ingest._document import DEFAULT_MAX_CHARS, IngestOptions, document_from_text
from sitroom.ingest._read import document_from_bytes, iter_documents, read_file
from sitroom.ingest.dateline import find_dateline
from sitroom.ingest.language import detect_language
from sitroom.ingest.published import normalise_published

__all__ = [
    "DEFAULT_MAX_CHARS",
    "IngestOptions",
    "decode_bytes",
    "detect_language",
    "document_from_bytes",
    "document_from_text",
    "find_dateline",
    "iter_documents",
    "normalise_published",
    "read_file",
]
