"""The one-pass pipeline: components in order, contract output, batches that survive failures."""

from __future__ import annotations

import json
from datetime import date

import jsonschema
import pytest
import spacy
from spacy.language import Language

from sitroom import model
from sitroom.errors import AnalysisError, ModelNotInstalled
from sitroom.pipeline import EXTRACTORS, SEGMENTER, Pipeline, load_nlp

ARTICLE = (
    "GAO, Mali (Sitroom Wire) — Soldiers of the Malian army clashed with rebels near Gao on "
    "Tuesday, the defence ministry said.\n"
    "Defence Minister Ibrahim Diallo said the army had repelled the attack.\n"
    "Diallo's spokesman said on Wednesday that 12 soldiers were wounded.\n"
)


def _document(text: str = ARTICLE, **fields: str) -> model.Document:
    from sitroom.ingest import document_from_text

    document = document_from_text(text, origin="test.txt")
    return document.model_copy(update=fields)


def test_pipeline_components_in_order(pipeline: Pipeline) -> None:
    names = pipeline.nlp.pipe_names
    assert names.index(SEGMENTER) < names.index("parser")
    for name in EXTRACTORS:
        assert names.index(name) > names.index("ner")


def test_pipeline_factories_registered(pipeline: Pipeline) -> None:
    registered = {name for name in Language.factories if name.startswith("sitroom_")}
    assert registered == {SEGMENTER, *EXTRACTORS}


def test_pipeline_result_validates_against_schema(pipeline: Pipeline) -> None:
    result = pipeline.analyse(_document(published="2024-03-14"))
    data = json.loads(result.to_json())
    jsonschema.validate(data, model.json_schema())
    for item in data["entities"] + data["places"]:
        for mention in item["mentions"]:
            assert ARTICLE[mention["start"] : mention["end"]] == mention["text"]
    for time in data["times"]:
        assert ARTICLE[time["start"] : time["end"]] == time["text"]


def test_pipeline_resolves_weekdays_against_published(pipeline: Pipeline) -> None:
    # 2024-03-14 is a Thursday: Tuesday is the 12th, Wednesday the 13th.
    result = pipeline.analyse(_document(published="2024-03-14"))
    values = {t.text: t.value for t in result.times}
    assert values.get("Tuesday") == "2024-03-12"
    assert values.get("Wednesday") == "2024-03-13"


def test_pipeline_without_published_date_leaves_relative_times_null(pipeline: Pipeline) -> None:
    result = pipeline.analyse(_document())
    assert result.document.published is None
    assert [t.value for t in result.times if t.text in ("Tuesday", "Wednesday")] == [None, None]


def test_pipeline_groups_person_mentions(pipeline: Pipeline) -> None:
    result = pipeline.analyse(_document())
    people = [e for e in result.entities if e.type == "PERSON"]
    diallo = [e for e in people if e.name.endswith("Diallo")]
    assert len(diallo) == 1
    assert diallo[0].name == "Ibrahim Diallo"
    assert len(diallo[0].mentions) == 2


def test_pipeline_skips_non_english(pipeline: Pipeline) -> None:
    document = _document("Войска вошли в город во вторник, сообщило министерство обороны.\n")
    assert document.language != "en"
    result = pipeline.analyse(document)
    assert result.document.language == document.language
    assert result.entities == result.times == result.places == []


def test_pipeline_analyse_many_keeps_order_and_isolates_failures() -> None:
    nlp = spacy.blank("en")

    @Language.component("sitroom_test_explode")
    def explode(doc):  # a component that fails on one document only
        if "EXPLODE" in doc.text:
            raise RuntimeError("boom")
        return doc

    nlp.add_pipe("sitroom_test_explode")
    runner = Pipeline(nlp, batch_size=4)
    texts = [f"Report number {i} about the front line." for i in range(7)]
    texts[2] = "This one will EXPLODE the pipeline."
    out = list(runner.analyse_many(_document(t) for t in texts))
    assert [d.text for d, _ in out] == texts
    assert isinstance(out[2][1], AnalysisError) and "boom" in out[2][1].reason
    assert all(isinstance(r, model.DocumentResult) for i, (_, r) in enumerate(out) if i != 2)


def test_pipeline_missing_model_is_a_clear_error() -> None:
    with pytest.raises(ModelNotInstalled, match="no_such_model_xyz"):
        load_nlp("no_such_model_xyz")


def test_pipeline_seed_weekdays_and_schema(pipeline: Pipeline, seed_text: str) -> None:
    """The seed article (published Friday 2022-02-25): every weekday resolves right."""
    from sitroom.ingest import IngestOptions, document_from_text

    document = document_from_text(
        seed_text, origin="seed", options=IngestOptions(published="2022-02-25")
    )
    result = pipeline.analyse(document)
    jsonschema.validate(json.loads(result.to_json()), model.json_schema())
    published = date(2022, 2, 25)
    weekdays = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
    checked = 0
    for time in result.times:
        named = [w for w in weekdays if w in time.text]
        if named and time.precision == "day":
            expected = _previous_or_same(published, weekdays.index(named[0]))
            assert time.value == expected.isoformat(), time
            checked += 1
    assert checked >= 15


def _previous_or_same(day: date, weekday: int) -> date:
    from datetime import timedelta

    return day - timedelta(days=(day.weekday() - weekday) % 7)


def test_pipeline_saved_pipeline_loads_without_importing_sitroom(tmp_path) -> None:
    """The spacy_factories / spacy_misc entry points let plain spacy.load() find our parts."""
    import subprocess
    import sys

    load_nlp().to_disk(tmp_path / "saved")
    # No "import sitroom" here: spaCy must find the factories and loaders by entry point.
    code = "import sys, spacy; print(','.join(spacy.load(sys.argv[1]).pipe_names))"
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "saved")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert {SEGMENTER, *EXTRACTORS} <= set(done.stdout.strip().split(","))
