"""Events: triggers, participants, place, date, claimant and stance (real spaCy model)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from sitroom import model
from sitroom.extract._event_dates import event_date, update_dates
from sitroom.extract._event_words import TRIGGERS_FILE, read_triggers
from sitroom.extract._extensions import (
    EVENTS_KEY,
    SEGMENTS_KEY,
    TIMES_KEY,
    register_extensions,
)
from sitroom.pipeline import Pipeline
from tests.conftest import require_path

PUBLISHED = "2022-02-25"  # a Friday
SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed" / "000_e1e83100be014342.txt"


@pytest.fixture(scope="module")
def nlp(pipeline: Pipeline) -> Language:
    """The full Sitroom pipeline (the session's, from ``conftest.py``)."""
    return pipeline.nlp


def _missing(path: Path) -> None:
    require_path(path)


def _events(nlp: Language, text: str, published: str | None = PUBLISHED) -> list[dict]:
    doc = nlp.make_doc(text)
    doc._.sitroom_published = published
    doc = nlp(doc)
    return [_info(doc, span) for span in doc.spans[EVENTS_KEY]]


def _info(doc: Doc, span) -> dict:  # type: ignore[no-untyped-def]
    info = dict(span._.sitroom_event)
    info["trigger"] = span.text
    info["place_texts"] = [doc.text[a:b] for a, b in info["places"]]
    return info


def _one(events: list[dict], trigger: str) -> dict:
    found = [e for e in events if e["trigger"] == trigger]
    assert len(found) == 1, events
    return found[0]


# --- the trigger table ----------------------------------------------------------------------


def test_event_triggers_rows_parse_sorted_unique() -> None:
    text = files("sitroom.data").joinpath(TRIGGERS_FILE).read_text("utf-8")
    lines = text.splitlines()
    assert lines[0].split("\t") == ["trigger", "type", "mode", "form", "object"]
    assert lines[1:] == sorted(lines[1:])
    keys = [tuple(line.split("\t")[i] for i in (0, 3)) for line in lines[1:]]
    assert len(keys) == len(set(keys))
    lexicon = read_triggers(text)
    assert lexicon.verbal["bomb"].type is model.EventType.ASSAULT
    assert lexicon.nominal["attack"].type is model.EventType.ASSAULT


def test_event_triggers_bad_row_raises() -> None:
    with pytest.raises(ValueError, match="line 2"):
        read_triggers("trigger\ttype\tmode\tform\tobject\nattack\tWAR\t-\tverbal\tany\n")
    with pytest.raises(ValueError, match="duplicate"):
        read_triggers(
            "trigger\ttype\tmode\tform\tobject\n"
            "raid\tASSAULT\t-\tverbal\tany\nraid\tCOERCE\t-\tverbal\tany\n"
        )


# --- type, mode, participants ---------------------------------------------------------------


def test_events_verbal_trigger_actor_target_date(nlp: Language) -> None:
    events = _events(nlp, "Rebel fighters attacked a police station on Thursday.")
    attack = _one(events, "attacked")
    assert attack["type"] == "ASSAULT"
    assert attack["actor"] == "Rebel fighters"
    assert attack["target"] == "police station"
    assert (attack["date"], attack["date_precision"]) == ("2022-02-24", "day")
    assert attack["asserted"] is True


def test_events_passive_by_agent_and_mode(nlp: Language) -> None:
    events = _events(nlp, "The bridge was shelled by government artillery.")
    shelling = _one(events, "shelled")
    assert (shelling["type"], shelling["mode"]) == ("ASSAULT", "heavy-weapons")
    assert shelling["actor"] == "government artillery"
    assert shelling["target"] == "bridge"


def test_events_coordinated_actors(nlp: Language) -> None:
    events = _events(nlp, "Canada and Japan imposed sanctions on the regime.")
    sanction = _one(events, "sanctions")
    assert sanction["type"] == "SANCTION"
    assert set(sanction["actor"].split("; ")) == {"Canada", "Japan"}
    assert sanction["target"] == "regime"  # the target of the sanctions, not "sanctions"


def test_events_noun_object_of_verb_trigger_is_one_event(nlp: Language) -> None:
    events = _events(nlp, "The opposition leader called for sanctions against the junta.")
    assert [e["type"] for e in events] == ["DEMAND"]


def test_events_nominal_trigger_with_light_verb_and_possessive(nlp: Language) -> None:
    launched = _events(nlp, "The insurgents launched an attack on the airport.")
    attack = _one(launched, "attack")
    assert (attack["actor"], attack["target"]) == ("insurgents", "airport")
    offensive = _one(_events(nlp, "Berlin's offensive stalled in the snow."), "offensive")
    assert offensive["type"] == "ASSAULT"
    assert offensive["actor"] == "Berlin"


def test_events_no_event_without_trigger_or_with_object_for_intransitive(nlp: Language) -> None:
    assert _events(nlp, "The committee published its annual report.") == []
    assert _events(nlp, "The volunteers demonstrated great courage.") == []
    assert _one(_events(nlp, "Students demonstrated in Vienna."), "demonstrated")["type"] == (
        "PROTEST"
    )


# --- place ----------------------------------------------------------------------------------


def test_events_place_attached_by_preposition(nlp: Language) -> None:
    events = _events(nlp, "Police arrested twelve students in Minsk.")
    arrest = _one(events, "arrested")
    assert (arrest["type"], arrest["mode"]) == ("COERCE", "arrest")
    assert arrest["place_texts"] == ["Minsk"]


def test_events_place_not_any_place_in_sentence(nlp: Language) -> None:
    events = _events(nlp, "Soldiers from Poland shelled a depot.")
    assert _one(events, "shelled")["place_texts"] == []


def test_events_place_prefers_the_smaller_of_nested_places(nlp: Language) -> None:
    events = _events(nlp, "Gunmen shot a judge in Lviv, Ukraine.")
    assert _one(events, "shot")["place_texts"] == ["Lviv"]


def test_events_place_from_opening_phrase_or_when_clause(nlp: Language) -> None:
    opening = _events(nlp, "In Mosul, gunmen shot two guards. Later, police arrested a man.")
    assert _one(opening, "shot")["place_texts"] == ["Mosul"]
    assert _one(opening, "arrested")["place_texts"] == []  # another sentence
    when = _events(nlp, "Four soldiers were killed when rebels attacked a checkpoint in Goma.")
    assert _one(when, "killed")["place_texts"] == ["Goma"]


# --- claim, stance, modality ----------------------------------------------------------------


def test_events_claimed_by_enclosing_statement_speaker(nlp: Language) -> None:
    events = _events(nlp, "The navy said its ships had destroyed two patrol boats near Odesa.")
    destroyed = _one(events, "destroyed")
    assert destroyed["claimed_by"] is not None and "navy" in destroyed["claimed_by"].lower()
    assert destroyed["place_texts"] == ["Odesa"]


def test_events_in_an_indirect_question_are_claimed_by_no_one(nlp: Language) -> None:
    events = _events(nlp, "A reporter asked whether the navy had shelled the harbour.")
    assert _one(events, "shelled")["claimed_by"] is None


def test_events_receiving_casualties_is_no_meeting(nlp: Language) -> None:
    wounded = _events(nlp, "The clinic received 40 injured soldiers overnight.")
    assert all(e["type"] != "CONSULT" for e in wounded)
    visit = _events(nlp, "The president received the delegation in the capital.")
    assert _one(visit, "received")["type"] == "CONSULT"


def test_events_noun_trigger_with_no_is_negated(nlp: Language) -> None:
    events = _events(nlp, "There was no attack on the convoy, the garrison said.")
    attack = _one(events, "attack")
    assert (attack["modality"], attack["asserted"]) == ("negated", False)


def test_events_denied_event_is_not_asserted(nlp: Language) -> None:
    events = _events(nlp, "The minister denied there had been any air strikes on hospitals.")
    strike = _one(events, "strikes")
    assert (strike["type"], strike["mode"]) == ("ASSAULT", "aerial")
    assert strike["stance"] == "deny"
    assert strike["asserted"] is False


def test_events_future_and_conditional_are_announced_not_asserted(nlp: Language) -> None:
    meet = _one(_events(nlp, "The two presidents will meet in Geneva."), "meet")
    assert (meet["type"], meet["stance"], meet["asserted"]) == ("CONSULT", "announce", False)
    assert meet["place_texts"] == ["Geneva"]
    talk = _one(_events(nlp, "The government is ready to talk if the rebels disarm."), "talk")
    assert (talk["stance"], talk["asserted"]) == ("announce", False)


def test_events_negated_event_is_denied(nlp: Language) -> None:
    events = _events(nlp, "The alliance said it would not send troops.")
    send = _one(events, "send")
    assert send["stance"] == "deny"
    assert send["asserted"] is False


def test_events_date_falls_back_to_publication_or_none(nlp: Language) -> None:
    assert _one(_events(nlp, "Troops seized the port."), "seized")["date"] == PUBLISHED
    unpublished = _one(_events(nlp, "Troops seized the port.", published=None), "seized")
    assert unpublished["date"] is None


def test_event_date_falls_back_to_the_update_marker_date() -> None:
    register_extensions()
    doc = spacy.blank("en")("UPDATE 24 February : Militias shelled the port .")
    marker, time = Span(doc, 0, 4, label="update_marker"), Span(doc, 1, 3, label="DATE")
    paragraph = Span(doc, 4, 9, label="paragraph")
    marker._.sitroom_update = paragraph._.sitroom_update = 1
    time._.sitroom_time_value, time._.sitroom_time_precision = "2022-02-24", "day"
    doc.spans[SEGMENTS_KEY], doc.spans[TIMES_KEY] = [marker, paragraph], [time]
    doc._.sitroom_published = PUBLISHED
    sentence, trigger = doc[4:9], doc[6]
    assert event_date(doc, sentence, trigger, update_dates(doc)) == ("2022-02-24", "day")
    assert event_date(doc, sentence, trigger) == (PUBLISHED, "day")


def test_events_repeated_paragraph_is_one_event_with_two_mentions(nlp: Language) -> None:
    paragraph = "Militants kidnapped three engineers in Mosul on Tuesday."
    text = f"{paragraph}\n\nEarlier updates\n\n{paragraph}\n"
    result = Pipeline(nlp).analyse(
        model.Document(text=text, published=PUBLISHED, origin="test", title="t", source="t")
    )
    kidnap = [e for e in result.events if e.mentions[0].text == "kidnapped"]
    assert len(kidnap) == 1
    assert (kidnap[0].type, kidnap[0].mode) == (model.EventType.ASSAULT, "abduct")
    assert len(kidnap[0].mentions) == 2
    assert kidnap[0].date == "2022-02-22"
    place = next(p for p in result.places if p.id == kidnap[0].place)
    assert place.name == "Mosul"
    assert (kidnap[0].lat, kidnap[0].lon) == (place.lat, place.lon) != (None, None)


# --- the seed article (general rules only: no name appears in src/) --------------------------


@pytest.fixture(scope="module")
def seed_events(nlp: Language) -> list[model.Event]:
    if not SEED.exists():
        _missing(SEED)
    document = model.Document(
        text=SEED.read_text(encoding="utf-8"), published=PUBLISHED, origin="seed", source="seed"
    )
    return Pipeline(nlp).analyse(document).events


def _seed(events: list[model.Event], trigger: str, words: str) -> model.Event:
    found = [e for e in events if e.mentions[0].text == trigger and words in e.text]
    assert found, [(e.mentions[0].text, e.text[:60]) for e in events]
    return found[0]


def test_events_seed_invasion_airfield_and_fighting(seed_events: list[model.Event]) -> None:
    invade = _seed(seed_events, "invade", "ordered Russian troops")
    assert (invade.type, invade.date, invade.place is not None) == ("ASSAULT", "2022-02-24", True)
    invasion = _seed(seed_events, "invasion", "full-scale")
    assert (invasion.type, invasion.date) == ("ASSAULT", "2022-02-24")
    airfield = _seed(seed_events, "attacked", "airfield")
    assert (airfield.type, airfield.date, airfield.target) == ("ASSAULT", "2022-02-24", "airfield")
    assert airfield.place is not None
    fighting = _seed(seed_events, "fighting", "north of the capital")
    assert fighting.type == "ASSAULT" and fighting.place is not None
    assert fighting.claimed_by is not None and "army" in fighting.claimed_by.lower()


def test_events_seed_seizure_missiles_sanctions_targets(seed_events: list[model.Event]) -> None:
    seized = _seed(seed_events, "seized", "nuclear power plant")
    assert (seized.type, seized.mode, seized.date) == ("COERCE", "seize", "2022-02-24")
    assert seized.place is not None and seized.claimed_by == "Ukraine"
    missiles = _seed(seed_events, "raining", "missiles")
    assert missiles.type == "ASSAULT" and missiles.place is not None
    sanctions = _seed(seed_events, "sanctions", "Russian elites")
    assert sanctions.type == "SANCTION" and sanctions.actor == "United States"
    targets = _seed(seed_events, "destroyed", "70")
    assert (targets.type, targets.claimed_by, targets.date) == ("ASSAULT", "Russia", "2022-02-24")


def test_events_seed_places_lie_in_the_event_sentence(nlp: Language) -> None:
    if not SEED.exists():
        _missing(SEED)
    text = SEED.read_text(encoding="utf-8")
    result = Pipeline(nlp).analyse(
        model.Document(text=text, published=PUBLISHED, origin="seed", source="seed")
    )
    places = {place.id: place for place in result.places}
    placed = [event for event in result.events if event.place is not None]
    assert len(placed) >= 8
    for event in placed:
        start = text.index(event.text)
        end = start + len(event.text)
        mentions = places[event.place].mentions
        assert any(start <= m.start and m.end <= end for m in mentions), event


def test_events_seed_denial_and_offer_are_not_facts(seed_events: list[model.Event]) -> None:
    strikes = _seed(seed_events, "strikes", "denied")
    assert strikes.stance == "deny"
    talk = _seed(seed_events, "talk", "ready to talk")
    assert talk.stance == "announce"
