"""Tests for ``sitroom.extract.times``: normalisation, the word table and the component."""

from __future__ import annotations

import csv
import re
from datetime import date
from importlib.resources import files
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

from sitroom.evaluate.time import build_time_nlp
from sitroom.extract._extensions import TIMES_KEY, register_extensions
from sitroom.extract._timex_lexicon import KINDS, TIME_WORDS_FILE, read_time_words
from sitroom.extract._timex_value import precision_of
from sitroom.extract.times import TimeExtractor, normalise_time
from sitroom.model import TimePrecision
from tests.conftest import require_path

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed" / "000_e1e83100be014342.txt"
FRIDAY = date(2022, 2, 25)  # the published date of the examples below: a Friday
CUE_ROLES = {
    "age_word",
    "future_aux",
    "future_before",
    "perfect_aux",
    "plan_verb",
    "plural_before",
    "progressive_aux",
    "rate_word",
    "unit_filler",
    "year_before",
}


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The default model plus ``sitroom_times`` (loaded once)."""
    return build_time_nlp()


@pytest.fixture(scope="module")
def blank() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sitroom_times")
    return nlp


def run(nlp: Language, text: str, published: date | None = FRIDAY) -> Doc:
    register_extensions()
    doc = nlp.make_doc(text)
    doc._.sitroom_published = published
    return nlp(doc)


def times(doc: Doc) -> list[tuple[str, str | None]]:
    return [(s.text, s._.sitroom_time_value) for s in doc.spans[TIMES_KEY]]


# --- normalisation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("Thursday", "2022-02-24", "day"),
        ("Friday", "2022-02-25", "day"),
        ("Monday", "2022-02-21", "day"),
        ("late Thursday", "2022-02-24", "day"),
        ("the early hours of Thursday", "2022-02-24", "day"),
        ("last Friday", "2022-02-18", "day"),
        ("next Monday", "2022-02-28", "day"),
        ("yesterday", "2022-02-24", "day"),
        ("today", "2022-02-25", "day"),
        ("tomorrow", "2022-02-26", "day"),
        ("February 24, 2022", "2022-02-24", "day"),
        ("24 February 2022", "2022-02-24", "day"),
        ("Feb. 20", "2022-02-20", "day"),
        ("2021-11-03", "2021-11-03", "day"),
        ("May 2010", "2010-05", "month"),
        ("last month", "2022-01", "month"),
        ("early August", "2021-08", "month"),
        ("March", "2022-03", "month"),
        ("July last year", "2021-07", "month"),
        ("this week", "2022-W08", "week"),
        ("last week", "2022-W07", "week"),
        ("the weekend", "2022-W08-WE", "week"),
        ("1941", "1941", "year"),
        ("since 2014", "2014", "year"),
        ("mid-1996", "1996", "year"),
        ("last year", "2021", "year"),
        ("next year", "2023", "year"),
        ("three years ago", "2019", "year"),
        ("a decade ago", "2012", "year"),
        ("the third quarter", "2021-Q3", "quarter"),
        ("the first half of 2020", "2020-H1", "quarter"),
        ("last summer", "2021-SU", "season"),
        ("the 1990s", "199", "decade"),
        ("the early 1980s", "198", "decade"),
        ("the 20th century", "19", "century"),
        ("three years", "P3Y", "duration"),
        ("two days", "P2D", "duration"),
        ("the past two years", "P2Y", "duration"),
        ("nearly a decade", "P10Y", "duration"),
        ("a two-year", "P2Y", "duration"),
        ("2 1/2 years", "P2Y6M", "duration"),
        ("five hours", "PT5H", "duration"),
        ("Weeks", "PXW", "duration"),
        ("the next few months", "PXM", "duration"),
        ("now", "PRESENT_REF", "reference"),
        ("currently", "PRESENT_REF", "reference"),
        ("these days", "PRESENT_REF", "reference"),
        ("recently", "PAST_REF", "reference"),
        ("the past", "PAST_REF", "reference"),
        ("several years ago", "PAST_REF", "reference"),
        ("the future", "FUTURE_REF", "reference"),
        ("10:00 a.m.", "2022-02-25T10:00", "time"),
        ("8 pm Thursday", "2022-02-24T20:00", "time"),
        ("15:30 GMT", "2022-02-25T15:30", "time"),
        ("this morning", "2022-02-25TMO", "time"),
        ("last night", "2022-02-24TNI", "time"),
        ("Friday afternoon", "2022-02-25TAF", "time"),
        ("daily", "P1D", "duration"),
        ("every Monday", "XXXX-WXX-1", "day"),
        ("Christmas", "2021-12-25", "day"),
    ],
)
def test_normalise_time_values(text: str, value: str, precision: str) -> None:
    assert normalise_time(text, FRIDAY) == (value, TimePrecision(precision))


@pytest.mark.parametrize(
    "text",
    ["Thursday", "late Thursday", "yesterday", "last week", "March", "Feb. 20", "this year",
     "three years ago", "the third quarter", "8 pm", "this morning", "the weekend"],
)  # fmt: skip
def test_normalise_time_without_published_date_keeps_relative_unresolved(text: str) -> None:
    assert normalise_time(text, None) == (None, None)


@pytest.mark.parametrize(
    ("text", "value"),
    [("1941", "1941"), ("February 24, 2022", "2022-02-24"), ("May 2010", "2010-05"),
     ("three years", "P3Y"), ("now", "PRESENT_REF"), ("the 1990s", "199")],
)  # fmt: skip
def test_normalise_time_without_published_date_resolves_absolute(text: str, value: str) -> None:
    assert normalise_time(text, None)[0] == value


def test_normalise_time_month_far_ahead_means_last_year() -> None:
    # Read in May, "November" is last November, not one six months ahead.
    assert normalise_time("November", date(2022, 5, 10))[0] == "2021-11"
    assert normalise_time("June", date(2022, 5, 10))[0] == "2022-06"


@pytest.mark.parametrize(
    ("value", "precision"),
    [("2022-02-24T10:00", "time"), ("2022-02", "month"), ("2022-W08-WE", "week"),
     ("P3Y", "duration"), ("PAST_REF", "reference"), ("XXXX-WI", "season"), ("199", "decade")],
)  # fmt: skip
def test_precision_of_value_shapes(value: str, precision: str) -> None:
    assert precision_of(value) == TimePrecision(precision)


# --- the word table ----------------------------------------------------------------------------


def test_time_words_rows_parse_sorted_and_unique() -> None:
    text = files("sitroom.data").joinpath(TIME_WORDS_FILE).read_text(encoding="utf-8")
    rows = list(csv.reader(text.splitlines()[1:], delimiter="\t"))
    assert text.splitlines()[0] == "kind\tword\tvalue"
    assert all(len(row) == 3 and all(row) for row in rows)
    keys = [(kind, word) for kind, word, _ in rows]
    assert keys == sorted(keys)
    assert len(keys) == len(set(keys))
    assert {kind for kind, _ in keys} <= KINDS
    lexicon = read_time_words(text)
    assert {role for roles in lexicon["cue"].values() for role in roles.split(",")} == CUE_ROLES
    assert lexicon["month"]["sept."] == "9"


def test_time_words_bad_row_is_named() -> None:
    with pytest.raises(ValueError, match="line 2"):
        read_time_words("kind\tword\tvalue\nplanet\tmars\t4\n")


def test_time_words_loader_is_registered() -> None:
    lexicon = registry.misc.get("sitroom.time_words.v1")()
    assert lexicon["weekday"]["friday"] == "5"


# --- the component -----------------------------------------------------------------------------


def test_times_factory_defaults(blank: Language) -> None:
    component = blank.get_pipe("sitroom_times")
    assert isinstance(component, TimeExtractor)
    assert component.spans_key == TIMES_KEY
    assert blank.get_pipe_config("sitroom_times")["use_entities"] is True


def test_times_empty_doc(blank: Language) -> None:
    doc = run(blank, "")
    assert list(doc.spans[TIMES_KEY]) == []


def test_times_blank_pipeline_finds_patterns(blank: Language) -> None:
    doc = run(blank, "Talks began on Monday and have dragged on for three years.")
    assert times(doc) == [("Monday", "2022-02-21"), ("three years", "P3Y")]
    assert doc.spans[TIMES_KEY][1]._.sitroom_time_precision == "duration"


def test_times_bad_published_value_is_named(blank: Language) -> None:
    with pytest.raises(ValueError, match="'last Friday'"):
        run(blank, "It rained on Monday.", published="last Friday")  # type: ignore[arg-type]


def test_times_without_published_date(blank: Language) -> None:
    doc = run(blank, "The dam burst on Monday, as it did in 1953.", published=None)
    assert times(doc) == [("Monday", None), ("1953", "1953")]


def test_times_pipe_n_process_2(blank: Language) -> None:
    register_extensions()
    docs = []
    for text in ["Rain fell on Tuesday.", "The port reopened in 2019.", ""]:
        doc = blank.make_doc(text)
        doc._.sitroom_published = FRIDAY.isoformat()  # msgpack cannot carry a date
        docs.append(doc)
    result = [times(doc) for doc in blank.pipe(docs, n_process=2)]
    assert result == [[("Tuesday", "2022-02-22")], [("2019", "2019")], []]


def test_times_to_disk_round_trip(blank: Language, tmp_path: Path) -> None:
    blank.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names == ["sitroom_times"]
    assert times(run(loaded, "Ships docked last week.")) == [("last week", "2022-W07")]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The ministry said on Thursday that the bridge was closed.", ("Thursday", "2022-02-24")),
        ("Shelling resumed Friday near the port.", ("Friday", "2022-02-25")),
        ("The envoy arrived in the capital on Monday.", ("Monday", "2022-02-21")),
        ("The agency said late Thursday that 5,000 had fled.", ("late Thursday", "2022-02-24")),
        ("Sirens sounded in the early hours of Thursday.",
         ("the early hours of Thursday", "2022-02-24")),
        ("The blockade has lasted since 2014.", ("2014", "2014")),
        ("The town was razed in 1941 and rebuilt.", ("1941", "1941")),
        ("She will meet Friday with the other foreign ministers.", ("Friday", "2022-02-25")),
        ("The two leaders will speak again on Tuesday.", ("Tuesday", "2022-03-01")),
        ("The summit is scheduled for Wednesday.", ("Wednesday", "2022-03-02")),
        ("Weeks of negotiation failed to end the strike.", ("Weeks", "PXW")),
    ],
)  # fmt: skip
def test_times_news_sentences(nlp: Language, sentence: str, expected: tuple[str, str]) -> None:
    assert expected in times(run(nlp, sentence))


def test_times_skip_ages_and_verbs(nlp: Language) -> None:
    doc = run(nlp, "The 58-year-old farmer said the rebels may march on the town.")
    assert times(doc) == []


def test_times_seed_article(nlp: Language) -> None:
    text = require_path(SEED).read_text(encoding="utf-8")
    found = times(run(nlp, text))
    weekdays = {"Monday": "2022-02-21", "Thursday": "2022-02-24", "Friday": "2022-02-25"}
    for span_text, value in found:
        if span_text in weekdays:
            assert value == weekdays[span_text], span_text
    assert {t for t, _ in found} >= {"Monday", "Thursday", "Friday"}
    for expected in [
        ("late Thursday", "2022-02-24"),
        ("the early hours of Thursday", "2022-02-24"),
        ("2014", "2014"),
        ("1941", "1941"),
        ("Weeks", "PXW"),
    ]:
        assert expected in found


# --- speed-ups that must not change a match --------------------------------------------------


WORD_LISTS = [
    ["may", "mayor", "mon.", "monday", "mon"],
    ["new year", "new year's day", "newyear", "year"],
    ["a", "an", "and", "any", "b"],
    ["Q1", "q1"],  # differ in case only: left as a flat list
    ["x.y", "x+y", "(z)"],  # characters regexes give a meaning to
]


@pytest.mark.parametrize("words", WORD_LISTS)
@pytest.mark.parametrize(
    "text",
    [
        "Mayor may meet Monday, mon. or Mon",
        "a new  year; New Year's Day",
        "and any b an",
        "q1 Q1",
        "x.y x+y (z) xzy",
    ],
)
def test_word_alternation_matches_like_a_flat_list(words: list[str], text: str) -> None:
    from sitroom.extract._timex_lexicon import word_alternation

    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    flat = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)
    for template in (r"(?<!\w)(?:{})", r"(?:{})(?:\s+(\w+))?", r"(?:{})s?\b"):
        expected = re.compile(template.format(flat), re.IGNORECASE)
        found = re.compile(template.format(word_alternation(words)), re.IGNORECASE)
        assert [m.span() for m in found.finditer(text)] == [
            m.span() for m in expected.finditer(text)
        ]


def test_word_alternation_is_a_trie_and_empty_for_no_words() -> None:
    from sitroom.extract._timex_lexicon import word_alternation

    assert word_alternation(["mon.", "monday"]) == r"mon(?:\.|day)"
    assert word_alternation(["may", "mayor"]) == "may(?:or)?"
    assert word_alternation([]) == ""


def test_timex_parser_caches_parts_but_hands_out_copies() -> None:
    from sitroom.extract._timex_lexicon import load_time_words
    from sitroom.extract._timex_parse import TimexParser

    parser = TimexParser(load_time_words())
    first = parser.parse("last Friday")
    first.weekday = None  # a caller changing its parts must not change the next caller's
    again = parser.parse("last Friday")
    assert again.weekday == 5 and again.direction == -1 and again is not first
