"""Place mentions: the names in a document that denote places.

This first version turns the GPE/LOC/FAC entities found by ``sitroom_entities`` into place
mentions and leaves them ``unresolved`` (no coordinates): it does not guess. The offline
gazetteer and the geoparser that resolve them are the places issue's work; they replace this
component under the same factory name and spans key.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.tokens import Doc, Span

from ._extensions import ENTITIES_KEY, PLACES_KEY, register_extensions

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


class PlaceMentions(Pipe):
    """Copy place-typed entity mentions to ``doc.spans[spans_key]``, unresolved."""

    def __init__(self, nlp: Language, name: str, *, spans_key: str) -> None:
        register_extensions()
        self.name = name
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        try:
            places = [span for span in doc.spans.get(ENTITIES_KEY, []) if self._is_place(span)]
            self.set_annotations(doc, places)
        except Exception as exc:  # route through spaCy's handler: one doc can't sink a batch
            self.get_error_handler()(self.name, self, [doc], exc)
        return doc

    @staticmethod
    def _is_place(span: Span) -> bool:
        return span.label_ in PLACE_LABELS

    def set_annotations(self, doc: Doc, places: list[Span]) -> None:
        copies = []
        for mention in places:
            copy = Span(doc, mention.start, mention.end, label=mention.label_)
            copy._.sitroom_place = {
                "name": mention._.sitroom_entity_name or mention.text,
                "precision": "unresolved",
            }
            copies.append(copy)
        doc.spans[self.spans_key] = copies


@Language.factory(
    "sitroom_places",
    assigns=["doc.spans"],
    requires=["doc.spans"],
    default_config={"spans_key": PLACES_KEY},
)
def make_places(nlp: Language, name: str, spans_key: str) -> PlaceMentions:
    """Create the place-mention component. DOCS: DESIGN.md, 'places'."""
    return PlaceMentions(nlp, name, spans_key=spans_key)
