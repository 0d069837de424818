"""Tests for ``sitroom.evaluate.attribution``: readers, GenderGapTracker and PolNeAR scoring."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from sitroom.errors import EvaluationDataError
from sitroom.evaluate._attribution_data import (
    GENDERGAP_TABLE,
    GoldAttribution,
    GoldDocument,
    read_gendergap,
    read_polnear,
)
from sitroom.evaluate.attribution import (
    PredictedStatement,
    evaluate_attribution,
    load_attribution_data,
    polnear_view,
    score_gendergap,
    score_polnear,
)
from tests.conftest import require_path

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "datasets" / "attribution"


def write_xlsx(path: Path, rows: list[list[str]]) -> None:
    """A minimal one-sheet xlsx with inline strings, enough for the reader."""
    cells = []
    for r, row in enumerate(rows, start=1):
        row_cells = "".join(
            f'<c r="{chr(65 + c)}{r}" t="inlineStr"><is><t>{_escape(value)}</t></is></c>'
            for c, value in enumerate(row)
        )
        cells.append(f'<row r="{r}">{row_cells}</row>')
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(cells)}</sheetData></worksheet>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", sheet)


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_read_gendergap_table_offsets_and_paragraph_dots(tmp_path: Path) -> None:
    text = 'Ana Ruiz spoke.\n .\n "We are ready," she said.'
    start = text.index('"We')
    quotes = [
        {
            "speaker": "she",
            "verb": "said",
            "quote": '"We are ready,"',
            "speaker_index": f"({start + 16},{start + 19})",
            "verb_index": "",
            "quote_index": f"({start},{start + 15})",
            "reference": "Ana Ruiz",
        }
    ]
    write_xlsx(
        tmp_path / GENDERGAP_TABLE,
        [["_id", "articleBodyText", "quotations"], ["x1", text, json.dumps(quotes)]],
    )
    (document,) = read_gendergap(tmp_path)
    assert "\n .\n" not in document.text and len(document.text) == len(text)
    (gold,) = document.attributions
    assert document.text[slice(*gold.content[0])] == '"We are ready,"'
    assert gold.reference == "Ana Ruiz" and gold.cue == ()


def test_read_gendergap_text_that_is_only_an_id_has_no_gold(tmp_path: Path) -> None:
    quote = {"speaker": "", "verb": "", "quote": "x", "speaker_index": "", "verb_index": ""}
    quote |= {"quote_index": "(30,40)", "reference": "Ana Ruiz"}
    rows = [["_id", "articleBodyText", "quotations"]]
    rows += [["x1", "5c332342795bd2799e61e1ab", json.dumps([quote])]]
    rows += [["x2", "Ana Ruiz spoke: we are ready.", "[]"]]
    write_xlsx(tmp_path / GENDERGAP_TABLE, rows)
    documents = read_gendergap(tmp_path)
    assert [d.id for d in documents] == ["x1", "x2"]  # kept: the dev/test split is by position
    assert documents[0].attributions == []


def test_read_polnear_brat_roles_and_fragments(tmp_path: Path) -> None:
    for folder in ("text", "attributions"):
        (tmp_path / "dev" / folder).mkdir(parents=True)
    text = "Officials said the road was open and busy."
    (tmp_path / "dev" / "text" / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "dev" / "attributions" / "a_x1.ann").write_text(
        "T1\tSource 0 9\tOfficials\nT2\tCue 10 14\tsaid\nT3\tContent 15 31;36 40\tthe road\n"
        "T4\tAttribution 10 14\tsaid\nE1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
        "T5\tDiscard 0 9\tOfficials\nE2\tDiscard:T5\n",
        encoding="utf-8",
    )
    (document,) = read_polnear(tmp_path, "dev")
    (gold,) = document.attributions
    assert gold.content == ((15, 31), (36, 40))
    assert gold.source == ((0, 9),) and gold.cue == ((10, 14),)


def test_load_attribution_data_rejects_unknown_folder(tmp_path: Path) -> None:
    with pytest.raises(EvaluationDataError, match="neither"):
        load_attribution_data(tmp_path, "test")
    with pytest.raises(EvaluationDataError, match="split"):
        load_attribution_data(tmp_path, "nope")


def test_score_gendergap_coverage_is_of_the_gold_span() -> None:
    gold = GoldDocument("d", "x" * 100, [GoldAttribution(((10, 20),), reference="Ana Ruiz")])
    # covers 5 of the 10 gold characters: a match at 0.3, not at 0.8
    half = PredictedStatement((15, 60), None, None, "ana ruiz")
    scores = score_gendergap([gold], [[half]])
    assert scores["quote_f1_03"] == 1.0 and scores["quote_f1_08"] == 0.0
    assert scores["speaker_accuracy"] == 1.0
    wrong = PredictedStatement((10, 20), None, None, "Bo Li")
    extra = PredictedStatement((50, 60), None, None, "Bo Li")
    scores = score_gendergap([gold], [[wrong, extra]])
    assert scores["quote_precision_08"] == 0.5 and scores["speaker_accuracy"] == 0.0


def test_score_gendergap_leaves_out_thought_and_perception() -> None:
    gold = GoldDocument("d", "x" * 100, [GoldAttribution(((10, 20),), reference="Ana Ruiz")])
    said = PredictedStatement((10, 20), None, None, "Ana Ruiz", "assert", "speech")
    believed = PredictedStatement((40, 50), None, None, "Ana Ruiz", "claim", "thought")
    saw = PredictedStatement((60, 70), None, None, "Ana Ruiz", "perceive", None)
    scores = score_gendergap([gold], [[said, believed, saw]])
    assert scores["quote_precision_03"] == 1.0 and scores["predicted_quotes"] == 1
    polnear = GoldDocument("d", "x" * 100, [GoldAttribution(((40, 50),))])
    assert score_polnear([polnear], [[said, believed]])["content_recall"] == 1.0


def test_predict_statements_source_is_the_phrase_as_written(pipeline) -> None:
    """PolNeAR marks the source where the attribution writes it ("she"), not the earlier
    mention of the person it resolves to."""
    from sitroom.evaluate.attribution import predict_statements

    text = 'Mayor Alma Reyes toured the harbour on Monday.\n"We are ready," she said.'
    (found,) = predict_statements(pipeline.nlp, [text])
    quote = next(p for p in found if text[p.content[0] : p.content[1]].startswith('"We'))
    assert quote.speaker == "Alma Reyes"
    assert quote.source is not None and text[quote.source[0] : quote.source[1]] == "she"
    start = text.index('"We')
    gold = GoldDocument(
        "d", text, [GoldAttribution(((start, start + 15),), source=((start + 16, start + 19),))]
    )
    assert score_polnear([gold], [found])["source_recall"] == 1.0


def test_score_polnear_pairs_one_to_one_and_exact() -> None:
    text = 'Officials said "the road was open." Others disagreed.'
    gold = GoldDocument(
        "d", text, [GoldAttribution(((15, 35),), source=((0, 9),), cue=((10, 14),))]
    )
    exact = PredictedStatement((16, 33), (0, 9), (10, 14), "Officials")
    other = PredictedStatement((36, 42), (36, 42), None, None)
    scores = score_polnear([gold], [[exact, other]])
    assert scores["content_recall"] == 1.0 and scores["content_precision"] == 0.5
    assert scores["content_exact_recall"] == 1.0  # quote marks and final stop trimmed
    assert scores["source_f1"] == pytest.approx(2 / 3, abs=1e-3)
    assert scores["cue_exact_f1"] == 1.0


def test_polnear_view_joins_a_quote_continued_after_its_reporting_clause() -> None:
    text = '"We held," Roe said. "We will hold." Li said "no".\nNext "line here".'
    first = PredictedStatement((0, 10), (11, 14), (15, 19), "Jo Roe")
    second = PredictedStatement((21, 36), (11, 14), None, "Jo Roe")
    other = PredictedStatement((45, 49), (37, 39), (40, 44), "Li")
    after_break = PredictedStatement((56, 67), (37, 39), None, "Li")
    view = polnear_view(text, [first, second, other, after_break])
    assert [v.content for v in view] == [(0, 10), (45, 49), (56, 67)]
    assert view[0].more == ((21, 36),)  # a cue-less piece of the same speaker, same paragraph
    gold = GoldDocument("d", text, [GoldAttribution(((0, 10), (21, 36)))])
    scores = score_polnear([gold], [[first, second]])
    assert scores["content_precision"] == 1.0 and scores["content_recall"] == 1.0


def test_polnear_view_drops_a_statement_nested_in_another() -> None:
    text = "Roe said the mayor believes the dam is safe."
    outer = PredictedStatement((9, 43), (0, 3), (4, 8), "Jo Roe")
    inner = PredictedStatement((28, 43), (9, 18), (19, 27), "the mayor")
    assert polnear_view(text, [inner, outer]) == [outer]
    gold = GoldDocument("d", text, [GoldAttribution(((9, 43),), ((0, 3),), ((4, 8),))])
    assert score_polnear([gold], [[outer, inner]])["content_precision"] == 1.0


def test_evaluate_attribution_on_gendergap_sample(pipeline) -> None:
    """A real run on a few GenderGapTracker articles (the full run is in the report)."""
    from sitroom.evaluate.attribution import predict_statements

    _, documents = load_attribution_data(require_path(DATA / "gendergap"), "dev")
    sample = documents[:4]
    predicted = predict_statements(pipeline.nlp, [d.text for d in sample])
    scores = score_gendergap(sample, predicted)
    assert scores["gold_quotes"] == sum(len(d.attributions) for d in sample)
    assert scores["quote_f1_03"] > 0.5


def test_evaluate_attribution_needs_a_statement_component(tmp_path: Path) -> None:
    import spacy

    folder = require_path(DATA / "polnear")
    with pytest.raises(EvaluationDataError, match="sitroom_statements"):
        evaluate_attribution(folder, spacy.blank("en"), split="dev")
