"""Tests for ``sitroom.extract._base``: the text of a Doc read once for every component."""

from __future__ import annotations

import gc

import spacy

from sitroom.extract import _base
from sitroom.extract._base import doc_text, remember_text


def test_doc_text_equals_doc_text_and_is_kept_per_doc() -> None:
    nlp = spacy.blank("en")
    one, other = nlp("Shelling hit  the port.\nTwo died."), nlp("Another report.")
    assert doc_text(one) == one.text and doc_text(other) == other.text
    assert doc_text(one) is doc_text(one)  # joined once, then reused


def test_doc_text_entry_goes_with_its_doc() -> None:
    nlp = spacy.blank("en")
    doc = nlp("A short-lived document.")
    doc_text(doc)
    before = len(_base._texts)
    del doc
    gc.collect()
    assert len(_base._texts) == before - 1


def test_remember_text_is_used_for_the_doc_it_was_made_from() -> None:
    nlp = spacy.blank("en")
    text = "Drones struck the depot on Monday. "
    doc = nlp.make_doc(text)
    remember_text(doc, text)
    assert doc_text(doc) is text


def test_remember_text_ignores_a_text_the_doc_was_not_made_from() -> None:
    nlp = spacy.blank("en")
    doc = nlp.make_doc("Drones struck the depot.")
    remember_text(doc, "Something else entirely, and longer.")
    assert doc_text(doc) == "Drones struck the depot."
    empty = nlp.make_doc("")
    remember_text(empty, "")
    assert doc_text(empty) == ""
