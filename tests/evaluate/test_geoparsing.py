"""Geoparsing evaluation: the three corpus layouts, the metrics, and a run on each corpus."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from sitroom.errors import EvaluationDataError
from sitroom.evaluate._geoxml import read_geoparsing
from sitroom.evaluate.geoparsing import (
    MAX_ERROR_KM,
    Scored,
    evaluate_geoparsing,
    recognition_metrics,
    resolution_metrics,
)
from sitroom.extract import places  # noqa: F401 - registers sitroom_places
from sitroom.geo import build_gazetteer
from sitroom.geo._sources import PlaceRecord
from tests.conftest import DATASETS, require_path

GAZTAG = """<?xml version="1.0" encoding="utf-8"?>
<articles><article docid="1"><text><![CDATA[Floods hit Lorvik and Veldania.]]></text>
<toponyms><toponym><start>11</start><end>17</end><phrase>Lorvik</phrase>
<gaztag geonameid="11"><name>Lorvik</name><lat>60.0</lat><lon>10.0</lon></gaztag></toponym>
<toponym><start>22</start><end>30</end><phrase>Veldania</phrase>
<gaztag geonameid="12"><name>Veldania</name><lat>48.0</lat><lon>20.0</lon></gaztag></toponym>
</toponyms></article></articles>"""

GWN = """<?xml version="1.0" ?>
<articles><article file="0"><title>t</title><text>Floods hit Lorvik and its citizens.</text>
<toponyms><toponym><extractedName>Lorvik</extractedName><start>11</start><end>17</end>
<geonamesID>11</geonamesID><latitude>60.0</latitude><longitude>10.0</longitude></toponym>
<toponym><extractedName>citizens</extractedName><start>26</start><end>34</end></toponym>
</toponyms></article></articles>"""

# GeoVirus offsets are sometimes one character off: the reader realigns them on the name.
GEOVIRUS = """<articles><article><source>s</source><text>Floods hit Lorvik.</text>
<locations><location><name>Lorvik</name><start>12</start><end>18</end><lat>60.0</lat>
<lon>10.0</lon><page>p</page></location></locations></article></articles>"""


@pytest.mark.parametrize("xml", [GAZTAG, GWN, GEOVIRUS])
def test_read_geoparsing_reads_each_layout(tmp_path: Path, xml: str) -> None:
    path = tmp_path / "corpus.xml"
    path.write_text(xml, encoding="utf-8")
    articles = read_geoparsing(path)
    first = articles[0].toponyms[0]
    assert articles[0].text[first.start : first.end] == "Lorvik"
    assert (first.lat, first.lon) == (60.0, 10.0)
    assert first.geonameid == (None if xml is GEOVIRUS else 11)
    assert len(articles[0].toponyms) == (2 if xml is GAZTAG else 1)  # no coordinates: skipped


def test_read_geoparsing_rejects_other_files(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text("not xml", encoding="utf-8")
    with pytest.raises(EvaluationDataError, match="cannot read"):
        read_geoparsing(path)


def test_resolution_metrics_counts_unresolved_as_max_error(tmp_path: Path) -> None:
    path = tmp_path / "c.xml"
    path.write_text(GAZTAG, encoding="utf-8")
    first, second = read_geoparsing(path)[0].toponyms
    metrics = resolution_metrics([Scored(first, 10.0), Scored(second, MAX_ERROR_KM)])
    assert metrics["acc_161"] == metrics["acc_161_geonames"] == 0.5
    assert metrics["unresolved"] == 1 and metrics["n"] == 2
    expected_auc = (math.log(11) + math.log(1 + MAX_ERROR_KM)) / 2 / math.log(MAX_ERROR_KM)
    assert metrics["auc"] == pytest.approx(expected_auc, abs=1e-3)


def test_recognition_metrics() -> None:
    assert recognition_metrics(3, 4, 6) == {"precision": 0.75, "recall": 0.5, "f1": 0.6}
    assert recognition_metrics(0, 0, 3)["f1"] == 0.0


@pytest.fixture
def blank_nlp(tmp_path: Path) -> Language:
    path = tmp_path / "g.sqlite"
    build_gazetteer(
        path, records=[PlaceRecord("Lorvik", 60.1, 10.1, "NO", "town", 20_000, 11, None, set())]
    )
    nlp = spacy.blank("en")
    nlp.add_pipe(
        "sitroom_places", config={"gazetteer": {"@misc": "sitroom.gazetteer.v1", "path": str(path)}}
    )
    return nlp


def test_evaluate_geoparsing_with_gold_spans(tmp_path: Path, blank_nlp: Language) -> None:
    path = tmp_path / "c.xml"
    path.write_text(GAZTAG, encoding="utf-8")
    report = evaluate_geoparsing(path, blank_nlp, gold_spans=True)
    assert report["n"] == 2 and report["acc_161"] == 0.5  # Veldania is not in this gazetteer
    assert "f1" not in report
    assert blank_nlp.get_pipe("sitroom_places").adjectives is False  # restored afterwards


def test_evaluate_geoparsing_end_to_end_scores_recognition(
    tmp_path: Path, blank_nlp: Language
) -> None:
    path = tmp_path / "c.xml"
    path.write_text(GAZTAG, encoding="utf-8")
    report = evaluate_geoparsing(path, blank_nlp, gold_spans=False)
    assert report["recall"] == 0.0 and report["n"] == 0  # a blank pipeline finds no names


@pytest.mark.parametrize("corpus", ["GWN.xml", "lgl.xml", "TR-News.xml", "GeoVirus.xml"])
def test_public_corpora_read_and_align(corpus: str) -> None:
    articles = read_geoparsing(require_path(DATASETS / "geoparsing" / corpus))
    toponyms = [(a, t) for a in articles for t in a.toponyms]
    assert len(articles) > 100 and len(toponyms) > 1000
    aligned = sum(a.text[t.start : t.end] == t.name for a, t in toponyms)
    assert aligned / len(toponyms) > 0.99
