"""Event typing beyond the flat trigger table: senses, reversals, hazards, light verbs,
refusals, promises, roles and the nearest-place fallback (real spaCy model)."""

from __future__ import annotations

from importlib.resources import files

import pytest
from spacy.language import Language

from sitroom import model
from sitroom.extract._event_words import (
    ANY_OBJECT,
    CLASSES_FILE,
    FORMS,
    HAZARD_KINDS,
    HAZARDS_FILE,
    NO_EVENT,
    REVERSAL_VERBS_FILE,
    REVERSALS_FILE,
    SENSES_FILE,
    TRIGGERS_FILE,
    load_event_words,
    read_refinements,
    read_triggers,
)
from sitroom.extract._extensions import EVENTS_KEY
from sitroom.pipeline import Pipeline

PLOVER_TYPES = {t.value for t in model.EventType}
REFINEMENT_FILES = (SENSES_FILE, CLASSES_FILE, REVERSAL_VERBS_FILE, REVERSALS_FILE, HAZARDS_FILE)


@pytest.fixture(scope="module")
def nlp(pipeline: Pipeline) -> Language:
    """The full Sitroom pipeline (the session's, from ``conftest.py``)."""
    return pipeline.nlp


def _events(nlp: Language, text: str) -> dict[str, dict]:
    doc = nlp(text)
    found = {}
    for span in doc.spans[EVENTS_KEY]:
        info = dict(span._.sitroom_event)
        info["place_texts"] = [doc.text[a:b] for a, b in info["places"]]
        found[span.text] = info
    return found


def _table(name: str) -> list[list[str]]:
    lines = files("sitroom.data").joinpath(name).read_text("utf-8").splitlines()
    assert lines[1:] == sorted(lines[1:]), f"{name} is not sorted"
    assert len(lines[1:]) == len(set(lines[1:])), f"{name} has duplicate rows"
    return [line.split("\t") for line in lines]


# --- the data files -------------------------------------------------------------------------


def test_event_refinement_tables_parse_sorted_unique_closed_vocabulary() -> None:
    senses = _table(SENSES_FILE)
    assert senses[0] == ["trigger", "form", "object", "type", "mode"]
    classes = _table(CLASSES_FILE)
    assert classes[0] == ["word", "class"]
    known = {row[1] for row in classes[1:]} | {ANY_OBJECT}
    for _, form, cls, kind, _mode in senses[1:]:
        assert form in FORMS and cls in known and kind in PLOVER_TYPES | {NO_EVENT}
    reversals = _table(REVERSALS_FILE)
    assert reversals[0] == ["object_type", "type", "mode"]
    assert all(a in PLOVER_TYPES and b in PLOVER_TYPES for a, b, _ in reversals[1:])
    assert _table(REVERSAL_VERBS_FILE)[0] == ["verb"]
    hazards = _table(HAZARDS_FILE)
    assert hazards[0] == ["word", "kind"] and {k for _, k in hazards[1:]} == HAZARD_KINDS
    lexicon = load_event_words()
    assert lexicon.senses["evacuate"][-1][0] == ANY_OBJECT  # the fallback comes last
    assert "flood" in lexicon.hazards and "kill" in lexicon.harms


def test_event_triggers_keep_types_of_the_plover_manual() -> None:
    lexicon = load_event_words()
    # signing or ratifying is SUPPORT; a promise to sign is AGREE (PLOVER manual, SUPPORT)
    assert lexicon.verbal["sign"].type is model.EventType.SUPPORT
    # indicting or charging is an accusation (manual, ACCUSE "allege")
    assert lexicon.verbal["indict"].type is model.EventType.DISAPPROVE
    # light verbs carry no type of their own: the noun decides ("imposed a curfew")
    assert "impose" not in lexicon.verbal


