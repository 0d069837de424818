"""Tests for the figures component, its number parser and its word tables."""

from __future__ import annotations

import csv
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import registry

from sitroom._result import figures_from
from sitroom.extract._extensions import FIGURES_KEY, STATEMENTS_KEY, register_extensions
from sitroom.extract._figure_words import (
    APPLIES,
    ROLES,
    load_figure_words,
    read_metric_words,
    read_people_words,
)
from sitroom.extract._numbers import KINDS, load_number_words, parse_number, read_number_words
from sitroom.extract.figures import FigureExtractor
from sitroom.model import Document, Metric, Qualifier
from sitroom.pipeline import Pipeline, load_nlp

DATA_FILES = ("metric_words.tsv", "number_words.tsv", "people_words.tsv")


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The default model plus ``sitroom_times`` and ``sitroom_figures`` (loaded once)."""
    return load_nlp(components=("sitroom_times", "sitroom_figures"))


@pytest.fixture(scope="module")
def blank() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sitroom_figures")
    return nlp


def run(nlp: Language, text: str, published: str | None = "2022-02-25") -> Doc:
    return nlp(Pipeline(nlp).make_doc(Document(text=text, published=published)))


def figures(doc: Doc) -> list[dict[str, Any]]:
    found = []
    for span in doc.spans[FIGURES_KEY]:
        info = {k: v for k, v in span._.sitroom_figure.items() if k != "sentence"}
        found.append({"span": span.text, **info})
    return found


def only(doc: Doc) -> dict[str, Any]:
    found = figures(doc)
    assert len(found) == 1, found
    return found[0]


def parsed_doc(vocab: Any) -> Doc:
    """ "Rockets killed 12 people ." with a hand-written parse (no model needed)."""
    return Doc(
        vocab,
        words=["Rockets", "killed", "12", "people", "."],
        heads=[1, 1, 3, 1, 1],
        deps=["nsubj", "ROOT", "nummod", "dobj", "punct"],
        pos=["NOUN", "VERB", "NUM", "NOUN", "PUNCT"],
        lemmas=["rocket", "kill", "12", "people", "."],
    )


# --- word tables ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DATA_FILES)
def test_figure_data_rows_sorted_and_unique(name: str) -> None:
    text = files("sitroom.data").joinpath(name).read_text("utf-8")
    rows = list(csv.reader(text.splitlines()[1:], delimiter="\t"))
    keys = [tuple(row[:2]) if name == "metric_words.tsv" else row[0] for row in rows]
    assert len(keys) == len(set(keys))
    assert ["\t".join(r) for r in rows] == sorted("\t".join(r) for r in rows)
    assert all(all(cell.strip() == cell and cell for cell in row) for row in rows)


def test_metric_words_use_the_closed_vocabularies() -> None:
    lexicon = load_figure_words()
    rows = [row for entries in lexicon.metrics.values() for row in entries]
    assert {row.role for row in rows} <= ROLES
    assert {row.applies for row in rows} <= APPLIES
    # every metric of DESIGN.md but "other" has words; only block rows have no metric
    assert {row.metric for row in rows if row.metric} >= set(Metric) - {Metric.other}
    assert all((row.metric is None) == (row.role == "block") for row in rows)


def test_number_words_kinds_and_qualifiers() -> None:
    words = load_number_words()
    assert set(words.table) <= KINDS
    assert {Qualifier(v) for v in words["qualifier"].values()} == set(Qualifier) - {
        Qualifier.exact,
        Qualifier.range,
        Qualifier.vague,
    }


@pytest.mark.parametrize(
    ("reader", "text"),
    [
        (read_metric_words, "word\tmetric\trole\tapplies\nkill\tslain\tevent\tany\n"),
        (read_metric_words, "word\tmetric\trole\tapplies\nkill\tkilled\tevent\tsome\n"),
        (read_number_words, "word\tkind\tvalue\nabout\tqualifier\troughly\n"),
        (read_number_words, "word\tkind\tvalue\nzillion\tbig\t1\n"),
        (read_people_words, "word\twho\ncivilian\tmaybe\n"),
    ],
)
def test_figure_data_bad_row_is_named(reader: Any, text: str) -> None:
    with pytest.raises(ValueError, match="line 2"):
        reader(text)


def test_figure_words_loader_is_registered() -> None:
    loader = registry.misc.get("sitroom.figure_words.v1")
    assert loader() is load_figure_words()


# --- numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "value"),
    [
        (["137"], 137),
        (["150,000"], 150000),
        (["1.5", "million"], 1500000),
        (["two"], 2),
        (["twenty", "-", "five"], 25),
        (["two", "hundred", "fifty"], 250),
        (["a", "dozen"], 12),
        (["three", "thousand"], 3000),
        (["one", "hundred", "thousand"], 100000),
    ],
)
def test_parse_number_values(words: list[str], value: float) -> None:
    number = parse_number(words, load_number_words())
    assert number is not None and number.value == value and not number.vague


@pytest.mark.parametrize(
    "words", [["dozens"], ["tens", "of", "thousands"], ["hundreds", "of", "thousands"]]
)
def test_parse_number_vague(words: list[str]) -> None:
    number = parse_number(words, load_number_words())
    assert number is not None and number.vague and number.value is None


@pytest.mark.parametrize(
    "words", [["10:30"], ["0800"], ["five", "two"], ["a"], ["tens", "thousands"], ["20", "30"]]
)
def test_parse_number_rejects_non_numbers(words: list[str]) -> None:
    assert parse_number(words, load_number_words()) is None


# --- the component without a model ------------------------------------------------------------


def test_figures_factory_defaults(blank: Language) -> None:
    component = blank.get_pipe("sitroom_figures")
    assert isinstance(component, FigureExtractor)
    assert component.spans_key == FIGURES_KEY
    assert blank.get_pipe_config("sitroom_figures")["lexicon"] == {
        "@misc": "sitroom.figure_words.v1"
    }


def test_figures_empty_doc(blank: Language) -> None:
    assert list(blank("").spans[FIGURES_KEY]) == []


def test_figures_hand_parsed_doc(blank: Language) -> None:
    doc = blank(parsed_doc(blank.vocab))
    assert figures(doc)[0]["span"] == "12 people"
    assert figures(doc)[0]["metric"] == "killed"


def test_figures_pipe_n_process_2(blank: Language) -> None:
    register_extensions()
    docs = [parsed_doc(blank.vocab), blank.make_doc("")]
    result = [figures(doc) for doc in blank.pipe(docs, n_process=2)]
    assert [[f["value"] for f in found] for found in result] == [[12.0], []]


def test_figures_to_disk_round_trip(blank: Language, tmp_path: Path) -> None:
    blank.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names == ["sitroom_figures"]
    assert figures(loaded(parsed_doc(loaded.vocab)))[0]["value"] == 12.0


# --- the component on parsed news sentences ---------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "metric", "value", "qualifier"),
    [
        ("Rocket fire killed 23 people in the port on Sunday.", "killed", 23, "exact"),
        ("At least 40 civilians were wounded in the shelling.", "injured", 40, "at_least"),
        ("The storm displaced more than 12,000 people.", "displaced", 12000, "more_than"),
        ("Some 2,500 residents were evacuated by train.", "evacuated", 2500, "about"),
        ("Police arrested up to 80 demonstrators.", "detained", 80, "up_to"),
        ("Nine fishermen are still missing.", "missing", 9, "exact"),
        ("The border camp now holds 8,000 refugees.", "refugees", 8000, "exact"),
        ("The general massed nearly 60,000 troops near the lake.", "troops", 60000, "about"),
        ("Drones destroyed three radar stations.", "destroyed", 3, "exact"),
        ("The quake damaged a dozen churches.", "damaged", 12, "exact"),
        ("Nobody was injured in the fire.", "injured", 0, "exact"),
        ("No one died in the collision.", "killed", 0, "exact"),
        ("Luckily no-one was hurt.", "injured", 0, "exact"),
        ("Three gunmen killed 14 worshippers at the shrine.", "killed", 14, "exact"),
        ("The death toll has risen to 57.", "killed", 57, "exact"),
        ("Nine sailors were among the dead.", "killed", 9, "exact"),
        ("Roughly 40 people lost their lives in the storm.", "killed", 40, "about"),
        ("Aid groups counted 3.5 million refugees abroad.", "refugees", 3500000, "exact"),
    ],
)
def test_figures_metrics_and_qualifiers(
    nlp: Language, sentence: str, metric: str, value: float, qualifier: str
) -> None:
    figure = only(run(nlp, sentence))
    assert (figure["metric"], figure["value"], figure["qualifier"]) == (metric, value, qualifier)


def test_figures_range(nlp: Language) -> None:
    figure = only(run(nlp, "Between 30 and 45 sailors were killed in the sinking."))
    assert figure["qualifier"] == "range"
    assert (figure["value"], figure["low"], figure["high"]) == (None, 30.0, 45.0)
    assert figure["span"] == "Between 30 and 45 sailors"


def test_figures_vague_words_as_numbers(nlp: Language) -> None:
    doc = run(nlp, "The floods forced tens of thousands of villagers to flee.")
    figure = only(doc)
    assert (figure["metric"], figure["value"], figure["qualifier"]) == ("displaced", None, "vague")
    assert figure["unit"] == "villagers"


def test_figures_sub_count_takes_the_metric_of_its_total(nlp: Language) -> None:
    doc = run(nlp, "The raid destroyed 40 vehicles, including six tanks.")
    assert [(f["value"], f["metric"], f["unit"]) for f in figures(doc)] == [
        (40.0, "destroyed", "vehicles"),
        (6.0, "destroyed", "tanks"),
    ]


def test_figures_partitive_share_of_the_figure_before(nlp: Language) -> None:
    doc = run(nlp, "Nine people drowned, six of them children.")
    found = [(f["span"], f["metric"], f["value"], f["who"]) for f in figures(doc)]
    assert found == [
        ("Nine people", "killed", 9.0, None),
        ("six of them children", "killed", 6.0, "children"),
    ]


def test_figures_partitive_pronoun_is_no_unit(nlp: Language) -> None:
    figure = only(run(nlp, "The fever infected 80 villagers and killed 12 of them."))
    assert (figure["value"], figure["unit"]) == (12.0, None)


def test_figures_from_keeps_a_repeated_figure_once(nlp: Language) -> None:
    line = "Officials said 14 people were wounded in the port."
    doc = run(nlp, f"{line}\nEarlier updates\n{line}\nTwo more died later.")
    result = figures_from(doc)
    assert [(f.id, f.metric, f.value) for f in result] == [
        ("f1", Metric.injured, 14.0),
        ("f2", Metric.killed, 2.0),
    ]
    assert result[0].text == line and result[0].start == line.index("14")


def test_figures_who_from_an_including_list(nlp: Language) -> None:
    figure = only(run(nlp, "Officials said 58 people, including medics and teachers, died."))
    assert figure["who"] == "medics and teachers"
    assert figure["metric"] == "killed"


def test_figures_date_from_the_sentence(nlp: Language) -> None:
    doc = run(nlp, "The insurgency has killed about 9,000 people since 2011.")
    assert only(doc)["date"] == "2011"
    doc = run(nlp, "Shelling on Thursday wounded 17 people.")
    assert only(doc)["date"] == "2022-02-24"


@pytest.mark.parametrize(
    "sentence",
    [
        "The summit opened on 4 April 2021 in the capital.",
        "The convoy was stopped 30 kilometres from the border.",
        "The fund released $40 million for shelters.",
        "Support for the plan fell to 41 percent.",
        "The 52-year-old general took command in 2018.",
        "The talks resumed at 9:15 and ended at noon.",
        "It was one of the deadliest days since the war began.",
        "The treaty ending World War II was never signed.",
        "Call +44 20 7946 0000 to reach the desk.",
        "The two sides exchanged fire across the river.",
        "None of those injured was in a critical condition.",
        "The former governor died at 81 in his home town.",
        "The smuggler was jailed for 12 after the trial.",
        "The skater captured three medals at the championships.",
        "Six gunmen stormed the hotel.",
        "The fire destroyed 300 hectares of pine forest.",
    ],
)
def test_figures_skip_non_figures(nlp: Language, sentence: str) -> None:
    assert figures(run(nlp, sentence)) == []


def test_figures_claimed_by_the_enclosing_statement(nlp: Language) -> None:
    register_extensions()
    doc = run(nlp, "The army said 31 fighters were captured near the dam.")
    content = doc.char_span(14, len(doc.text) - 1)
    content._.sitroom_statement = {"speaker": "The army", "kind": "indirect"}
    doc.spans[STATEMENTS_KEY] = [content]
    doc = nlp.get_pipe("sitroom_figures")(doc)
    assert only(doc)["claimed_by"] == "The army"
    assert only(doc)["metric"] == "detained"


def test_figures_without_statements_are_unclaimed(nlp: Language) -> None:
    assert only(run(nlp, "The army said 31 fighters were captured."))["claimed_by"] is None


def test_figures_seed_article(nlp: Language, seed_text: str) -> None:
    """Every figure of the reference article, with value, qualifier and date (no statements
    component here, so no claimant; the pipeline test covers that)."""
    found = {
        (f["metric"], f["value"], f["qualifier"], f["date"]) for f in figures(run(nlp, seed_text))
    }
    assert found >= {
        ("killed", None, "vague", "2022-02-24"),
        ("displaced", 100000.0, "at_least", "2022-02-24"),
        ("killed", 137.0, "exact", None),
        ("displaced", 100000.0, "about", "2022-02-24"),
        ("destroyed", 70.0, "more_than", "2022-02-24"),
        ("destroyed", 11.0, "exact", "2022-02-24"),
        ("troops", 150000.0, "more_than", None),
        ("killed", 14000.0, "more_than", "2014"),
    }


def test_figures_seed_claimants(pipeline: Any, seed_text: str) -> None:
    """With the full pipeline, the seed's claimed figures name their sources."""
    assert "sitroom_statements" in pipeline.nlp.pipe_names
    result = pipeline.analyse(Document(text=seed_text, published="2022-02-25"))
    claims = {(f.value, f.claimed_by) for f in result.figures if f.claimed_by}
    assert {(137.0, "Ukraine"), (70.0, "Russia"), (11.0, "Russia")} <= claims
    assert any(
        f.value == 100000.0 and "refugee agency" in (f.claimed_by or "") for f in result.figures
    )
    assert all(f.text.strip() == f.text and f.start < f.end for f in result.figures)


