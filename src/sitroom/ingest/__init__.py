"""Ingest: turn text, HTML and JSON(L) sources into :class:`~sitroom.model.Document` objects.

Decoding (UTF-8 first, then a detected legacy encoding), binary and size checks, HTML
extraction, JSON lines, ISO publication dates, language detection and the leading dateline
all happen here, once, so every later stage gets clean text and offsets into it. URLs are
fetched by :mod:`sitroom.ingest.url` (private and local addresses refused unless allowed) and
RSS/Atom feeds read by :mod:`sitroom.ingest.feeds`.

    >>> from sitroom.ingest import document_from_text
    >>> document_from_text("BEIRUT — Smoke rose over the port on Tuesday.").dateline
    (0, 8)
"""

from sitroom.ingest._decode import decode_bytes
from sitroom.ingest._document import DEFAULT_MAX_CHARS, IngestOptions, document_from_text
from sitroom.ingest._read import document_from_bytes, iter_documents, read_file
from sitroom.ingest.dateline import find_dateline
from sitroom.ingest.feeds import (
    FeedItem,
    FeedState,
    item_document,
    parse_feed,
    poll_feed,
    read_feed,
)
from sitroom.ingest.language import detect_language
from sitroom.ingest.published import normalise_published
from sitroom.ingest.url import FetchedPage, document_from_url, fetch_url

__all__ = [
    "DEFAULT_MAX_CHARS",
    "FeedItem",
    "FeedState",
    "FetchedPage",
    "IngestOptions",
    "decode_bytes",
    "detect_language",
    "document_from_bytes",
    "document_from_text",
    "document_from_url",
    "fetch_url",
    "find_dateline",
    "item_document",
    "iter_documents",
    "normalise_published",
    "parse_feed",
    "poll_feed",
    "read_feed",
    "read_file",
]
