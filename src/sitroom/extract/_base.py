"""The shape most Sitroom components share: find spans, store them under one spans key."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from weakref import WeakKeyDictionary

from spacy.pipeline import Pipe
from spacy.tokens import Doc, Span, Token

from ._extensions import register_extensions

# Texts of the Docs still alive, read once each: Doc.text joins every token on each access.
_texts: WeakKeyDictionary[Doc, str] = WeakKeyDictionary()


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per document for all the components that read it.

    Joining the tokens costs about as much as a small component; a Doc's text never changes
    (retokenizing keeps it), and the entry goes when the Doc does.
    """
    text = _texts.get(doc)
    if text is None:
        text = _texts[doc] = doc.text
    return text


def remember_text(doc: Doc, text: str) -> None:
    """Record that ``doc`` was tokenised from ``text``, so :func:`doc_text` need not join it.

    spaCy's tokenizer is non-destructive (``doc.text == text``); a Doc whose last token does
    not end where ``text`` does was made some other way and is left to :func:`doc_text`.
    """
    if len(doc) and doc[-1].idx + len(doc[-1].text_with_ws) == len(text):
        _texts[doc] = text


ANONYMITY_FILE = "anonymity_verbs.txt"


@cache
def anonymity_verbs() -> frozenset[str]:
    """Lemmas of ``data/anonymity_verbs.txt``: "asked not to be *named*"."""
    lines = files("sitroom.data").joinpath(ANONYMITY_FILE).read_text("utf-8").splitlines()
    return frozenset(line.strip() for line in lines[1:] if line.strip())


def asks_anonymity(verb: Token) -> bool:
    """True for the verb of "asked not to be named": a source's condition for speaking, neither a
    demand (no event) nor something the source reports (no statement)."""
    return any(
        child.dep_ == "xcomp"
        and child.lemma_.lower() in anonymity_verbs()
        and any(grand.dep_ == "neg" for grand in child.children)
        for child in verb.children
    )


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