def test_figure_span_extension_is_registered() -> None:
    FigureExtractor(spacy.blank("en"))
    assert Span.has_extension("sitroom_figure")


# --- wordings a first table missed ----------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("At least 45 passengers perished when the ferry sank.", [("killed", 45)]),
        ("Two journalists went missing near the front line.", [("missing", 2)]),
        ("Nineteen miners remain unaccounted for.", [("missing", 19)]),
        ("Some 80 people were hospitalised after the leak.", [("injured", 80)]),
        ("Officials said a total of 73 people had been killed.", [("killed", 73)]),
        ("About 500 families lost their homes in the shelling.", [("displaced", 500)]),
        ("Nearly 2 million people have sought refuge abroad.", [("refugees", 2000000)]),
        ("The bodies of 14 fishermen washed ashore.", [("killed", 14)]),
        ("Ten civilians were among those killed.", [("killed", 10)]),
        ("Shelling killed two people, one of them a child.", [("killed", 2), ("killed", 1)]),
        ("Protesters torched 12 cars.", [("destroyed", 12)]),
        ("The village lost 30 homes in the fire.", [("destroyed", 30)]),
    ],
)
def test_figures_more_wordings(nlp: Language, sentence: str, expected: list) -> None:
    found = [(f["metric"], f["value"]) for f in figures(run(nlp, sentence))]
    assert found == [(metric, float(value)) for metric, value in expected]


def test_figures_coordinated_verbs_each_bind_their_count(nlp: Language) -> None:
    found = figures(run(nlp, "Fighting has killed dozens and displaced thousands."))
    assert [(f["span"], f["metric"]) for f in found] == [
        ("dozens", "killed"),
        ("thousands", "displaced"),
    ]


def test_figures_seized_things_are_no_detentions(nlp: Language) -> None:
    assert figures(run(nlp, "The rebels seized 30 trucks on the road.")) == []
    assert only(run(nlp, "The rebels seized 14 aid workers."))["metric"] == "detained"
