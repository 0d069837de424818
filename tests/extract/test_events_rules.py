"""Event rules of session 4: dating by the event's own clause, MOBILIZE targets, joint
exercises, "state of X" nouns, object senses, implied demands and coordinated places."""

from __future__ import annotations

import pytest
from spacy.language import Language

from sitroom.extract._extensions import EVENTS_KEY
from sitroom.pipeline import Pipeline

PUBLISHED = "2022-02-25"  # a Friday


@pytest.fixture(scope="module")
def nlp(pipeline: Pipeline) -> Language:
    """The full Sitroom pipeline (the session's, from ``conftest.py``)."""
    return pipeline.nlp


def _events(nlp: Language, text: str, published: str | None = PUBLISHED) -> dict[str, dict]:
    doc = nlp.make_doc(text)
    doc._.sitroom_published = published
    doc = nlp(doc)
    found = {}
    for span in doc.spans[EVENTS_KEY]:
        info = dict(span._.sitroom_event)
        info["place_texts"] = [doc.text[a:b] for a, b in info["places"]]
        found[span.text] = info
    return found


# --- dates ----------------------------------------------------------------------------------


def test_events_date_ignores_a_bound_until_phrase(nlp: Language) -> None:
    found = _events(nlp, "The governor urged residents of the valley to stay indoors until Sunday.")
    assert found["urged"]["date"] == PUBLISHED


def test_events_date_prefers_the_time_of_its_own_clause(nlp: Language) -> None:
    text = (
        "Militia fighters shelled the depot on Wednesday, and officials said talks would open"
        " on Monday."
    )
    found = _events(nlp, text)
    assert found["shelled"]["date"] == "2022-02-23"
    assert found["talks"]["date"] == "2022-02-28"


def test_events_past_event_is_not_dated_after_publication(nlp: Language) -> None:
    text = "Soldiers detained the mayor, and the court set a hearing for March 9."
    assert _events(nlp, text)["detained"]["date"] == PUBLISHED


def test_events_time_on_another_events_noun_dates_only_that_event(nlp: Language) -> None:
    found = _events(nlp, "The president recalled the 1941 invasion and praised the defenders.")
    assert found["invasion"]["date"] == "1941"
    assert found["praised"]["date"] == PUBLISHED


# --- roles and types ------------------------------------------------------------------------


def test_events_mobilize_troops_moved_are_not_the_target(nlp: Language) -> None:
    found = _events(nlp, "The army deployed 4,000 soldiers to the northern plains on Tuesday.")
    assert found["deployed"]["type"] == "MOBILIZE"
    assert found["deployed"]["target"] is None


def test_events_mobilize_target_is_whom_it_is_aimed_at(nlp: Language) -> None:
    found = _events(nlp, "The government massed tanks against the separatists.")
    assert found["massed"]["type"] == "MOBILIZE"
    assert found["massed"]["target"] == "separatists"


def test_events_joint_exercise_is_cooperation(nlp: Language) -> None:
    joint = _events(nlp, "Greek and Italian frigates began naval drills in the gulf.")
    alone = _events(nlp, "The navy began drills in the gulf.")
    assert joint["drills"]["type"] == "COOPERATE"
    assert alone["drills"]["type"] == "MOBILIZE"


def test_events_state_of_emergency_is_martial_law(nlp: Language) -> None:
    found = _events(nlp, "The cabinet declared a state of emergency in three provinces.")
    assert found["emergency"]["type"] == "COERCE"
    assert found["emergency"]["mode"] == "martial-law"


def test_events_attack_on_a_policy_is_disapproval(nlp: Language) -> None:
    words = _events(nlp, "Opposition deputies attacked the budget plan.")
    force = _events(nlp, "Gunmen attacked the convoy near the bridge.")
    assert words["attacked"]["type"] == "DISAPPROVE"
    assert force["attacked"]["type"] == "ASSAULT"


def test_events_defending_a_decision_is_support_defending_a_town_no_event(
    nlp: Language,
) -> None:
    assert (
        _events(nlp, "The premier defended the decision to raise taxes.")["defended"]["type"]
        == "SUPPORT"
    )
    assert "defended" not in _events(nlp, "Volunteers defended the town for a week.")


def test_events_withdrawing_an_envoy_is_a_sanction_troops_a_retreat(nlp: Language) -> None:
    envoy = _events(nlp, "The kingdom withdrew its ambassador after the vote.")
    troops = _events(nlp, "The kingdom withdrew its troops after the vote.")
    assert (envoy["withdrew"]["type"], envoy["withdrew"]["mode"]) == ("SANCTION", "withdraw")
    assert troops["withdrew"]["type"] == "RETREAT"


