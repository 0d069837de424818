"""Resolution rules on a small invented gazetteer: prominence, capitals, acronyms, names
inside longer names."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitroom.geo import Gazetteer, build_gazetteer
from sitroom.geo._sources import PlaceRecord
from sitroom.geo.resolve import Mention, prominence, resolve_all

# an airbase known by its town's name too
AIRBASE = PlaceRecord(
    "Tallow Creek Airport",
    40.32,
    -90.25,
    "XB",
    "airport",
    geonameid=21,
    admin1="07",
    names={"Tallow Creek"},
    aliases_are_main=True,
)
# Invented places: a world capital and a village of the same name across the ocean, the
# village's neighbours, a state that holds a university's name, and a look-alike town.
RECORDS = [
    PlaceRecord("Ostavia", 10.0, 20.0, "XA", "country", 40_000_000, 1),
    PlaceRecord("Merrow", 10.0, 20.0, "XA", "city", 8_000_000, 2, "01", capital=True),
    PlaceRecord("Neldor", 40.0, -90.0, "XB", "country", 300_000_000, 3),
    PlaceRecord("Merrow", 40.0, -90.0, "XB", "village", 3_000, 4, "07"),
    PlaceRecord("Tallow Creek", 40.3, -90.2, "XB", "town", 20_000, 5, "07"),
    PlaceRecord("Fenbury", 39.8, -89.7, "XB", "town", 15_000, 6, "07"),
    PlaceRecord("Garrick City", 30.0, -110.0, "XB", "city", 900_000, 7, "09"),
    PlaceRecord("Velmora", 45.0, -100.0, "XB", "admin1", 5_000_000, 8, "11"),
    PlaceRecord("Bretta", 50.0, 4.0, "XC", "town", 80_000, 9, "02"),
    PlaceRecord("Republic", 41.0, -95.0, "XB", "village", 6_000, 10, "12"),
    PlaceRecord("Sandor", 12.0, 22.0, "XA", "town", 50_000, 11, "01"),
    PlaceRecord("Dunmore", 35.0, -80.0, "XB", "admin1", 9_000_000, 12, "14"),
    PlaceRecord("Dunmore", 31.0, -85.0, "XB", "city", 2_000_000, 13, "15"),
    PlaceRecord("Hadley", 35.5, -80.5, "XB", "town", 30_000, 14, "14"),
    # a village named after a state of its own country, beside Tallow Creek
    PlaceRecord("Velmora", 40.1, -90.1, "XB", "village", 2_000, 15, "07"),
    # a name pair with a big reading each far apart and smaller readings side by side
    PlaceRecord("Carden", 30.5, -110.5, "XB", "city", 150_000, 16, "09"),
    PlaceRecord("Carden", 35.0, -95.0, "XB", "town", 40_000, 17, "20"),
    PlaceRecord("Oakhill County", 35.1, -95.1, "XB", "admin2", 50_000, 18, "20"),
    PlaceRecord("Oakhill County", 44.0, -70.0, "XB", "admin2", 52_000, 19, "21"),
    # a county also indexed under its short name
    PlaceRecord("Pell County", 36.0, -96.0, "XB", "admin2", 30_000, 20, "20", names={"Pell"}),
    # an airbase known by its town's name, and a town near both
    AIRBASE,
    PlaceRecord("Corby", 40.4, -90.3, "XB", "town", 10_000, 22, "07"),
    # a suburb also known by its first word, whose namesake elsewhere is a bigger town
    PlaceRecord("Brannock Springs", 20.0, 60.0, "XD", "village", 3_000, 23, "03", {"Brannock"}),
    PlaceRecord("Brannock", 25.0, 65.0, "XD", "town", 40_000, 24, "04"),
    # a country, and its capital named after it
    PlaceRecord("Quessa", -20.0, 30.0, "XE", "country", 20_000_000, 25),
    PlaceRecord(
        "Quessa City", -21.0, 31.0, "XE", "city", 3_000_000, 26, "01", {"Quessa"}, capital=True
    ),
    # a province whose namesake city holds a small share of its people
    PlaceRecord("Lorvane", -30.0, -60.0, "XF", "admin1", 8_000_000, 27, "05"),
    PlaceRecord("Lorvane", -31.0, -61.0, "XF", "city", 500_000, 28, "05"),
    # a big city known by the first word of its name, and a village of that name, in Galdor
    PlaceRecord("Galdor", 55.0, -5.0, "XG", "country", 60_000_000, 29),
    PlaceRecord("Harwick upon Lee", 55.0, -1.6, "XG", "city", 300_000, 30, "01", {"Harwick"}),
    PlaceRecord("Harwick", 54.2, -5.9, "XG", "village", 5_000, 31, "02"),
    PlaceRecord("Harwick", 10.0, 10.0, "XH", "town", 600_000, 32, "01"),
]


@pytest.fixture(scope="module")
def gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    path: Path = tmp_path_factory.mktemp("resolve") / "g.sqlite"
    build_gazetteer(path, records=RECORDS)
    return Gazetteer(path, build=False)


def _best(gazetteer: Gazetteer, *names: str, target: str | None = None) -> int | None:
    mentions = [Mention(n) for n in names]
    resolutions = resolve_all(gazetteer, mentions)
    index = names.index(target or names[0])
    best = resolutions[index].best
    return None if best is None else best.geonameid


def test_resolve_world_city_keeps_its_reading_in_a_report_about_another_country(
    gazetteer: Gazetteer,
) -> None:
    # a report that names Neldor and one of its big cities: country evidence only
    assert _best(gazetteer, "Merrow", "Neldor", "Garrick City") == 2


def test_resolve_nearby_cluster_in_one_state_moves_the_name_to_the_village(
    gazetteer: Gazetteer,
) -> None:
    assert _best(gazetteer, "Merrow", "Tallow Creek", "Fenbury") == 4


def test_resolve_qualifier_moves_the_name_to_the_village(gazetteer: Gazetteer) -> None:
    # "Merrow, Neldor": the qualifier is a place name of the document too
    mentions = [Mention("Merrow", qualifier="Neldor"), Mention("Neldor")]
    assert resolve_all(gazetteer, mentions)[0].best.geonameid == 4  # type: ignore[union-attr]


def test_resolve_qualifier_is_the_state_that_holds_the_place(gazetteer: Gazetteer) -> None:
    # "Hadley, Dunmore": the state, not the big city of that name
    mentions = [Mention("Hadley", qualifier="Dunmore"), Mention("Dunmore")]
    assert [r.best.geonameid for r in resolve_all(gazetteer, mentions)] == [14, 12]  # type: ignore[union-attr]
    assert _best(gazetteer, "Dunmore") == 13


def test_resolve_capital_is_more_prominent_than_its_population() -> None:
    city = PlaceRecord("Merrow", 0, 0, "XA", "city", 1_000_000, 2)
    plain = _candidate(city, capital=False)
    capital = _candidate(city, capital=True)
    assert prominence(capital) > prominence(plain)


def test_resolve_acronym_is_no_romanisation(gazetteer: Gazetteer) -> None:
    assert _best(gazetteer, "BRETA") is None
    assert _best(gazetteer, "Breta") == 9  # the same letters as a name: a spelling variant


@pytest.mark.parametrize(
    "name",
    ["University of Velmora", "Velmora State University", "Velmora Chamber of Commerce"],
)
def test_resolve_organisation_name_resolves_to_the_place_it_holds(
    gazetteer: Gazetteer, name: str
) -> None:
    assert _best(gazetteer, name) == 8


def test_resolve_feature_of_a_place_is_not_inside_it(gazetteer: Gazetteer) -> None:
    assert _best(gazetteer, "Velmora Delta") is None


def test_resolve_small_place_inside_a_name_needs_support(gazetteer: Gazetteer) -> None:
    # "Grand Republic" in a report about Ostavia is no village in Neldor
    assert _best(gazetteer, "Grand Republic", "Ostavia", "Sandor") is None
    assert _best(gazetteer, "Grand Republic", "Neldor", "Velmora") == 10


def test_resolve_state_evidence_does_not_move_a_state_name_to_a_small_namesake(
    gazetteer: Gazetteer,
) -> None:
    # "Velmora" beside a town of state 07 is still the state, not 07's village of that name
    assert _best(gazetteer, "Velmora", "Tallow Creek") == 8


def test_resolve_two_names_with_readings_side_by_side_take_them(gazetteer: Gazetteer) -> None:
    # alone, Carden is the bigger city; beside Oakhill County it is the town in that county
    assert _best(gazetteer, "Carden") == 16
    mentions = [Mention("Carden"), Mention("Oakhill County")]
    assert [r.best.geonameid for r in resolve_all(gazetteer, mentions)] == [17, 18]  # type: ignore[union-attr]


def test_resolve_pairs_only_readings_of_the_hinted_kind(gazetteer: Gazetteer) -> None:
    # "the Tallow Creek airbase" near Corby stays the airbase, not the town beside Corby
    mentions = [Mention("Tallow Creek", hint="airbase"), Mention("Corby")]
    assert resolve_all(gazetteer, mentions)[0].best.geonameid == 21  # type: ignore[union-attr]
    assert _best(gazetteer, "Tallow Creek", "Corby") == 5


def test_resolve_township_is_looked_up_by_its_name(gazetteer: Gazetteer) -> None:
    from sitroom.geo.candidates import candidates_for

    cands, table, hint = candidates_for(gazetteer, Mention("Fenbury Township"))
    assert (table, hint) == ("name", "township")
    assert [c.geonameid for c in cands] == [6]


def test_resolve_county_hint_makes_the_short_name_a_main_name(gazetteer: Gazetteer) -> None:
    # "Pell and Oakhill counties": "Pell" is then Pell County's own name, not an alias
    from sitroom.geo.candidates import candidates_for

    plain, _, _ = candidates_for(gazetteer, Mention("Pell"))
    hinted, _, _ = candidates_for(gazetteer, Mention("Pell", hint="county"))
    assert [(c.geonameid, c.main) for c in plain] == [(20, False)]
    assert [(c.geonameid, c.main) for c in hinted] == [(20, True)]


def test_resolve_short_form_takes_the_place_named_in_full(gazetteer: Gazetteer) -> None:
    # alone, Brannock is the bigger town; after "Brannock Springs" it is that suburb
    assert _best(gazetteer, "Brannock") == 24
    assert _best(gazetteer, "Brannock Springs", "Brannock", target="Brannock") == 23


def test_resolve_short_form_of_a_country_stays_the_country(gazetteer: Gazetteer) -> None:
    # "Quessa" beside "Quessa City" is still the country: a country's own name is no short
    # form of its capital's
    from sitroom.geo.candidates import candidates_for
    from sitroom.geo.coherence import longer_names

    names = ["Quessa City", "Quessa", "Brannock Springs", "Brannock"]
    found = [candidates_for(gazetteer, Mention(n)) for n in names]
    assert longer_names(names, found) == [[], [], [], [2]]
    assert _best(gazetteer, "Quessa City", "Quessa", target="Quessa") == 25


def test_resolve_city_with_a_small_share_of_its_state_gives_way_to_it(
    gazetteer: Gazetteer,
) -> None:
    # Dunmore the city (another state) wins over Dunmore the state; Lorvane the city, in
    # Lorvane and with a sixteenth of its people, does not
    assert _best(gazetteer, "Dunmore") == 13
    assert _best(gazetteer, "Lorvane") == 27


def test_resolve_alias_of_a_far_bigger_city_takes_the_country_evidence(
    gazetteer: Gazetteer,
) -> None:
    # in a report about Galdor, "Harwick" is Galdor's city known by that short name, not
    # Galdor's village of that name (nor the big Harwick abroad)
    assert _best(gazetteer, "Harwick") == 32
    assert _best(gazetteer, "Harwick", "Galdor") == 30


def test_resolve_river_missing_from_the_gazetteer_lies_near_its_namesake(
    gazetteer: Gazetteer,
) -> None:
    # no river Fenbury is indexed: beside Tallow Creek, "the Fenbury River" is placed near
    # the town of Fenbury; alone, it stays unresolved
    alone = resolve_all(gazetteer, [Mention("Fenbury River")])[0]
    assert alone.best is None
    river, _ = resolve_all(gazetteer, [Mention("Fenbury River"), Mention("Tallow Creek")])
    assert river.near and river.best is not None and river.best.geonameid == 6


def _candidate(record: PlaceRecord, *, capital: bool):  # type: ignore[no-untyped-def]
    from sitroom.geo import Candidate

    return Candidate(
        1, record.geonameid, record.name, record.lat, record.lon, record.country,
        record.kind, record.population, record.admin1, main=True, capital=capital,
    )  # fmt: skip


def test_kind_hint_reads_a_governor_title_as_a_state() -> None:
    import spacy

    from sitroom.geo.context import kind_hint

    doc = spacy.blank("en")("Dunmore Gov. Ann Lee said the Hadley governor agreed.")
    assert kind_hint(doc, 0, 1) == "state"
    assert kind_hint(doc, 6, 7) == "state"
    assert kind_hint(doc, 3, 4) is None


def test_kind_hint_reads_a_plural_kind_after_a_list_of_names() -> None:
    import spacy

    from sitroom.geo.context import kind_hint

    nlp = spacy.blank("en")
    doc = nlp("Crews worked in Harlow, Dendry and Pike counties on Monday.")
    assert [kind_hint(doc, i, i + 1) for i in (3, 5, 7)] == ["county"] * 3
    doc = nlp("They drove from Harlow and met friends in Pike townships.")
    assert kind_hint(doc, 3, 4) is None
    assert kind_hint(doc, 8, 9) == "township"


def test_resolve_context_scores_same_with_precomputed_scales_and_distances(
    gazetteer: Gazetteer,
) -> None:
    from sitroom.geo.candidates import candidates_for
    from sitroom.geo.coherence import context_scores, document_evidence, scales
    from sitroom.geo.resolve import prior

    names = ["Merrow", "Tallow Creek", "Fenbury", "Dunmore", "Hadley"]
    found = [candidates_for(gazetteer, Mention(n)) for n in names]
    guesses: list[int | None] = [0 for _ in found]
    near: dict[tuple[int, int], bool] = {}
    for number, (cands, table, hint) in enumerate(found):
        scores = [prior(c, table, hint) for c in cands]
        plain = context_scores(cands, hint, scores, document_evidence(found, guesses, number))
        evidence = document_evidence(found, guesses, number, near)
        evidence.scales = [scales(c, cands) for c in cands]
        assert context_scores(cands, hint, scores, evidence) == plain
        assert context_scores(cands, hint, scores, evidence) == plain  # cache filled now
    assert near  # the nearness of candidate and anchor pairs was kept