def test_event_refinements_bad_rows_raise() -> None:
    base = read_triggers(files("sitroom.data").joinpath(TRIGGERS_FILE).read_text("utf-8"))
    texts = {n: files("sitroom.data").joinpath(n).read_text("utf-8") for n in REFINEMENT_FILES}
    bad_type = texts | {SENSES_FILE: "trigger\tform\tobject\ttype\tmode\nsend\tverbal\t*\tWAR\t-\n"}
    with pytest.raises(ValueError, match="not a PLOVER type"):
        read_refinements(base, bad_type)
    short = texts | {REVERSALS_FILE: "object_type\ttype\tmode\nAID\tSANCTION\n"}
    with pytest.raises(ValueError, match="line 2"):
        read_refinements(base, short)
    bad_kind = texts | {HAZARDS_FILE: "word\tkind\nflood\tweather\n"}
    with pytest.raises(ValueError, match="kinds"):
        read_refinements(base, bad_kind)


# --- senses: the object decides ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "trigger", "expected"),
    [
        ("Soldiers evacuated 300 civilians from the valley.", "evacuated", ("AID", None)),
        ("The battalion evacuated its base before dawn.", "evacuated", ("RETREAT", "withdraw")),
        ("The militia released four prisoners.", "released", ("RETREAT", "release")),
        ("The alliance sent troops to the border.", "sent", ("MOBILIZE", "troops")),
        ("The charity sent blankets and tents.", "sent", ("AID", None)),
    ],
)
def test_events_sense_verb_typed_by_its_object(
    nlp: Language, text: str, trigger: str, expected: tuple[str, str | None]
) -> None:
    event = _events(nlp, text)[trigger]
    assert (event["type"], event["mode"]) == expected


def test_events_sense_verb_without_fitting_object_is_no_event(nlp: Language) -> None:
    assert _events(nlp, "The militia released a video on Sunday.") == {}
    assert _events(nlp, "Volunteers lifted the boxes onto carts.") == {}


# --- reversals, light verbs, hazards -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "trigger", "kind"),
    [
        ("The governor lifted the curfew on Monday.", "lifted", "CONCEDE"),
        ("The union called off the strike.", "called", "CONCEDE"),
        ("The government suspended the talks.", "suspended", "SANCTION"),
        ("The commander halted the offensive.", "halted", "RETREAT"),
    ],
)
def test_events_ending_an_event_is_one_event_of_the_reversed_type(
    nlp: Language, text: str, trigger: str, kind: str
) -> None:
    events = _events(nlp, text)
    assert list(events) == [trigger]  # the ended noun is no event of its own
    assert events[trigger]["type"] == kind


def test_events_light_verb_gives_way_to_its_noun(nlp: Language) -> None:
    curfew = _events(nlp, "The junta imposed a curfew in the capital.")
    assert list(curfew) == ["curfew"]
    assert (curfew["curfew"]["type"], curfew["curfew"]["mode"]) == ("COERCE", "curfew")
    strikes = _events(nlp, "Troops carried out strikes on the depot.")["strikes"]
    assert (strikes["type"], strikes["actor"], strikes["target"]) == ("ASSAULT", "Troops", "depot")


def test_events_harm_from_a_hazard_is_no_event(nlp: Language) -> None:
    assert _events(nlp, "Twelve people were killed in the floods.") == {}
    assert _events(nlp, "The storm destroyed 300 homes.") == {}
    killed = _events(nlp, "Gunmen killed twelve villagers near the river.")["killed"]
    assert (killed["type"], killed["actor"]) == ("ASSAULT", "Gunmen")


def test_events_modifier_uses_are_no_events(nlp: Language) -> None:
    assert list(_events(nlp, "Leaders of the protest movement met the mayor.")) == ["met"]
    assert _events(nlp, "The ministry updated its sanctions list.") == {}


# --- refusals, promises, verbal protests ---------------------------------------------------


def test_events_refused_or_failed_event_is_negated(nlp: Language) -> None:
    events = _events(nlp, "The rebels refused to withdraw from the town.")
    assert events["refused"]["type"] == "REJECT"
    assert (events["withdraw"]["modality"], events["withdraw"]["asserted"]) == ("negated", False)
    agreement = _events(nlp, "The two sides failed to reach an agreement.")["agreement"]
    assert agreement["modality"] == "negated"


