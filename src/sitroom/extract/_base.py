"""The shape most Sitroom components share: find spans, store them under one spans key."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.pipeline import Pipe
from spacy.tokens import Doc, Span

from ._extensions import register_extensions


class SpanFinder(Pipe):
    """Write the spans that :meth:`find` yields to ``doc.spans[spans_key]``.

    Failures go through spaCy's error handler, so one bad document cannot sink a batch.
    """

    def __init__(self, name: str, spans_key: str) -> None:
        register_extensions()
        self.name = name
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        error_handler = self.get_error_handler()
        try:
            doc.spans[self.spans_key] = list(self.find(doc))
        except Exception as exc:
            error_handler(self.name, self, [doc], exc)
        return doc

    def find(self, doc: Doc) -> Iterator[Span]:
        """Yield the component's spans, their extension attributes filled in."""
        raise NotImplementedError
