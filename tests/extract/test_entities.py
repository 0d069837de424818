"""Tests for ``sitroom.extract.entities``: one entity per referent, names, types, component."""

from __future__ import annotations

import re
from importlib.resources import files

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from sitroom.extract._extensions import ENTITIES_KEY, SEGMENTS_KEY, register_extensions
from sitroom.extract._names import load_name_words
from sitroom.extract.entities import ENTITY_LABELS, EntityGrouper, group_entities
from sitroom.pipeline import DEFAULT_MODEL
from sitroom.segment import Segmenter  # importing it registers "sitroom_segmenter"

_MARKUP = re.compile(r"\[([^\]]+)\]\(([A-Z_]+)\)")


@pytest.fixture(scope="module")
def blank() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sitroom_entities")
    return nlp


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The default English model with both Sitroom components (loaded once)."""
    nlp = spacy.load(DEFAULT_MODEL)
    nlp.add_pipe("sitroom_segmenter", before="parser")
    nlp.add_pipe("sitroom_entities")
    return nlp


def annotated(nlp: Language, markup: str) -> Doc:
    """A doc whose entities are written inline: "[Vladimir Putin](PERSON) said"."""
    register_extensions()
    text, spans, shift = "", [], 0
    for match in _MARKUP.finditer(markup):
        text += markup[shift : match.start()]
        spans.append((len(text), len(text) + len(match.group(1)), match.group(2)))
        text += match.group(1)
        shift = match.end()
    doc = nlp.make_doc(text + markup[shift:])
    doc.ents = [doc.char_span(s, e, label=label, alignment_mode="strict") for s, e, label in spans]
    return doc


def entities(nlp: Language, markup: str) -> list[tuple[str, str, list[str]]]:
    doc = nlp.get_pipe("sitroom_entities")(annotated(nlp, markup))
    return [(g.name, g.type, [m.text for m in g.mentions]) for g in group_entities(doc)]


# --- names and grouping ------------------------------------------------------------------------


def test_entities_title_possessive_and_surname(blank: Language) -> None:
    found = entities(
        blank,
        "[Russian](NORP) [President Vladimir Putin](PERSON) spoke on Monday. [Putin's](PERSON) "
        "aides said [Putin](PERSON) would travel to [Russia](GPE)'s east.",
    )
    assert found == [
        ("Russian", "NORP", ["Russian"]),
        ("Vladimir Putin", "PERSON", ["Vladimir Putin", "Putin", "Putin"]),
        ("Russia", "GPE", ["Russia"]),
    ]


@pytest.mark.parametrize(
    ("markup", "name"),
    [
        ("[Foreign Minister Sergei Lavrov](PERSON) left.", "Sergei Lavrov"),
        ("[Russian Foreign Minister Sergei Lavrov](PERSON) left.", "Sergei Lavrov"),
        ("[Gen. Anna Korvik](PERSON) left.", "Anna Korvik"),
        ("[Lt. Gen. Anna Korvik](PERSON) left.", "Anna Korvik"),
        ("[Mr Ostrov](PERSON) left.", "Ostrov"),
        ("[Dr. Lena Ostrov’s](PERSON) report.", "Lena Ostrov"),
        ("the [spokesman Ivo Darman](PERSON) said.", "Ivo Darman"),
        ("[President](PERSON) left.", "President"),  # nothing but a title: kept
        ("[Walter Chief](PERSON) left.", "Walter Chief"),  # a title word ending a name stays
        ("in [the United Nations](ORG).", "United Nations"),
        ("in [The Hague](GPE).", "The Hague"),  # a capital "The" mid-sentence is the name's
        ("[The Hague](GPE) said.", "Hague"),
        ("the [Reuters'](ORG) report.", "Reuters"),
        ("[“Velmora”](GPE) said.", "Velmora"),
    ],
)
def test_entities_mention_trimmed_to_name(blank: Language, markup: str, name: str) -> None:
    found = entities(blank, markup)
    assert [(n, mentions) for n, _, mentions in found] == [(name, [name])]


def test_entities_surname_joins_only_unambiguously(blank: Language) -> None:
    found = entities(
        blank,
        "[Boris Johnson](PERSON) met [Lyndon Johnson](PERSON). [Johnson](PERSON) spoke. "
        "[Maria Elena Soto](PERSON) and [Soto](PERSON) and [Maria Soto](PERSON) agreed. "
        "[Kerrigan](PERSON) was absent.",
    )
    assert [(n, m) for n, _, m in found] == [
        ("Boris Johnson", ["Boris Johnson"]),
        ("Lyndon Johnson", ["Lyndon Johnson"]),
        ("Johnson", ["Johnson"]),
        ("Maria Elena Soto", ["Maria Elena Soto", "Soto", "Maria Soto"]),
        ("Kerrigan", ["Kerrigan"]),
    ]


def test_entities_short_name_tagged_org_joins_person(blank: Language) -> None:
    # the small model often tags a bare surname ORG, especially before "'s"
    found = entities(
        blank,
        "[Omar al-Rashidi](PERSON) spoke. Critics of [al-Rashidi](ORG) and "
        "[Rashidi's](ORG) aides met [Karskian](NORP) envoys.",
    )
    assert found == [
        ("Omar al-Rashidi", "PERSON", ["Omar al-Rashidi", "al-Rashidi", "Rashidi"]),
        ("Karskian", "NORP", ["Karskian"]),
    ]


def test_entities_dateline_names_a_place(blank: Language) -> None:
    doc = annotated(
        blank,
        "[DALOVO](ORG), [Karsk](PERSON) ([Velmora Wire](PERSON)) — Troops left "
        "[Dalovo](PERSON) on Monday.",
    )
    doc._.sitroom_dateline = (0, 35)
    doc = blank.get_pipe("sitroom_entities")(doc)
    assert [(g.name, g.type) for g in group_entities(doc)] == [
        ("Dalovo", "GPE"),
        ("Karsk", "GPE"),
        ("Velmora Wire", "PERSON"),  # the outlet, in parentheses: no place vote
    ]


def test_entities_keys_fold_case_and_accents(blank: Language) -> None:
    found = entities(
        blank, "[Zoë Martín](PERSON) said. [ZOE MARTIN](PERSON) agreed. [Martin](PERSON) left."
    )
    assert found == [("Zoë Martín", "PERSON", ["Zoë Martín", "ZOE MARTIN", "Martin"])]


def test_entities_particle_name_repaired(blank: Language) -> None:
    found = entities(blank, "[Anna van](PERSON) der [Berg](GPE) said. [Van der Berg](PERSON) left.")
    assert found[0][:2] == ("Anna van der Berg", "PERSON")
    assert found[0][2][0] == "Anna van der Berg"


def test_entities_acronyms_join_their_long_form(blank: Language) -> None:
    found = entities(
        blank,
        "[The UN](ORG) said. Later [the United Nations](ORG) and [the U.N.](ORG) agreed with "
        "[NATO](ORG) and the [US](GPE) and the [United States](GPE).",
    )
    assert found == [
        ("United Nations", "ORG", ["UN", "United Nations", "U.N."]),
        ("NATO", "ORG", ["NATO"]),
        ("United States", "GPE", ["US", "United States"]),
    ]


def test_entities_ambiguous_acronym_stays_apart(blank: Language) -> None:
    found = entities(
        blank,
        "[The African Union](ORG) and the [Arab Union](ORG) met. The [AU](ORG) spoke.",
    )
    assert [n for n, _, _ in found] == ["African Union", "Arab Union", "AU"]


def test_entities_nationality_never_merges_with_country(blank: Language) -> None:
    found = entities(blank, "[Karskian](NORP) troops entered [Karsk](GPE). [Karsk](GPE) denied it.")
    assert found == [
        ("Karskian", "NORP", ["Karskian"]),
        ("Karsk", "GPE", ["Karsk", "Karsk"]),
    ]


# --- types -------------------------------------------------------------------------------------


def test_entities_type_is_majority_label(blank: Language) -> None:
    found = entities(blank, "[Dalovo](ORG) said. [Dalovo](ORG) agreed. Then [Dalovo](PERSON) left.")
    assert found == [("Dalovo", "ORG", ["Dalovo"] * 3)]


def test_entities_place_beats_person_for_bare_name(blank: Language) -> None:
    found = entities(
        blank,
        "[Ostravin](PERSON) is calm. [Ostravin](PERSON) waits. Shells hit [Ostravin](GPE).",
    )
    assert found == [("Ostravin", "GPE", ["Ostravin"] * 3)]


def test_entities_person_with_first_name_stays_person(blank: Language) -> None:
    found = entities(blank, "[Ilya Ostrov](PERSON) spoke. [Ostrov](PERSON) left for [Ostrov](GPE).")
    assert [(n, t) for n, t, _ in found] == [("Ilya Ostrov", "PERSON")]


def test_entities_locative_preposition_makes_a_place(blank: Language) -> None:
    found = entities(
        blank,
        "[Velmora](PERSON) was shelled. Residents in [Velmora](PERSON) hid, and troops near "
        "[Velmora](PERSON) dug in.",
    )
    assert found == [("Velmora", "GPE", ["Velmora"] * 3)]
    found = entities(blank, "Trust in [Darman](PERSON) fell. [Darman](PERSON) resigned.")
    assert found == [("Darman", "PERSON", ["Darman", "Darman"])]


def test_entities_ignore_numbers_dates_and_lowercase(blank: Language) -> None:
    found = entities(
        blank,
        "On [Friday](DATE), [137](CARDINAL) people fled [the west bank](GPE) of [Velmora](GPE).",
    )
    assert found == [("Velmora", "GPE", ["Velmora"])]


# --- mentions the model missed -----------------------------------------------------------------


def test_entities_missed_mentions_found(blank: Language) -> None:
    markup = (
        "Shells hit [Ostravin](GPE) at dawn. Ostravin's mayor fled, and Ostravin Harbour "
        "closed; ostravin is quiet. On [Friday](DATE) Ostravin rallied."
    )
    found = entities(blank, markup)
    assert found == [("Ostravin", "GPE", ["Ostravin", "Ostravin", "Ostravin"])]
    doc = annotated(blank, markup)
    grouper = EntityGrouper(blank, name="e", name_words=load_name_words(), find_missed=False)
    assert len(grouper(doc).spans[ENTITIES_KEY]) == 1


# --- component ---------------------------------------------------------------------------------


def test_entities_spans_carry_name_and_type(blank: Language) -> None:
    doc = annotated(blank, "[Russian](NORP) [Vladimir Putin](PERSON) met [Putin's](PERSON) aide.")
    doc = blank.get_pipe("sitroom_entities")(doc)
    spans = list(doc.spans[ENTITIES_KEY])
    assert [(s.text, s.label_, s._.sitroom_entity_name) for s in spans] == [
        ("Russian", "NORP", "Russian"),
        ("Vladimir Putin", "PERSON", "Vladimir Putin"),
        ("Putin", "PERSON", "Vladimir Putin"),
    ]
    name, label, mentions = group_entities(doc)[1]
    assert (name, label, [m.start_char for m in mentions]) == ("Vladimir Putin", "PERSON", [8, 27])


def test_entities_defaults_and_empty_doc(blank: Language) -> None:
    grouper = blank.get_pipe("sitroom_entities")
    assert isinstance(grouper, EntityGrouper)
    assert grouper.spans_key == ENTITIES_KEY and grouper.find_missed
    assert grouper.words == load_name_words()
    doc = blank(blank.make_doc(""))
    assert list(doc.spans[ENTITIES_KEY]) == []
    assert group_entities(doc) == []
    assert group_entities(blank.make_doc("No component ran.")) == []


def test_entities_to_disk_round_trip(blank: Language, tmp_path) -> None:
    blank.to_disk(tmp_path / "nlp")
    loaded = spacy.load(tmp_path / "nlp")
    assert loaded.pipe_names == ["sitroom_entities"]
    found = entities(loaded, "[Ilya Ostrov](PERSON) spoke. [Ostrov](PERSON) left.")
    assert found == [("Ilya Ostrov", "PERSON", ["Ilya Ostrov", "Ostrov"])]


def test_entities_and_segmenter_pipe_n_process_2() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sitroom_segmenter")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "PERSON", "pattern": "Ilya Ostrov"},
            {"label": "PERSON", "pattern": "Ostrov"},
            {"label": "GPE", "pattern": "Velmora"},
        ]
    )
    nlp.add_pipe("sitroom_entities")
    assert isinstance(nlp.get_pipe("sitroom_segmenter"), Segmenter)
    text = "Ilya Ostrov visited Velmora.\nEarlier updates\nOstrov said Velmora would hold."
    docs = list(nlp.pipe([text] * 4, n_process=2, batch_size=1))
    for doc in docs:
        names = [(s.text, s._.sitroom_entity_name) for s in doc.spans[ENTITIES_KEY]]
        assert names == [
            ("Ilya Ostrov", "Ilya Ostrov"),
            ("Velmora", "Velmora"),
            ("Ostrov", "Ilya Ostrov"),
            ("Velmora", "Velmora"),
        ]
        segments = doc.spans[SEGMENTS_KEY]
        assert [(s.label_, s._.sitroom_update) for s in segments] == [
            ("paragraph", 0),
            ("update_marker", 1),
            ("paragraph", 1),
        ]


# --- with the real model -----------------------------------------------------------------------


def test_entities_real_model_groups_a_person(nlp: Language) -> None:
    text = (
        "Russian President Vladimir Putin told his security council on Monday that talks had "
        "stalled. Putin's spokesman said later that Putin would not travel to Geneva."
    )
    doc = nlp(text)
    groups = {g.name: g for g in group_entities(doc)}
    putin = groups["Vladimir Putin"]
    assert putin.type == "PERSON"
    assert [m.text for m in putin.mentions] == ["Vladimir Putin", "Putin", "Putin"]
    assert all(span.label_ in ENTITY_LABELS for span in doc.spans[ENTITIES_KEY])


def test_entities_seed_article(nlp: Language, seed_text: str) -> None:
    doc = nlp(seed_text)
    groups = group_entities(doc)
    names = [g.name for g in groups]
    assert len(names) == len(set(names))
    by_type: dict[str, int] = {}
    for group in groups:
        by_type[group.type] = by_type.get(group.type, 0) + 1
        assert all(m.label_ == group.type for m in group.mentions)
        assert all(not m.text.endswith(("'s", "’s")) for m in group.mentions)
    # every multi-mention person is known by its full name and reached by its surname too
    people = [g for g in groups if g.type == "PERSON" and len(g.mentions) > 2]
    assert people
    for person in people:
        assert " " in person.name
        assert any(m.text == person.name.split()[-1] for m in person.mentions)
    assert by_type.get("GPE", 0) >= 10 and by_type.get("NORP", 0) >= 3


# --- data --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "header", "kinds"),
    [
        ("person_titles.tsv", "kind\ttitle", {"honorific", "rank", "role", "religious"}),
        ("name_words.tsv", "kind\tword", {"article", "function", "locative", "particle"}),
    ],
)
def test_entities_data_files(name: str, header: str, kinds: set[str]) -> None:
    lines = files("sitroom.data").joinpath(name).read_text(encoding="utf-8").splitlines()
    assert lines[0] == header
    rows = [tuple(line.split("\t")) for line in lines[1:]]
    assert all(len(row) == 2 and row[1] == row[1].strip().lower() and row[1] for row in rows)
    assert {row[0] for row in rows} == kinds
    assert rows == sorted(rows)
    assert len(rows) == len(set(rows))
    if name == "person_titles.tsv":
        assert len({row[1] for row in rows}) == len(rows)  # a title has one kind


def test_entities_slash_joined_names_are_split() -> None:
    """A dateline like "ODESA/MYKOLAIV:" names two places, even when NER tags it as one."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sitroom_entities")
    doc = nlp.make_doc("ODESA / MYKOLAIV: shelling went on")
    doc.ents = [Span(doc, 0, 3, label="ORG")]
    names = [s.text for s in nlp.get_pipe("sitroom_entities")(doc).spans[ENTITIES_KEY]]
    assert names == ["ODESA", "MYKOLAIV"]
