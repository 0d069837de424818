"""sitroom_places: recognise place names and resolve them against the gazetteer."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from sitroom import model
from sitroom.extract._extensions import ENTITIES_KEY, PLACES_KEY, register_extensions
from sitroom.extract.places import PlaceResolver, make_places  # noqa: F401 - registers
from sitroom.geo import build_gazetteer
from sitroom.geo._sources import PlaceRecord
from sitroom.geo.resolve import haversine_km

# An invented region: two towns called Marenko far apart, a city, a river and a country.
RECORDS = [
    PlaceRecord("Veldania", 48.0, 20.0, "VD", "country", 9_000_000, 1, None, {"Veldania"}),
    PlaceRecord("Marenko", 48.2, 20.3, "VD", "town", 40_000, 2, "01", set()),
    PlaceRecord("Marenko", 10.0, -70.0, "XQ", "town", 60_000, 3, "02", set()),
    PlaceRecord("Horodok Velykyi", 48.4, 20.1, "VD", "city", 300_000, 4, "01", set()),
    PlaceRecord("Tarnitsa", 48.6, 20.6, "VD", "village", 900, 5, "01", set()),
    PlaceRecord("Silver River", 47.9, 21.0, "VD", "river", 0, 6, None, {"Silver"}),
    PlaceRecord("Georgetown", 10.1, -70.1, "XQ", "city", 200_000, 7, "02", set()),
    # a state and its big city, whose main name adds "City"; a state named by a compass word
    PlaceRecord("Ostria", 46.0, 25.0, "VD", "admin1", 9_000_000, 8, "03", set()),
    PlaceRecord("Ostria City", 45.0, 27.0, "VD", "city", 2_000_000, 9, "03", {"Ostria"}),
    PlaceRecord("Central", 47.0, 22.0, "VD", "admin1", 1_000_000, 10, "04", set()),
    PlaceRecord("Dovra County", 48.8, 21.5, "VD", "admin2", 30_000, 11, "01", {"Dovra"}),
    PlaceRecord("Dovra", 30.0, -60.0, "XQ", "town", 20_000, 12, "02", set()),
    # two neighbouring towns whose namesakes are neighbours too, the bigger one in each pair
    # in the other province: only one pair is consistent
    PlaceRecord("Pelska", 49.0, 22.0, "VD", "town", 50_000, 13, "05", set()),
    PlaceRecord("Pelska", 45.0, 28.0, "VD", "town", 40_000, 14, "06", set()),
    PlaceRecord("Rudno", 49.05, 22.05, "VD", "town", 40_000, 15, "05", set()),
    PlaceRecord("Rudno", 45.05, 28.05, "VD", "town", 50_000, 16, "06", set()),
    # a county and a town of one name (the town in state Ostria), and a county named Ostria
    PlaceRecord("Kessel County", 48.9, 21.2, "VD", "admin2", 20_000, 17, "01", {"Kessel"}),
    PlaceRecord("Kessel", 45.5, 26.0, "VD", "town", 50_000, 18, "03", set()),
    PlaceRecord("Ostria County", 44.0, 30.0, "VD", "admin2", 25_000, 19, "07", {"Ostria"}),
]


@pytest.fixture(scope="module")
def gazetteer_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gazetteer") / "g.sqlite"
    build_gazetteer(path, records=RECORDS)
    return path


@pytest.fixture
def nlp(gazetteer_path: Path) -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe(
        "sitroom_places",
        config={"gazetteer": {"@misc": "sitroom.gazetteer.v1", "path": str(gazetteer_path)}},
    )
    return nlp


def _annotated(nlp: Language, words: list[str], entities: list[tuple[int, int, str]]) -> Doc:
    """A doc whose ``sitroom_entities`` spans (and doc.ents) are the given token ranges."""
    register_extensions()
    doc = Doc(nlp.vocab, words=words)
    spans = [Span(doc, start, end, label=label) for start, end, label in entities]
    for span in spans:
        span._.sitroom_entity_name = span.text
    doc.spans[ENTITIES_KEY] = spans
    doc.ents = spans
    return nlp.get_pipe("sitroom_places")(doc)


def _words(text: str) -> list[str]:
    return text.split()


def _places(doc: Doc) -> list[tuple[str, dict]]:
    return [(s.text, s._.sitroom_place) for s in doc.spans[PLACES_KEY]]


def test_places_resolves_a_gpe_using_the_document_country(nlp: Language) -> None:
    words = ["Shelling", "hit", "Marenko", "in", "Veldania", "on", "Monday"]
    places = _places(_annotated(nlp, words, [(2, 3, "GPE"), (4, 5, "GPE")]))
    assert [text for text, _ in places] == ["Marenko", "Veldania"]
    marenko = places[0][1]
    assert (marenko["geonameid"], marenko["country"], marenko["precision"]) == (2, "VD", "exact")
    assert places[1][1]["precision"] == "country"


def test_places_an_outlet_named_after_a_place_is_no_place(nlp: Language) -> None:
    # The small model tags outlets GPE or FAC ("A Marenko Wire reporter in Veldania").
    words = _words("A Marenko Wire reporter in Veldania saw the Rudno News crew")
    doc = _annotated(nlp, words, [(1, 3, "GPE"), (5, 6, "GPE"), (8, 10, "FAC")])
    assert [text for text, _ in _places(doc)] == ["Veldania"]


def test_places_other_context_picks_the_other_namesake(nlp: Language) -> None:
    words = ["Shelling", "hit", "Marenko", "near", "Georgetown"]
    places = _places(_annotated(nlp, words, [(2, 3, "GPE"), (4, 5, "GPE")]))
    assert places[0][1]["geonameid"] == 3


def test_places_finds_a_place_the_model_called_a_person(nlp: Language) -> None:
    words = _words("Troops entered the village of Tarnitsa as Marenko Tarnitsa spoke")
    doc = _annotated(nlp, words, [(5, 6, "PERSON"), (7, 9, "PERSON")])
    assert [(text, place["geonameid"]) for text, place in _places(doc)] == [("Tarnitsa", 5)]


def test_places_does_not_turn_uncued_names_into_places(nlp: Language) -> None:
    words = ["Marenko", "said", "the", "talks", "failed"]
    assert _places(_annotated(nlp, words, [(0, 1, "PERSON")])) == []


def test_places_resolves_romanisation_variants(nlp: Language) -> None:
    words = ["Sirens", "sounded", "in", "Gorodok", "Velikiy", "overnight"]
    places = _places(_annotated(nlp, words, [(3, 5, "GPE")]))
    assert places[0][1]["name"] == "Horodok Velykyi" and places[0][1]["precision"] == "exact"


def test_places_unknown_name_is_unresolved_never_guessed(nlp: Language) -> None:
    words = ["Fighting", "near", "Zorivka", "continued"]
    places = _places(_annotated(nlp, words, [(2, 3, "GPE")]))
    assert places == [("Zorivka", {"name": "Zorivka", "precision": "unresolved"})]


def test_places_river_hint_refuses_a_town(nlp: Language) -> None:
    words = ["Troops", "crossed", "the", "Marenko", "River", "at", "dawn"]
    places = _places(_annotated(nlp, words, [(3, 5, "LOC")]))
    assert places[0][1]["precision"] == "unresolved"
    words = ["Troops", "crossed", "the", "Silver", "River", "at", "dawn"]
    assert _places(_annotated(nlp, words, [(3, 5, "LOC")]))[0][1]["kind"] == "river"


def test_places_river_missing_from_the_gazetteer_is_placed_near_its_namesake(
    nlp: Language,
) -> None:
    words = _words("Troops crossed the Marenko River near Horodok Velykyi")
    place = _places(_annotated(nlp, words, [(3, 5, "LOC"), (6, 8, "GPE")]))[0][1]
    assert (place["name"], place["precision"], place["country"]) == ("Marenko River", "near", "VD")
    assert haversine_km(place["lat"], place["lon"], 48.2, 20.3) < 1  # the town of Marenko
    model.Place(id="p1", **place)  # the contract accepts it


def test_places_relative_location_gives_a_near_point(nlp: Language) -> None:
    words = _words("Clashes in Zorivka , about 50 kilometres north of Horodok Velykyi")
    doc = _annotated(nlp, words, [(2, 3, "GPE"), (9, 11, "GPE")])
    zorivka = doc.spans[PLACES_KEY][0]._.sitroom_place
    assert zorivka["precision"] == "near"
    assert haversine_km(zorivka["lat"], zorivka["lon"], 48.4, 20.1) == pytest.approx(50, abs=1)
    assert zorivka["lat"] > 48.4  # north of the anchor


def test_places_city_wins_over_its_state_unless_the_text_says_state(nlp: Language) -> None:
    words = ["Rain", "fell", "on", "Ostria", "today"]
    place = _places(_annotated(nlp, words, [(3, 4, "GPE")]))[0][1]
    assert (place["geonameid"], place["precision"]) == (9, "exact")
    words = ["Rain", "fell", "on", "Ostria", "state", "today"]
    place = _places(_annotated(nlp, words, [(3, 5, "GPE")]))[0][1]
    assert (place["geonameid"], place["precision"]) == (8, "admin1")


def test_places_generic_words_around_a_name_are_read_as_its_kind(nlp: Language) -> None:
    words = _words("Storms hit the Town of Tarnitsa and Dovra Co. overnight")
    places = _places(_annotated(nlp, words, [(3, 6, "GPE"), (7, 9, "GPE")]))
    assert [place["geonameid"] for _, place in places] == [5, 11]


def test_places_namesakes_settle_on_one_consistent_province(nlp: Language) -> None:
    words = _words("Clashes in Pelska and Rudno overnight")
    places = _places(_annotated(nlp, words, [(2, 3, "GPE"), (4, 5, "GPE")]))
    ids = {place["geonameid"] for _, place in places}
    assert ids in ({13, 15}, {14, 16})


def test_places_town_then_state_after_a_comma_is_a_qualified_name(nlp: Language) -> None:
    words = _words("Floods hit Kessel , Ostria on Monday")
    doc = _annotated(nlp, words, [(2, 3, "GPE"), (4, 5, "GPE")])
    resolver = nlp.get_pipe("sitroom_places")
    assert resolver._qualifies(doc, doc[2:3], doc[4:5])
    assert _places(doc)[0][1]["geonameid"] == 18  # the town in the state of Ostria


def test_places_list_of_names_closed_by_a_plural_kind_has_no_qualifier(nlp: Language) -> None:
    words = _words("Floods hit Kessel , Ostria and Zorivka counties")
    doc = _annotated(nlp, words, [(2, 3, "GPE"), (4, 5, "GPE"), (6, 7, "GPE")])
    resolver = nlp.get_pipe("sitroom_places")
    assert not resolver._qualifies(doc, doc[2:3], doc[4:5])
    assert [place.get("geonameid") for _, place in _places(doc)] == [17, 19, None]


def test_places_comma_then_a_name_of_no_state_is_no_qualifier(nlp: Language) -> None:
    words = _words("Floods hit Kessel , Tarnitsa on Monday")
    doc = _annotated(nlp, words, [(2, 3, "GPE"), (4, 5, "GPE")])
    assert not nlp.get_pipe("sitroom_places")._qualifies(doc, doc[2:3], doc[4:5])


def _corpus_nlp(gazetteer_path: Path) -> Language:
    nlp = spacy.blank("en")
    config = {"@misc": "sitroom.gazetteer.v1", "path": str(gazetteer_path)}
    nlp.add_pipe(
        "sitroom_places", config={"gazetteer": config, "adjectives": True, "embedded": True}
    )
    return nlp


def test_places_embedded_finds_a_place_inside_an_organisation(gazetteer_path: Path) -> None:
    nlp = _corpus_nlp(gazetteer_path)
    words = _words("The Central Bank of Veldania cut rates")
    doc = _annotated(nlp, words, [(0, 5, "ORG")])
    assert [text for text, _ in _places(doc)] == ["Veldania"]  # "Central" is a common word


def test_places_embedded_is_off_by_default(nlp: Language) -> None:
    words = _words("The Central Bank of Veldania cut rates")
    assert _places(_annotated(nlp, words, [(0, 5, "ORG")])) == []


def test_places_adjectives_skip_plural_people_and_languages(gazetteer_path: Path) -> None:
    nlp = _corpus_nlp(gazetteer_path)
    words = _words("Egyptian officials said Egyptians speak English")
    register_extensions()
    doc = Doc(nlp.vocab, words=words)
    doc[0].tag_, doc[3].tag_ = "JJ", "NNPS"
    spans = [Span(doc, 0, 1, "NORP"), Span(doc, 3, 4, "NORP"), Span(doc, 5, 6, "LANGUAGE")]
    for span in spans:
        span._.sitroom_entity_name = span.text
    doc.spans[ENTITIES_KEY] = spans
    doc.ents = spans
    doc = nlp.get_pipe("sitroom_places")(doc)
    assert [text for text, _ in _places(doc)] == ["Egyptian"]


def test_places_result_model_accepts_the_resolution(nlp: Language) -> None:
    words = ["Shelling", "hit", "Marenko", "in", "Veldania"]
    doc = _annotated(nlp, words, [(2, 3, "GPE"), (4, 5, "GPE")])
    for span in doc.spans[PLACES_KEY]:
        model.Place(id="p1", **span._.sitroom_place)


def test_places_empty_doc(nlp: Language) -> None:
    register_extensions()
    assert list(nlp("").spans[PLACES_KEY]) == []


def test_places_default_config_names_the_gazetteer_loader() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sitroom_places")  # the gazetteer opens lazily: no build here
    config = nlp.get_pipe_meta("sitroom_places").default_config
    assert config["gazetteer"] == {"@misc": "sitroom.gazetteer.v1"}
    assert config["spans_key"] == PLACES_KEY


def test_places_component_pickles(nlp: Language) -> None:
    component = pickle.loads(pickle.dumps(nlp.get_pipe("sitroom_places")))
    assert isinstance(component, PlaceResolver)
    assert component.gazetteer.lookup("marenko")


# --- the reference article, with the default gazetteer and model ---------------------------

SEED_EXPECTED = {
    # mention: (country, lat, lon) of the place meant
    "Kyiv": ("UA", 50.45, 30.52),
    "Kharkiv": ("UA", 49.98, 36.25),
    "Chernigiv": ("UA", 51.51, 31.29),
    "Konotop": ("UA", 51.24, 33.20),
    "Dymer": ("UA", 50.79, 30.30),
    "Ivankiv": ("UA", 50.94, 29.90),
    "Gostomel": ("UA", 50.59, 30.22),
    "Obolonsky": ("UA", 50.52, 30.50),
    "Przemysl": ("PL", 49.78, 22.77),
    "Warsaw": ("PL", 52.23, 21.01),
    "Moscow": ("RU", 55.75, 37.62),
    "Ukraine": ("UA", 49.0, 32.0),
    "Belarus": ("BY", 53.0, 28.0),
    "Lugansk": ("UA", 48.57, 39.31),
}


def test_places_seed_resolves_its_places(pipeline, seed_text: str) -> None:
    doc = pipeline.nlp(seed_text)
    resolved: dict[str, dict] = {}
    for span in doc.spans[PLACES_KEY]:
        resolved.setdefault(span.text, span._.sitroom_place)
    for mention, (country, lat, lon) in SEED_EXPECTED.items():
        place = resolved.get(mention)
        assert place is not None, f"{mention} not found"
        assert place["country"] == country, (mention, place)
        assert haversine_km(place["lat"], place["lon"], lat, lon) < 25 or place["kind"] == "country"
    assert resolved["Starognativka"]["precision"] == "unresolved"  # below cities500
    wrong = [
        (m, p)
        for m, p in resolved.items()
        if p["precision"] != "unresolved"
        and p.get("country") not in {"UA", "RU", "BY", "PL", "HU", "RO", "US", "MM", None}
    ]
    assert wrong == []


def test_places_seed_village_resolves_after_import(tmp_path: Path, seed_text: str) -> None:
    from sitroom.geo import Gazetteer, import_geonames
    from sitroom.geo.resolve import Mention, resolve_all

    path = tmp_path / "g.sqlite"
    build_gazetteer(path, records=RECORDS)
    row = [
        "990100",
        "Starohnativka",
        "Starohnativka",
        "Starognativka,Staroignatovka",
        "47.6",
        "37.6",
        "P",
        "PPL",
        "UA",
        "",
        "05",
        "",
        "",
        "",
        "2000",
        "",
        "",
        "",
        "",
    ]
    source = tmp_path / "UA.txt"
    source.write_text("\t".join(row) + "\n", encoding="utf-8")
    gazetteer = Gazetteer(path, build=False)
    assert resolve_all(gazetteer, [Mention("Starognativka", "village")])[0].best is None
    import_geonames(source, gazetteer_path=path)
    best = resolve_all(Gazetteer(path, build=False), [Mention("Starognativka", "village")])[0].best
    assert best is not None and best.geonameid == 990100
