"""Event places: names the model misses, the finest of nested places, bearings and origins."""

from __future__ import annotations

from importlib.resources import files

import pytest
from spacy.language import Language

from sitroom.extract._event_place_names import (
    PLACE_WORDS_FILE,
    ROLES,
    name_places,
    read_place_words,
)
from sitroom.extract._extensions import EVENTS_KEY
from sitroom.pipeline import Pipeline


@pytest.fixture(scope="module")
def nlp(pipeline: Pipeline) -> Language:
    """The full Sitroom pipeline (the session's, from ``conftest.py``)."""
    return pipeline.nlp


def _places(nlp: Language, text: str, trigger: str) -> list[str]:
    doc = nlp(text)
    found = [span for span in doc.spans[EVENTS_KEY] if span.text == trigger]
    assert len(found) == 1, [span.text for span in doc.spans[EVENTS_KEY]]
    return [doc.text[a:b] for a, b in found[0]._.sitroom_event["places"]]


def test_event_place_name_in_the_town_of(nlp: Language) -> None:
    text = "Two guards were killed by sniper fire in the town of Vellabrook on Monday."
    assert _places(nlp, text, "killed") == ["Vellabrook"]


def test_event_place_name_of_a_site_keeps_only_the_name(nlp: Language) -> None:
    text = "Soldiers detonated a device near the Oskarn refugee camp on Friday."
    assert _places(nlp, text, "detonated") == ["Oskarn"]


def test_event_place_named_object_of_a_seizure(nlp: Language) -> None:
    text = "Rebel fighters captured Marrowden after a week of fighting."
    assert _places(nlp, text, "captured") == ["Marrowden"]


def test_event_place_finer_name_wins_over_its_container(nlp: Language) -> None:
    text = "A car bomb exploded in the eastern Baghdad district of Tallweir, killing six."
    assert _places(nlp, text, "killing") == ["Tallweir"]


def test_event_place_bearing_is_no_place(nlp: Language) -> None:
    text = "Militants attacked a checkpoint in the town of Corvale, 30 km south of Baghdad."
    assert _places(nlp, text, "attacked") == ["Corvale"]


def test_event_place_origin_is_no_place(nlp: Language) -> None:
    text = "The commander was killed in a U.S. airstrike."
    assert _places(nlp, text, "killed") == []


def test_event_place_participant_from_elsewhere(nlp: Language) -> None:
    text = "The gunman, a farmer from a village near Kabul, opened fire at a market in Herat."
    assert _places(nlp, text, "opened") == ["Herat"]


def test_event_place_name_not_glued_to_a_word(nlp: Language) -> None:
    doc = nlp("The strike hit a depot at Lornside and killed Abu Salim at-Tarnawi.")
    assert [span.text for span in name_places(doc, set())] == ["Lornside"]


def test_event_place_name_opening_a_paragraph(nlp: Language) -> None:
    # The paragraph break is a whitespace token with no trailing space: not a glued word.
    text = "The curfew began at night.\n\nVellmark's streets were shelled on Sunday."
    assert _places(nlp, text, "shelled") == ["Vellmark"]


def test_event_place_words_rows_parse_sorted_unique() -> None:
    text = files("sitroom.data").joinpath(PLACE_WORDS_FILE).read_text("utf-8")
    lines = text.splitlines()
    assert lines[0] == "word\trole"
    assert lines[1:] == sorted(lines[1:]) and len(lines[1:]) == len(set(lines[1:]))
    words = read_place_words(text)
    assert set(words) == set(ROLES) and all(words.values())
    assert "village" in words["place_noun"] and "at" in words["locative_preposition"]


def test_event_place_words_bad_row_names_its_line() -> None:
    with pytest.raises(ValueError, match="line 3"):
        read_place_words("word\trole\nat\tlocative_preposition\nvillage\tsettlement\n")
