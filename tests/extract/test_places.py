"""sitroom_places: place-typed entity mentions become unresolved place mentions."""

from __future__ import annotations

import spacy
from spacy.tokens import Span

from sitroom.extract._extensions import ENTITIES_KEY, PLACES_KEY, register_extensions
from sitroom.extract.places import make_places  # noqa: F401 - registers the factory


def _doc_with_entities(nlp, text: str, labelled: list[tuple[int, int, str, str]]):
    register_extensions()
    doc = nlp.make_doc(text)
    spans = []
    for start, end, label, name in labelled:
        span = Span(doc, start, end, label=label)
        span._.sitroom_entity_name = name
        spans.append(span)
    doc.spans[ENTITIES_KEY] = spans
    return doc


def test_places_copies_place_labels_only() -> None:
    nlp = spacy.blank("en")
    component = nlp.add_pipe("sitroom_places")
    doc = _doc_with_entities(
        nlp,
        "Mayor Anna Kovac left Mariupol for the Azov coast",
        [(1, 3, "PERSON", "Anna Kovac"), (4, 5, "GPE", "Mariupol"), (7, 9, "LOC", "Azov coast")],
    )
    doc = component(doc)
    places = doc.spans[PLACES_KEY]
    assert [(s.text, s.label_) for s in places] == [("Mariupol", "GPE"), ("Azov coast", "LOC")]
    assert all(s._.sitroom_place["precision"] == "unresolved" for s in places)
    assert places[0]._.sitroom_place["name"] == "Mariupol"


def test_places_empty_doc() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sitroom_places")
    register_extensions()
    assert list(nlp("").spans[PLACES_KEY]) == []


def test_places_default_config_and_round_trip(tmp_path) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sitroom_places")
    assert nlp.get_pipe_meta("sitroom_places").default_config == {"spans_key": PLACES_KEY}
    nlp.to_disk(tmp_path / "p")
    loaded = spacy.load(tmp_path / "p")
    assert loaded.pipe_names == ["sitroom_places"]
