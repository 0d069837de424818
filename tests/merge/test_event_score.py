"""The same-event rules, one by one, on invented sentences; and the error analysis of a story."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import pytest

from sitroom.evaluate.merge import PairCounts, _story_labels, event_errors, read_stories
from sitroom.merge import _similar as sim
from sitroom.merge._event_score import (
    EVENT_MATCH,
    EventFeatures,
    clause_of,
    explain,
    kind,
    score,
)


def event(sentence: str, trigger: str, **changes: object) -> EventFeatures:
    """An event said in ``sentence``: its context is the sentence itself (short sentences)."""
    values: dict[str, object] = dict(
        document_id="d1",
        event_id="v1",
        type="ASSAULT",
        day="2025-04-02",
        cell="",
        lat=None,
        lon=None,
        country=None,
        trigger=trigger,
        actor=None,
        target=None,
        text=sentence,
        context=sentence,
        mentions=1,
    )
    return EventFeatures(**(values | changes))  # type: ignore[arg-type]


def other(sentence: str, trigger: str, **changes: object) -> EventFeatures:
    return event(sentence, trigger, **({"document_id": "d2"} | changes))


def test_event_score_roots_fold_inflections_and_synonyms() -> None:
    assert sim.stem("agreed") == sim.stem("agree") == sim.stem("deal")
    assert sim.stem("kidnapped") == sim.stem("abducted") == sim.stem("seizure")
    assert sim.stem("shelled") == sim.stem("shelling") == sim.stem("pounded")
    assert sim.stem("casualties") == sim.stem("casualty")
    assert sim.stem("met") == sim.stem("talks")
    assert sim.stem("press") == "press"  # a final "ss" is no plural
    assert sim.stem("freed") != sim.stem("detained")


def test_event_score_trigger_synonyms_and_different_classes() -> None:
    first = event("Rebel gunners pounded the ridge above Tolmo on Friday.", "pounded")
    second = other("Rebel gunners shelled the ridge above Tolmo on Friday.", "shelled")
    assert explain(first, second).trigger == 1.0
    freed = other("Rebel gunners freed the hostages above Tolmo on Friday.", "freed")
    assert explain(first, freed).trigger == -1.0


def test_event_score_paraphrase_across_outlets_is_one_event() -> None:
    wire = event(
        "Militants kidnapped 14 road workers near the quarry at Veshno on Monday.",
        "kidnapped",
        actor="Militants",
        target="road workers",
    )
    paper = other(
        "Fourteen road workers were abducted by gunmen near the Veshno quarry on Monday.",
        "abducted",
        target="road workers",
    )
    assert score(wire, paper) >= EVENT_MATCH


def test_event_score_clause_stops_at_commas() -> None:
    sentence = "A day after drones set fire to the mill in Orsk, a missile hit the grain silo"
    assert clause_of(event(sentence, "hit")) == "a missile hit the grain silo"
    assert clause_of(event(sentence, "set")) == "A day after drones set fire to the mill in Orsk,"


def test_event_score_repeat_marker_must_qualify_the_trigger() -> None:
    first = event("Police arrested the union leader Ivo Marn at dawn.", "arrested")
    later = other(
        "Crowds rallied for a second day over the arrest of union leader Ivo Marn.", "arrest"
    )
    assert explain(first, later).ruled_out is None  # "second" qualifies the day, not the arrest
    again = other("Police arrested the union leader Ivo Marn again at dawn.", "arrested")
    another = other("Police made another arrest of union leader Ivo Marn at dawn.", "arrest")
    assert explain(first, again).ruled_out == "repeat"
    assert explain(first, another).ruled_out == "repeat"


def test_event_score_repeat_after_the_trigger() -> None:
    first = event("Missiles struck the water works in Tarn on Monday.", "struck")
    second = other("The water works in Tarn were struck for the second time on Tuesday.", "struck")
    assert explain(first, second).ruled_out == "repeat"
    day = other("The water works in Tarn were struck on Monday, a second day of raids.", "struck")
    assert explain(first, day).ruled_out is None  # "a second day" is past the clause's end


def test_event_score_counts_far_apart_rule_out() -> None:
    first = event("Police arrested 12 students outside the ministry in Dunvale.", "arrested")
    other_day = other("Police arrested 30 students outside the ministry in Dunvale.", "arrested")
    assert explain(first, other_day).ruled_out == "numbers"
    revised = event("Shelling killed three farmers near Ost on Monday.", "killed")
    toll = other("Shelling killed four farmers near Ost on Monday, the toll rose.", "killed")
    assert explain(revised, toll).ruled_out is None  # a revised toll: within a factor of 2
    spans = other("Police arrested twelve students outside the ministry after 30 days.", "arrested")
    assert explain(first, spans).ruled_out is None  # "twelve" = 12; "30 days" is no count
    assert sim.counts("1,200 people fled in 2024; one of them was hurt") == {1200.0}


def test_event_score_attribution_is_not_wording() -> None:
    assert not sim.stems("a police spokesman said, according to an official statement") - {
        sim.stem("police")
    }


def test_event_score_description_matches_the_named_place() -> None:
    named = event("Artillery shells hit the village of Pellam on Sunday.", "hit", target="Pellam")
    described = other(
        "Hundreds were displaced by the shelling of a village on Sunday.",
        "shelling",
        target="village",
    )
    assert explain(named, described).arguments == 1.0
    oil = event("Drones hit the oil terminal on Sunday.", "hit")
    grain = other("Drones hit the port on Sunday.", "hit", target="grain terminal")
    assert explain(oil, grain).arguments == 0.5  # "grain terminal" is not said: unknown


def test_event_score_name_said_elsewhere_is_not_a_disagreement() -> None:
    arrest = event(
        "Security forces arrested Ana Velt at her home in Dorr on Saturday.",
        "arrested",
        actor="Security forces",
        target="Ana Velt",
    )
    detention = other(
        "Police broke up a rally at the Iron Gate hours after Velt's detention.",
        "detention",
        actor="Velt",
        target="Iron Gate",
    )
    assert explain(arrest, detention).arguments == 0.5  # neither role known to differ
    assert explain(arrest, detention).ruled_out is None


def test_event_score_actor_and_target_both_disagreeing_rule_out() -> None:
    depot = event("Drones struck the fuel depot at Hallin overnight.", "struck")
    school = other("Gunmen struck the school at Hallin overnight.", "struck")
    roles = {"actor": "Drones", "target": "fuel depot"}
    others = {"actor": "Gunmen", "target": "school"}
    found = explain(event(depot.text, "struck", **roles), other(school.text, "struck", **others))
    assert found.ruled_out == "actor and target disagree"
    assert explain(depot, school).ruled_out is None  # unknown roles decide nothing


def test_event_score_swapped_roles_rule_out() -> None:
    blamed = event(
        "The army blamed the Lowland Front for the attack on the bridge.",
        "blamed",
        type="DISAPPROVE",
        actor="army",
        target="Lowland Front",
    )
    accused = other(
        "The Lowland Front accused the army of the attack on the bridge.",
        "accused",
        type="DISAPPROVE",
        actor="Lowland Front",
        target="army",
    )
    assert explain(blamed, accused).ruled_out == "actor and target swapped"


def test_event_score_kind_of_an_unknown_trigger_comes_from_its_clause() -> None:
    operation = other(
        "Nine hostages taken in Marsk have been freed in a military operation, the army said.",
        "operation",
    )
    assert kind(operation) == kind(event("They were freed.", "freed"))
    taken = event(
        "Nine hostages were kidnapped in Marsk in a military operation by the rebels.",
        "kidnapped",
    )
    assert explain(taken, operation).ruled_out == "opposite kinds"  # abduction / release


def test_event_score_opposite_kinds_rule_out() -> None:
    protest = event("Thousands protested in Kell square on Friday.", "protested", type="COERCE")
    arrests = other(
        "Police detained 40 people in Kell square on Friday.", "detained", type="COERCE"
    )
    assert explain(protest, arrests).ruled_out == "opposite kinds"


def test_event_score_different_weapons_rule_out() -> None:
    drone = event("A drone raid hit the power station in Arn on Tuesday night.", "raid")
    missile = other("A missile hit the power station in Arn on Tuesday night.", "hit")
    assert explain(drone, missile).ruled_out == "weapons"
    shells = other("Artillery shells hit the power station in Arn on Tuesday night.", "hit")
    mortars = event("Mortar fire struck the power station in Arn on Tuesday night.", "struck")
    assert explain(shells, mortars).ruled_out is None  # both artillery


def test_event_score_places_village_within_district() -> None:
    sentence = "Shelling hit the farms of Ulm on Sunday."
    village = event(sentence, "Shelling", lat=48.1, lon=30.2, country="UA")
    district = other(sentence, "Shelling", country="UA")  # a district: no point, a country
    assert explain(village, district).ruled_out is None
    far = other(sentence, "Shelling", lat=50.9, lon=30.2, country="UA")  # ~310 km north
    abroad = other(sentence, "Shelling", country="MD")
    assert explain(village, far).ruled_out == "places apart"
    assert explain(village, abroad).ruled_out == "places apart"


def test_event_score_one_sentence_two_kinds_stay_apart() -> None:
    sentence = "Explosions and gunfire were heard near the depot at Sarev overnight."
    blast = event(sentence, "Explosions")
    gunfire = event(sentence, "gunfire", event_id="v2")
    assert score(blast, gunfire) == 0.0


def test_event_score_dead_of_an_attack_are_the_attack() -> None:
    sentence = "A rocket strike on a cinema in Bory killed four people on Friday."
    strike = event(sentence, "strike")
    killed = event(sentence, "killed", event_id="v2")
    assert explain(strike, killed).trigger == 0.0  # related kinds: neither alike nor opposed
    assert score(strike, killed) >= EVENT_MATCH  # one clause: the strike and its dead
    later = other("Two of its ushers were killed in the strike, the union said.", "killed")
    assert explain(strike, later).ruled_out is None
    two = "A rocket hit a cinema in Bory, and gunmen killed a guard in the harbour."
    assert score(event(two, "hit"), event(two, "killed", event_id="v2")) == 0.0  # two clauses


def test_event_score_back_reference_needs_little_wording() -> None:
    first = event(
        "A drone strike destroyed the bus depot in Kasso on Monday, the mayor said.",
        "strike",
        day="2025-04-07",
    )
    reference = other("Insurers began counting the cost of the strike.", "strike", day="2025-04-07")
    found = explain(first, reference)
    assert found.ruled_out is None and found.score >= EVENT_MATCH
    bare = other("Insurers began counting the cost of a strike.", "strike", day="2025-04-07")
    assert explain(first, bare).ruled_out == "wording"  # not a back reference
    later = other(reference.text, "strike", day="2025-04-09")
    assert explain(first, later).ruled_out == "wording"  # another day: maybe another strike
    dated = other("Insurers began counting the cost of Sunday's strike.", "strike")
    assert explain(event(first.text, "strike"), dated).ruled_out is None  # same day


def _rows(name: str) -> list[list[str]]:
    header, *rows = files("sitroom.data").joinpath(name).read_text("utf-8").splitlines()
    assert header.count("\t") == 1
    return [row.split("\t") for row in rows]


PAIR_FILES = (sim.OPPOSITES_FILE, sim.RELATED_FILE)


@pytest.mark.parametrize("name", [sim.NOUNS_FILE, sim.WEAPONS_FILE, *PAIR_FILES])
def test_event_score_data_files_parse(name: str) -> None:
    rows = _rows(name)
    assert all(len(row) == 2 and all(row) for row in rows)
    assert rows == sorted(rows) and len({tuple(r) for r in rows}) == len(rows)
    if name not in PAIR_FILES:
        words = [word for word, _ in rows]
        assert len(set(words)) == len(words)


def test_event_score_noun_classes_are_named_by_their_words() -> None:
    rows = _rows(sim.NOUNS_FILE)
    assert {group for _, group in rows} <= {word for word, _ in rows}
    assert not {word for word, _ in rows} & {word for word, _ in _rows(sim.SYNONYMS_FILE)}


@pytest.mark.parametrize("name", PAIR_FILES)
def test_event_score_class_pairs_are_event_classes(name: str) -> None:
    events = {group for _, group in _rows(sim.SYNONYMS_FILE)}
    pairs = [frozenset(row) for row in _rows(name)]
    for first, second in _rows(name):
        assert first < second and {first, second} <= events
    assert not set(pairs) & {frozenset(r) for r in _rows(({*PAIR_FILES} - {name}).pop())}


def test_event_score_error_analysis_lists_every_wrong_pair(pipeline, tmp_path: Path) -> None:
    story = {
        "id": "harbour",
        "split": "dev",
        "articles": [
            {
                "id": "a1",
                "source": "Wire",
                "published": "2025-06-03T09:00:00",
                "text": "Gunmen kidnapped six fishermen at the harbour of Pello on Monday."
                "\n\nPolice arrested two dock guards on Monday evening.",
            },
            {
                "id": "a2",
                "source": "Paper",
                "published": "2025-06-03T18:00:00",
                "text": "Six fishermen were abducted by armed men in Pello harbour on Monday."
                "\n\nThe navy freed the six fishermen in a raid on Tuesday.",
            },
        ],
        "events": [
            {
                "id": "kidnap",
                "mentions": [
                    ["a1", "Gunmen kidnapped six", "kidnapped"],
                    ["a2", "were abducted by armed men", "abducted"],
                ],
            },
            {"id": "arrest", "mentions": [["a1", "Police arrested two", "arrested"]]},
            {"id": "rescue", "mentions": [["a2", "The navy freed the six", "freed"]]},
        ],
    }
    (tmp_path / "harbour.json").write_text(json.dumps(story), encoding="utf-8")
    stories = read_stories(tmp_path, split="dev")
    errors = event_errors(stories, pipeline)
    counts = PairCounts()
    counts.add(*_story_labels(stories[0], pipeline))
    kinds = [e["error"] for e in errors]
    assert kinds.count("false merge") == counts.false_positive
    assert kinds.count("missed") == counts.false_negative
    assert kinds.count("not extracted") == 4 - len(_story_labels(stories[0], pipeline)[0])
    texts = " ".join(article["text"] for article in story["articles"])
    for error in errors:
        if error["error"] == "not extracted":
            assert error["mentions"][0]["passage"] in texts
            continue
        assert set(error) >= {"score", "wording", "trigger", "arguments", "ruled_out"}
        assert (error["gold"][0] == error["gold"][1]) == (error["error"] == "missed")
        assert all(m["trigger"] and m["text"] for m in error["mentions"])
