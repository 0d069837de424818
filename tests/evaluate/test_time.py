"""Tests for ``sitroom.evaluate.time``: TimeML reading, the scorer's arithmetic, platinum."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

import sitroom.evaluate
from sitroom.errors import EvaluationDataError
from sitroom.evaluate._timeml import Timex, read_timeml
from sitroom.evaluate.time import (
    PredictedTime,
    build_time_nlp,
    evaluate_time,
    score_times,
    timeml_files,
)
from sitroom.extract._extensions import TIMES_KEY, register_extensions
from tests.conftest import require_path

TIME_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "datasets" / "time"
# TempEval-3 acceptance targets of the foundation issue (HeidelTime scored about 90 / 78).
TARGET_RELAXED_F1 = 0.90
TARGET_VALUE_F1 = 0.78

SYNTHETIC_TML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>synthetic</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2022-02-25" functionInDocument="CREATION_TIME">\
February 25, 2022</TIMEX3></DCT>
<TEXT>
AT&amp;T <EVENT eid="e1" class="REPORTING">said</EVENT> on \
<TIMEX3 tid="t1" type="DATE" value="2022-02-25">Friday</TIMEX3> that the siege had \
<EVENT eid="e2" class="OCCURRENCE">lasted</EVENT> \
<TIMEX3 tid="t2" type="DURATION" value="P3Y">three years</TIMEX3>, since \
<TIMEX3 tid="t3" type="DATE" value="2014">2014</TIMEX3>, and goes on now.
</TEXT>
</TimeML>
"""
# What the fake pipeline predicts: (text, value). "on Friday" overlaps gold "Friday" with the
# right value; "three years" is exact with a wrong value; "now" is spurious; "2014" is missed.
FAKE_PREDICTIONS = [("on Friday", "2022-02-25"), ("three years", "P2Y"), ("now", "PRESENT_REF")]


@Language.component("test_fake_times")
def fake_times(doc: Doc) -> Doc:
    """Predict FAKE_PREDICTIONS wherever their text occurs."""
    spans = []
    for text, value in FAKE_PREDICTIONS:
        start = doc.text.find(text)
        span = doc.char_span(start, start + len(text)) if start >= 0 else None
        if span is not None:
            span = Span(doc, span.start, span.end)
            span._.sitroom_time_value = value
            spans.append(span)
    doc.spans[TIMES_KEY] = spans
    return doc


@pytest.fixture
def synthetic_dir(tmp_path: Path) -> Path:
    (tmp_path / "synthetic.tml").write_text(SYNTHETIC_TML, encoding="utf-8")
    return tmp_path


@pytest.fixture(scope="session")
def nlp() -> Language:
    return build_time_nlp()


def test_evaluate_exports() -> None:
    assert sitroom.evaluate.__all__ == sorted(sitroom.evaluate.__all__)
    assert {"build_time_nlp", "evaluate_time"} <= set(sitroom.evaluate.__all__)


def test_read_timeml_strips_tags_and_maps_offsets(synthetic_dir: Path) -> None:
    document = read_timeml(synthetic_dir / "synthetic.tml")
    assert document.creation_date is not None
    assert document.creation_date.isoformat() == "2022-02-25"
    assert document.text.startswith("\nAT&T said on Friday")
    assert [(t.text, t.value) for t in document.timexes] == [
        ("Friday", "2022-02-25"),
        ("three years", "P3Y"),
        ("2014", "2014"),
    ]  # the creation time is not among them
    assert all(document.text[t.start : t.end] == t.text for t in document.timexes)


def test_evaluate_time_arithmetic(synthetic_dir: Path) -> None:
    register_extensions()
    nlp = spacy.blank("en")
    nlp.add_pipe("test_fake_times")
    scores = evaluate_time(synthetic_dir, nlp)
    assert (scores["n_docs"], scores["n_gold"], scores["n_pred"]) == (1, 3, 3)
    assert (scores["strict_tp"], scores["relaxed_tp"], scores["value_correct"]) == (1, 2, 1)
    assert scores["strict_precision"] == pytest.approx(1 / 3)
    assert scores["strict_recall"] == pytest.approx(1 / 3)
    assert scores["relaxed_precision"] == pytest.approx(2 / 3)
    assert scores["relaxed_recall"] == pytest.approx(2 / 3)
    assert scores["relaxed_f1"] == pytest.approx(2 / 3)
    assert scores["value_accuracy"] == pytest.approx(1 / 2)
    assert scores["value_precision"] == pytest.approx(1 / 3)
    assert scores["value_f1"] == pytest.approx(1 / 3)
    assert scores["relaxed_recall_duration"] == 1.0
    assert scores["relaxed_recall_date"] == pytest.approx(1 / 2)


def test_score_times_pairs_one_to_one() -> None:
    gold = [Timex(0, 4, "2009", "2009", "DATE"), Timex(5, 9, "2010", "2010", "DATE")]
    scores = score_times([(gold, [PredictedTime(0, 9, "2009")])])
    assert (scores["relaxed_tp"], scores["value_correct"]) == (1, 1)
    assert scores["relaxed_recall"] == 0.5
    assert scores["relaxed_precision"] == 1.0


def test_score_times_no_predictions_scores_zero() -> None:
    scores = score_times([([Timex(0, 4, "2009", "2009", "DATE")], [])])
    assert scores["relaxed_f1"] == 0.0
    assert scores["value_f1"] == 0.0


def test_timeml_files_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(EvaluationDataError, match=r"no TimeML \.tml files under"):
        timeml_files(tmp_path / "nowhere")


def test_timeml_files_unknown_split(synthetic_dir: Path) -> None:
    with pytest.raises(EvaluationDataError, match="unknown split 'validation'"):
        timeml_files(synthetic_dir, "validation")


def test_read_timeml_rejects_other_xml(tmp_path: Path) -> None:
    path = tmp_path / "other.tml"
    path.write_text("<html><body>hello</body></html>", encoding="utf-8")
    with pytest.raises(EvaluationDataError, match="no <TEXT> element"):
        read_timeml(path)


def test_evaluate_time_platinum_meets_targets(nlp: Language) -> None:
    """The TempEval-3 platinum test set (needs ../shared/datasets/time)."""
    require_path(TIME_DATA / "te3-platinum")
    scores = evaluate_time(TIME_DATA, nlp, split="test")
    assert scores["n_docs"] == 20
    assert scores["n_gold"] == 138
    assert scores["relaxed_f1"] >= TARGET_RELAXED_F1
    assert scores["value_f1"] >= TARGET_VALUE_F1