def test_events_forgiving_debt_is_aid(nlp: Language) -> None:
    found = _events(nlp, "The bank has forgiven the loans of the farmers.")
    assert found["forgiven"]["type"] == "AID"
    assert _events(nlp, "The widow has forgiven the driver.")["forgiven"]["type"] == "SUPPORT"


def test_events_exchanging_prisoners_is_a_release(nlp: Language) -> None:
    found = _events(nlp, "The two armies exchanged prisoners at dawn.")
    assert (found["exchanged"]["type"], found["exchanged"]["mode"]) == ("RETREAT", "release")


def test_events_delivering_words_is_no_aid(nlp: Language) -> None:
    speech = _events(nlp, "The envoy delivered an ultimatum to the rebels.")
    goods = _events(nlp, "The agency delivered blankets to the camps.")
    assert "delivered" not in speech
    assert speech["ultimatum"]["type"] == "THREATEN"
    assert goods["delivered"]["type"] == "AID"


def test_events_blocking_a_resolution_is_a_rejection_a_road_an_obstruction(
    nlp: Language,
) -> None:
    assert _events(nlp, "Two members blocked the resolution.")["blocked"]["type"] == "REJECT"
    road = _events(nlp, "Farmers blocked the main road with tractors.")["blocked"]
    assert (road["type"], road["mode"]) == ("PROTEST", "obstruct")


def test_events_phrase_trigger_object_is_not_the_target(nlp: Language) -> None:
    seized = _events(nlp, "The rebels took control of the airport.")["took"]
    fired = _events(nlp, "Soldiers opened fire on the crowd.")["opened"]
    assert (seized["type"], seized["target"]) == ("COERCE", "airport")
    assert (fired["type"], fired["target"]) == ("ASSAULT", "crowd")


def test_events_hosting_refugees_is_aid_hosting_talks_a_meeting(nlp: Language) -> None:
    assert _events(nlp, "Jordan hosts more than a million refugees.")["hosts"]["type"] == "AID"
    assert _events(nlp, "Egypt hosted the talks in Cairo.")["hosted"]["type"] == "CONSULT"


def test_events_hacked_to_death_is_an_assault_not_a_cyber_attack(nlp: Language) -> None:
    assert _events(nlp, "A mob hacked two men to death.")["hacked"]["type"] == "ASSAULT"
    assert _events(nlp, "Agents hacked the ministry's servers.")["hacked"]["type"] == "COERCE"


def test_events_workers_striking_is_a_protest_missiles_striking_an_assault(
    nlp: Language,
) -> None:
    labour = _events(nlp, "Teachers struck for a week over unpaid wages.")["struck"]
    assert (labour["type"], labour["mode"]) == ("PROTEST", "strike")
    assert _events(nlp, "Missiles struck the depot.")["struck"]["type"] == "ASSAULT"


def test_events_object_decides_accept_grant_deploy(nlp: Language) -> None:
    invitation = _events(nlp, "The rebels accepted the invitation to talks.")["accepted"]
    autonomy = _events(nlp, "The government granted autonomy to the region.")["granted"]
    asylum = _events(nlp, "The government granted asylum to the journalist.")["granted"]
    blue = _events(nlp, "The UN deployed peacekeepers to the border.")["deployed"]
    assert (invitation["type"], autonomy["type"], asylum["type"]) == ("AGREE", "CONCEDE", "AID")
    assert blue["type"] == "AID"


def test_events_obligation_laid_on_another_party_is_a_demand(nlp: Language) -> None:
    found = _events(nlp, "The council declared that the company must repay the farmers.")
    event = found["repay"]
    assert (event["type"], event["modality"]) == ("DEMAND", "obligation")
    assert event["actor"] == "council"
    assert event["target"] == "company"


def test_events_obligation_of_the_speakers_own_side_is_no_demand(nlp: Language) -> None:
    assert _events(nlp, "The mayor said we must remember the victims.") == {}


# --- places ---------------------------------------------------------------------------------


def test_events_place_coordinated_with_an_attached_place(nlp: Language) -> None:
    found = _events(nlp, "Rebels shelled positions in Aleppo and Homs on Monday.")
    assert found["shelled"]["place_texts"] == ["Aleppo", "Homs"]


def test_events_on_a_stretch_of_land_is_where_it_happened(nlp: Language) -> None:
    found = _events(nlp, "Gunmen ambushed a convoy on the Karakul river on Monday.")
    assert found["ambushed"]["place_texts"] == ["Karakul"]
    sanctions = _events(nlp, "The union imposed sanctions on Dravia.")
    assert all(e["place_texts"] == [] for e in sanctions.values())
