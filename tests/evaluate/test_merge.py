"""The merge scorer: our stories' gold, pairwise counting, mention mapping, near-duplicates."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from sitroom.errors import EvaluationDataError
from sitroom.evaluate._variants import VARIANTS, base_articles, generate
from sitroom.evaluate.merge import (
    PairCounts,
    _find,
    read_stories,
    score_duplicates,
    score_events,
)
from sitroom.pipeline import Pipeline
from tests.conftest import DATASETS, require_path

DATA = Path(__file__).resolve().parents[1] / "data" / "merge"
MIN_STORIES = 6


def test_merge_stories_are_enough_and_valid() -> None:
    stories = read_stories(DATA, split="all")
    assert len(stories) >= MIN_STORIES
    assert {s.split for s in stories} == {"dev", "test"}
    for story in stories:
        assert 3 <= len(story.articles) <= 6
        assert len({a["source"] for a in story.articles}) >= 2
        assert any(len(event) > 1 for event in story.events)
        assert len({a["text"] for a in story.articles}) == len(story.articles)


def test_merge_story_with_a_bad_mention_is_refused(tmp_path: Path) -> None:
    story = {
        "id": "s",
        "split": "dev",
        "articles": [{"id": "a1", "published": "2024-01-01", "text": "Troops shelled a town."}],
        "events": [{"id": "e", "mentions": [["a1", "bombed a town", "bombed"]]}],
    }
    (tmp_path / "s.json").write_text(json.dumps(story), encoding="utf-8")
    with pytest.raises(EvaluationDataError, match="found once in article 'a1'"):
        read_stories(tmp_path, split="dev")
    with pytest.raises(EvaluationDataError, match="split 'train'"):
        read_stories(tmp_path, split="train")


def test_merge_pair_counts() -> None:
    counts = PairCounts()
    counts.add(["a", "a", "a", "b"], [1, 1, 2, 2])
    # Gold pairs: 3 (all "a"); predicted pairs: (0,1) right, (2,3) wrong.
    assert (counts.true_positive, counts.false_positive, counts.false_negative) == (1, 1, 2)
    metrics = counts.metrics("event")
    assert (metrics["event_precision"], metrics["event_recall"]) == (0.5, 0.3333)


def test_merge_find_maps_mentions_by_trigger() -> None:
    text = "Yesterday gunmen attacked and looted the depot."
    at = text.index("attacked")
    looted = text.index("looted")
    mentions = [(at, at + 8, "d", "v1"), (looted, looted + 6, "d", "v2")]
    assert _find(mentions, "d", text, "gunmen attacked and looted", "looted") == ("d", "v2")
    assert _find(mentions, "d", text, "gunmen attacked", "gunmen") == ("d", "v1")  # the only one
    assert _find(mentions, "other", text, "gunmen attacked", "attacked") is None


def test_merge_variants_differ_and_keep_most_of_the_text() -> None:
    text = "\n\n".join(
        f"Paragraph {n} says something about the flood in place {n}." for n in range(8)
    )
    for name, make in VARIANTS.items():
        variant = make(text, random.Random(1))
        assert variant != text, name
        assert len(variant) >= 0.4 * len(text), name
    documents = generate([("x", text), ("y", text.upper())], seed=3, copied_share=1.0)
    assert {d.base for d in documents} == {"x", "y"} and len(documents) > 2


def test_merge_near_duplicates_on_public_articles() -> None:
    datasets = require_path(DATASETS / "geoparsing" / "GWN.xml").parents[1]
    assert len(base_articles(datasets, "dev")) > 100
    metrics = score_duplicates(datasets, split="dev", limit=60)
    assert metrics["duplicate_pairs_gold"] > 20
    assert metrics["duplicate_precision"] >= 0.95 and metrics["duplicate_recall"] >= 0.95


def test_merge_same_event_scores_on_one_story(pipeline: Pipeline) -> None:
    [story] = [s for s in read_stories(DATA, split="dev") if s.id == "okpara-school"]
    metrics = score_events([story], pipeline)
    assert metrics["event_mentions_found"] > 0.7 * metrics["event_mentions_gold"]
    # A bound that catches a broken merge, not the quality target (`sitroom eval merge` reports
    # that): since the extractor also finds participles, "pupils abducted ... have been freed"
    # links the rescue to the abduction through a third report (docs/merge.md, known gaps).
    assert metrics["event_precision"] >= 0.7 and metrics["event_recall"] >= 0.5
