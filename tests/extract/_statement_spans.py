"""Statement spans of a text, for the statement tests (one place, two test modules)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from sitroom.extract._extensions import STATEMENTS_KEY

_KEEP: list[Doc] = []  # spans stay valid only while their doc lives


def statements(nlp: Language, text: str) -> list[Span]:
    """The statement spans ``nlp`` finds in ``text``."""
    doc = nlp(text)
    _KEEP.append(doc)
    return list(doc.spans[STATEMENTS_KEY])


def info(span: Span) -> dict:
    """What the statements component recorded on ``span``."""
    return span._.sitroom_statement
