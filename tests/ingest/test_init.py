"""The public surface of ``sitroom.ingest``."""

from __future__ import annotations

import sitroom.ingest

EXPECTED = {
    "DEFAULT_MAX_CHARS",
    "FeedItem",
    "FeedState",
    "FetchedPage",
    "IngestOptions",
    "document_from_url",
    "fetch_url",
    "item_document",
    "parse_feed",
    "poll_feed",
    "read_feed",
    "decode_bytes",
    "detect_language",
    "document_from_bytes",
    "document_from_text",
    "find_dateline",
    "iter_documents",
    "normalise_published",
    "read_file",
}


def test_ingest_all_is_sorted_and_complete() -> None:
    assert sitroom.ingest.__all__ == sorted(sitroom.ingest.__all__)
    assert set(sitroom.ingest.__all__) == EXPECTED
    for name in sitroom.ingest.__all__:
        assert getattr(sitroom.ingest, name) is not None


def test_ingest_public_names_have_docstrings() -> None:
    for name in EXPECTED - {"DEFAULT_MAX_CHARS"}:
        assert getattr(sitroom.ingest, name).__doc__, name


def test_ingest_import_does_not_load_trafilatura() -> None:
    import subprocess
    import sys

    code = "import sys, sitroom.ingest; print('trafilatura' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
