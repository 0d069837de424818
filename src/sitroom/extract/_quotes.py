"""Find quotation spans in a text: straight, curly and single quotes, one paragraph at a time.

A quote that is still open at the end of its paragraph closes there (news style opens every
paragraph of a long quotation and closes only the last), so an unbalanced mark never swallows
the rest of the document; a paragraph whose first mark closes a quotation ('... the veterans,"
said Roe') continues one opened before it. Apostrophes ("don't", "the soldiers' lines") are not
quote marks. Quotes nested in a double-quoted passage are part of it, not quotes of their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

DOUBLE_OPEN = frozenset('"“„«')
DOUBLE_CLOSE = {'"': '"', "“": "”", "„": "“", "«": "»"}
SINGLE_OPEN = frozenset("'‘")
SINGLE_CLOSE = {"'": "'", "‘": "’"}
ORPHAN_CLOSE = frozenset('"”')
CLOSING_PUNCT = frozenset(",.?!")
MIN_QUOTE_CHARS = 2
"""Shorter quoted strings ("'a'") are letters or symbols, not speech."""


class Quote(NamedTuple):
    """A quotation as character offsets, marks included; ``closed`` is False when cut."""

    start: int
    end: int
    closed: bool


def find_quotes(text: str, paragraphs: Iterable[tuple[int, int]] | None = None) -> list[Quote]:
    """Quotations of ``text`` in order; ``paragraphs`` bound them (default: the whole text)."""
    bounds = list(paragraphs) if paragraphs is not None else [(0, len(text))]
    quotes: list[Quote] = []
    for start, end in bounds:
        quotes.extend(_paragraph_quotes(text, start, end))
    return [q for q in quotes if q.end - q.start - 2 >= MIN_QUOTE_CHARS]


def _paragraph_quotes(text: str, start: int, end: int) -> list[Quote]:
    quotes: list[Quote] = []
    i = start
    while i < end:
        char = text[i]
        if not quotes and _is_orphan_close(text, i, start):
            # '... in consultation with the veterans," said Roe': the quotation opened in an
            # earlier paragraph without the mark being repeated; it runs from this one's start
            first = start + len(text[start:i]) - len(text[start:i].lstrip())
            quotes.append(Quote(first, i + 1, True))
            i += 1
            continue
        close = _closing_mark(text, i, start, end)
        if close is None:
            i += 1
            continue
        stop = _find_close(text, i + 1, end, close, single=char in SINGLE_OPEN)
        if stop is None:
            if char in SINGLE_OPEN:  # an unclosed single mark is an apostrophe or a typo
                i += 1
                continue
            quotes.append(Quote(i, _rstrip(text, i, end), False))
            break
        quotes.append(Quote(i, stop + 1, True))
        i = stop + 1
    return quotes


def _is_orphan_close(text: str, i: int, start: int) -> bool:
    """A double mark right after a comma or stop ('veterans,"') closes a quotation: at the
    first mark of a paragraph it closes one that began before the paragraph."""
    return text[i] in ORPHAN_CLOSE and i > start and text[i - 1] in CLOSING_PUNCT


def _closing_mark(text: str, i: int, start: int, end: int) -> str | None:
    """The mark that closes a quote opened at ``i``, or None when ``text[i]`` opens none."""
    char = text[i]
    if char in DOUBLE_OPEN:
        return DOUBLE_CLOSE[char]
    if char not in SINGLE_OPEN:
        return None
    before = text[i - 1] if i > start else " "
    after = text[i + 1] if i + 1 < end else " "
    # a single mark opens only at a word start: "'Better to die'", not "don't"
    if before.isalnum() or not (after.isalnum() or after in '"“'):
        return None
    return SINGLE_CLOSE[char]


def _find_close(text: str, i: int, end: int, close: str, *, single: bool) -> int | None:
    """Offset of the mark closing a quote whose content starts at ``i``."""
    closers = {close, "”"} if close == '"' else {close, '"'} if close == "”" else {close}
    for j in range(i, end):
        char = text[j]
        if char not in closers:
            continue
        if single:
            after = text[j + 1] if j + 1 < end else " "
            if after.isalnum():  # "the soldiers' lines" continues: an apostrophe
                continue
        return j
    return None


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end
