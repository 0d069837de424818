"""Tests for ``sitroom.extract.statements``: lexicons, quotes, ``statement_at`` and the seed.

Speakers are tested in ``test_statements_speakers.py``, content and kinds in
``test_statements_content.py``.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from sitroom.extract._quotes import find_quotes
from sitroom.extract._statement_nouns import load_noun_cues
from sitroom.extract._statement_words import MODES, load_statement_words
from sitroom.extract.statements import statement_at
from sitroom.pipeline import Pipeline
from tests.conftest import require_path

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed" / "000_e1e83100be014342.txt"
LEXICONS = [
    "reporting_verbs.tsv",
    "speaker_descriptions.tsv",
    "channels.tsv",
    "outlets.txt",
    "speaker_documents.txt",
    "first_names.tsv",
    "teaser_labels.txt",
    "speaker_places.tsv",
    "speaker_shares.txt",
    "noun_cues.tsv",
    "light_verbs.txt",
]
STANCES = {"assert", "claim", "accuse", "deny", "confirm", "urge", "warn", "praise"}
STANCES |= {"announce", "perceive"}


@pytest.fixture(scope="module")
def nlp(pipeline) -> Language:
    """The full Sitroom pipeline (the session's, from ``conftest.py``)."""
    return pipeline.nlp


# --- lexicons ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", LEXICONS)
def test_lexicon_rows_parse_sorted_unique(name: str) -> None:
    lines = files("sitroom.data").joinpath(name).read_text(encoding="utf-8").splitlines()
    header, rows = lines[0].split("\t"), lines[1:]
    assert rows == sorted(rows)
    assert len(rows) == len(set(rows))
    assert all(len(row.split("\t")) == len(header) for row in rows)


def test_lexicon_stances_are_the_closed_vocabulary() -> None:
    words = load_statement_words()
    assert set(words.verbs.values()) <= STANCES
    assert words.stance("call", ["on"]) == "urge"
    assert words.stance("call", []) == "assert"


def test_lexicon_noun_cues_use_the_closed_vocabularies() -> None:
    cues = load_noun_cues()
    assert {stance for stance, _ in cues.nouns.values()} <= STANCES
    assert {mode for _, mode in cues.nouns.values()} <= MODES
    assert "make" in cues.light_verbs


def test_lexicon_modes_are_speech_thought_or_perception() -> None:
    words = load_statement_words()
    assert set(words.modes.values()) == MODES
    assert set(words.modes) == set(words.verbs)
    assert words.mode("say", []) == "speech"
    assert words.mode("believe", []) == "thought"
    assert words.mode("see", []) == "perception"
    assert words.mode("unknown-verb", []) == "speech"


# --- quotes ------------------------------------------------------------------------------------


def test_quotes_straight_curly_and_single() -> None:
    text = "He said \"one two\" and “three four” and 'five six' but don't stop."
    found = [text[q.start : q.end] for q in find_quotes(text)]
    assert found == ['"one two"', "“three four”", "'five six'"]


def test_quotes_unbalanced_mark_stops_at_paragraph_end() -> None:
    text = 'She said "this never closes.\nNext paragraph "is quoted" here.'
    paragraphs = [(0, 28), (29, len(text))]
    found = [text[q.start : q.end] for q in find_quotes(text, paragraphs)]
    assert found == ['"this never closes.', '"is quoted"']


def test_quotes_closing_mark_without_opening_runs_from_paragraph_start() -> None:
    text = '"The first part is here.\nand the rest follows," said Roe. Then "a new one" came.'
    paragraphs = [(0, 24), (25, len(text))]
    found = [text[q.start : q.end] for q in find_quotes(text, paragraphs)]
    assert found == ['"The first part is here.', 'and the rest follows,"', '"a new one"']


def test_quotes_possessive_apostrophe_is_not_a_quote() -> None:
    assert find_quotes("The soldiers' lines held, the ministers' talks went on.") == []


# --- statement_at ------------------------------------------------------------------------------


def test_statement_at_finds_enclosing_statement(nlp: Language) -> None:
    text = "The army said rebels had shelled the airport at dawn."
    doc: Doc = nlp(text)
    start = text.index("shelled")
    span = statement_at(doc, start, start + len("shelled"))
    assert span is not None and "rebels had shelled" in span.text
    assert statement_at(doc, 0, 3) is None


# --- the seed article --------------------------------------------------------------------------

# Line of the seed -> (start of a substantial quote on that line, its true speaker).
SEED_QUOTES = [
    (3, '"take power', "Vladimir Putin"),
    (4, '"It seems', "Vladimir Putin"),
    (6, '"acting like', "Vladimir Putin"),
    (7, '"It is known', "Vladimir Putin"),
    (8, '"We consider', "Dmitry Peskov"),
    (11, '"They are successfully', "Vladimir Putin"),
    (13, '"After a brief', "Dmitry Peskov"),
    (13, '"And now', "Dmitry Peskov"),
    (16, '"bypass"', "Ukraine's army"),  # first named so; "the Ukrainian army" here
    (19, '"increasingly', "Ukraine's army"),
    (25, '"We urge', "the defence ministry"),
    (46, '"We urge', "the defence ministry"),
    (48, '"the pressure', "Volodymyr Zelensky"),
    (51, '"They are trying', "Volodymyr Veselkin"),
    (55, '"new iron curtain"', "Volodymyr Zelensky"),
    (56, '"Who is ready', "Volodymyr Zelensky"),
    (60, '"a declaration', "Volodymyr Zelensky"),
]


@pytest.fixture(scope="module")
def seed_result(nlp: Language):
    from sitroom.ingest import IngestOptions, document_from_text

    text = require_path(SEED).read_text(encoding="utf-8")
    document = document_from_text(
        text, origin="seed", options=IngestOptions(published="2022-02-25")
    )
    return text, Pipeline(nlp).analyse(document)


@pytest.mark.parametrize(("line", "quote", "speaker"), SEED_QUOTES)
def test_statement_seed_quote_has_true_speaker(seed_result, line, quote, speaker) -> None:
    text, result = seed_result
    lines = text.split("\n")
    offset = sum(len(x) + 1 for x in lines[: line - 1]) + lines[line - 1].index(quote)
    covering = [s for s in result.statements if any(m.start <= offset < m.end for m in s.mentions)]
    assert covering, f"no statement covers the quote on line {line}"
    assert covering[0].speaker == speaker


def test_statement_seed_descriptions_of_one_army_are_one_speaker(seed_result) -> None:
    """ "Ukraine's army", "the Ukrainian army", "Kyiv's army", "The military": one speaker."""
    text, result = seed_result
    lines = text.split("\n")
    speakers = set()
    for line in (15, 16, 17, 23):
        start = sum(len(x) + 1 for x in lines[: line - 1])
        end = start + len(lines[line - 1])
        speakers |= {
            s.speaker for s in result.statements if any(start <= m.start < end for m in s.mentions)
        }
    assert len(speakers) == 1


def test_statement_seed_repeated_quote_is_one_statement(seed_result) -> None:
    _, result = seed_result
    repeated = [s for s in result.statements if s.text.startswith('"We urge citizens')]
    assert len(repeated) == 1
    assert len(repeated[0].mentions) == 2
    assert {m.text for m in repeated[0].mentions} == {repeated[0].text}
