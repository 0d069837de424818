"""Evidence for one item: the sentences around each of its mentions, with the span marked.

Sentence bounds are found in the stored text with a punctuation rule (no spaCy at read time):
good enough to show a reader where a span sits, and it never cuts inside the span itself.
"""

from __future__ import annotations

import re
from typing import Any

from ..store import NotFound, Store
from ..store._geo_query import ItemFilter, page_items, reading

EVIDENCE_KINDS = ("events", "statements", "figures", "places", "entities")
MAX_CONTEXT_CHARS = 400
"""At most this many characters of context on each side of a span."""
MAX_PASSAGES = 50

_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+|\n\s*")


def sentence_window(text: str, start: int, end: int) -> dict[str, Any]:
    """The sentence(s) holding ``text[start:end]``, and where the span sits inside them.

    Returns ``start``/``end`` of the passage in ``text``, the passage ``text``, ``mark_start``
    and ``mark_end`` relative to the passage, and whether context was cut on either side.
    """
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    floor = max(0, start - MAX_CONTEXT_CHARS)
    left = floor
    for match in _SENTENCE_END.finditer(text, floor, start):
        left = match.end()
    ceiling = min(len(text), end + MAX_CONTEXT_CHARS)
    # From the span's last character: a span that ends its sentence ends the passage too.
    found = _SENTENCE_END.search(text, max(start, end - 1), ceiling)
    right = found.end() if found else ceiling
    while right > end and text[right - 1].isspace():
        right -= 1
    while left < start and text[left].isspace():
        left += 1
    return {
        "start": left,
        "end": right,
        "text": text[left:right],
        "mark_start": start - left,
        "mark_end": end - left,
        "cut_before": left == floor and floor > 0,
        "cut_after": found is None and ceiling < len(text),
    }


def _spans(row: dict[str, Any]) -> list[tuple[int, int]]:
    spans = [(m["start"], m["end"]) for m in row.get("mentions") or []]
    if not spans and row.get("start") is not None and row.get("end") is not None:
        spans = [(row["start"], row["end"])]
    return spans


def read_evidence(store: Store, kind: str, document_id: str, item_id: str) -> dict[str, Any]:
    """The item, its document's citation and one passage per mention (first mention first).

    Raises NotFound naming the item when it is not stored.
    """
    document = store.document(document_id)  # NotFound names the document
    only = ItemFilter(document_id=document_id, item_id=item_id)
    with reading(store.engine, store.name) as connection:
        rows, _ = page_items(connection, kind, only, limit=1)
    if not rows:
        raise NotFound(f"no {kind[:-1]} {item_id!r} in document {document_id!r}; list /{kind}")
    row = rows[0]
    passages = [
        {"mention": index, **sentence_window(document["text"], start, end)}
        for index, (start, end) in enumerate(_spans(row)[:MAX_PASSAGES])
    ]
    item = {k: v for k, v in row.items() if k not in {"mentions", "document_id"}}
    return {
        "kind": kind,
        "document_id": document_id,
        "item_id": item_id,
        "item": item,
        "title": document.get("title"),
        "source": document.get("source"),
        "url": document.get("url"),
        "published": document.get("published"),
        "mentions": len(_spans(row)),
        "passages": passages,
    }
