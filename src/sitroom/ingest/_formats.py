"""Which reader a source needs: plain text, HTML or JSON(L), by file name or by content.

A known extension decides; otherwise (no extension, stdin, ``.csv``, ...) the first bytes do.
Content sniffing errs towards plain text: a text that merely starts with "[" or "<" must not
be rejected as broken JSON or HTML.
"""

from __future__ import annotations

import codecs
import json
import re
from pathlib import PurePath
from typing import Literal

Kind = Literal["text", "html", "jsonl"]
KindOrAuto = Literal["auto", "text", "html", "jsonl"]

SUFFIX_KINDS: dict[str, Kind] = {
    ".htm": "html",
    ".html": "html",
    ".json": "jsonl",
    ".jsonl": "jsonl",
    ".markdown": "text",
    ".md": "text",
    ".ndjson": "jsonl",
    ".text": "text",
    ".txt": "text",
    ".xhtml": "html",
}
LINE_SUFFIXES = frozenset({".jsonl", ".ndjson"})
"""Extensions of files holding one JSON object per line (streamed, never read whole)."""

SNIFF_BYTES = 4_096
_HTML_START = re.compile(
    rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    rb"<(?:!doctype\s+html|html|head|body|meta|title|article|div|p|h[1-6])\b",
    re.IGNORECASE | re.DOTALL,
)


def kind_from_name(name: str) -> Kind | None:
    """The reader a file name's extension asks for, or None to look at the content."""
    return SUFFIX_KINDS.get(PurePath(name).suffix.lower())


def sniff_kind(data: bytes) -> Kind:
    """Guess the reader from the content: HTML, JSON(L) or (by default) plain text."""
    head = data[:SNIFF_BYTES].removeprefix(codecs.BOM_UTF8)
    if _HTML_START.match(head):
        return "html"
    if looks_like_json(data):
        return "jsonl"
    return "text"


def looks_like_json(data: bytes) -> bool:
    """True if ``data`` is a JSON list, a JSON object, or starts with a JSON object line."""
    body = data.removeprefix(codecs.BOM_UTF8).lstrip()
    if body.startswith(b"{"):
        first_line = body.split(b"\n", 1)[0]
        return _parses_as(first_line, dict) or _parses_as(body, dict)
    if body.startswith(b"["):
        return _parses_as(body, list)
    return False


def first_line_is_json_object(head: bytes) -> bool:
    """True if ``head`` (the start of a stream) opens with a complete JSON object line."""
    body = head.removeprefix(codecs.BOM_UTF8).lstrip()
    newline = body.find(b"\n")
    return body.startswith(b"{") and newline >= 0 and _parses_as(body[:newline], dict)


def _parses_as(data: bytes, kind: type) -> bool:
    try:
        return isinstance(json.loads(data), kind)
    except (ValueError, RecursionError):
        return False
