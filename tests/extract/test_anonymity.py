"""'Asked not to be named': a source's condition for speaking, neither a demand nor a statement."""

from __future__ import annotations

from importlib.resources import files

import pytest

from sitroom.extract._base import ANONYMITY_FILE, anonymity_verbs
from sitroom.model import Document
from sitroom.pipeline import Pipeline


def test_anonymity_verbs_rows_sorted_unique() -> None:
    lines = files("sitroom.data").joinpath(ANONYMITY_FILE).read_text("utf-8").splitlines()
    assert lines[0] == "lemma" and lines[1:] == sorted(set(lines[1:]))
    assert {"name", "identify"} <= anonymity_verbs()


@pytest.mark.parametrize(
    "text",
    [
        "A nurse, who asked not to be named, said 12 patients had been moved.",
        "An engineer who requested not to be identified said 12 patients had been moved.",
    ],
)
def test_anonymity_request_is_no_demand_and_no_statement(pipeline: Pipeline, text: str) -> None:
    result = pipeline.analyse(Document(text=text, published="2024-05-02"))
    assert [s.text for s in result.statements] == ["12 patients had been moved"]
    assert "DEMAND" not in {e.type for e in result.events}


def test_a_request_of_others_stays_a_demand(pipeline: Pipeline) -> None:
    text = "The governor asked residents not to leave their homes."
    result = pipeline.analyse(Document(text=text, published="2024-05-02"))
    assert [s.stance for s in result.statements] == ["urge"]
    assert [e.type for e in result.events] == ["DEMAND"]