def test_events_promise_yields_the_promised_event_as_future(nlp: Language) -> None:
    events = _events(nlp, "The rebels vowed to attack the capital.")
    assert list(events) == ["attack"]
    assert (events["attack"]["type"], events["attack"]["modality"]) == ("ASSAULT", "future")


def test_events_obligation_wins_over_readiness(nlp: Language) -> None:
    events = _events(nlp, "The envoy said the council must be ready to mediate.")
    assert events["mediate"]["modality"] == "obligation"


def test_events_protest_in_words_is_disapproval(nlp: Language) -> None:
    spoken = _events(nlp, "A rights group protested that the trial was unfair.")
    assert spoken["protested"]["type"] == "DISAPPROVE"
    marched = _events(nlp, "Thousands of students protested outside the parliament.")
    assert marched["protested"]["type"] == "PROTEST"


# --- roles and place -----------------------------------------------------------------------


def test_events_target_is_the_owner_or_recipient(nlp: Language) -> None:
    shelled = _events(nlp, "The army shelled positions of the Karen National Union.")
    assert shelled["shelled"]["target"] == "Karen National Union"
    granted = _events(nlp, "Norway granted asylum to three dissidents.")["granted"]
    assert (granted["type"], granted["target"]) == ("AID", "dissidents")
    demanded = _events(nlp, "The villagers demanded compensation from the mining company.")
    assert demanded["demanded"]["target"] == "mining company"


def test_events_claimant_is_the_named_subject_of_the_reporting_verb(nlp: Language) -> None:
    text = (
        "Amina Yusuf, a trader, said the market had been hit at noon.\n\n"
        "Separately, the navy said it had repelled an attack on a patrol boat."
    )
    repelled = _events(nlp, text)["repelled"]
    assert repelled["claimed_by"] is not None and "navy" in repelled["claimed_by"].lower()
    assert "Amina" not in str(repelled["actor"])


def test_events_place_nearest_in_the_parse_when_none_is_attached(nlp: Language) -> None:
    events = _events(nlp, "Rebels killed six guards who were defending the old fortress of Herat.")
    assert events["killed"]["place_texts"] == ["Herat"]
    # a place in another verb's clause is not where the sanctions happened
    text = "Canada imposed sanctions, and it said its troops would not fight in Mali."
    other = _events(nlp, text)
    assert other["sanctions"]["place_texts"] == []


# --- mentions a second outlet words differently ------------------------------------------


def test_events_noun_after_time_preposition_is_its_own_event(nlp: Language) -> None:
    events = _events(nlp, "Police detained 40 people during the protest in Varnholm.")
    assert events["detained"]["type"] == "COERCE"
    assert events["protest"]["type"] == "PROTEST"


def test_events_particle_parsed_as_adverb(nlp: Language) -> None:
    events = _events(nlp, "Minister Olek Brandt stepped down on Sunday.")
    assert (events["stepped"]["type"], events["stepped"]["mode"]) == ("RETREAT", "resign")


def test_events_pronoun_object_is_a_person(nlp: Language) -> None:
    events = _events(nlp, "Most of those arrested on Friday have been freed by a court.")
    assert (events["freed"]["type"], events["freed"]["mode"]) == ("RETREAT", "release")


def test_events_hit_names_an_attack_on_a_site_not_a_storm(nlp: Language) -> None:
    attack = _events(nlp, "The rebels hit the fuel depot with drones.")
    relative = _events(nlp, "Workers cleared the terminal, which was hit by a missile.")
    storm = _events(nlp, "The storm hit the coastal villages on Monday.")
    assert attack["hit"]["type"] == relative["hit"]["type"] == "ASSAULT"
    assert "hit" not in storm


def test_events_weapon_fire_is_no_hazard(nlp: Language) -> None:
    assert _events(nlp, "Two guards were killed by sniper fire.")["killed"]["type"] == "ASSAULT"
    assert "killed" not in _events(nlp, "Two guards were killed in the fire.")
