"""Where a figure sits: its sentence, the date its sentence gives, and who claims it."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from ._extensions import STATEMENTS_KEY, TIMES_KEY

# A calendar value (year, month or day), not a duration ("P3Y") or a reference ("PRESENT_REF").
DATED = re.compile(r"^\d{4}(-\d{2}){0,2}$")


def clause(span: Span) -> Span:
    """The sentence holding the figure."""
    return span.sent if span.doc.has_annotation("SENT_START") else span.doc[:]


def date_of(doc: Doc, span: Span, sentence: Span) -> str | None:
    """The value of the dated time expression nearest the figure in its sentence."""
    best: tuple[int, str] | None = None
    for time in doc.spans.get(TIMES_KEY, []):
        value = time._.sitroom_time_value
        if time.start < sentence.start or time.end > sentence.end or not value:
            continue
        if not DATED.match(str(value)):
            continue
        distance = min(abs(time.start - span.end), abs(span.start - time.end))
        if best is None or distance < best[0]:
            best = (distance, str(value))
    return best[1] if best else None


def claimant(doc: Doc, span: Span) -> str | None:
    """The speaker of the innermost statement whose reported content holds the figure."""
    best: Span | None = None
    for statement in doc.spans.get(STATEMENTS_KEY, []):
        inside = statement.start_char <= span.start_char and span.end_char <= statement.end_char
        if inside and (best is None or len(statement) < len(best)):
            best = statement
    if best is None or not Span.has_extension("sitroom_statement"):
        return None
    info = best._.sitroom_statement or {}
    return info.get("speaker")
