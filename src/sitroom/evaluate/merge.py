"""Score cross-document merging: same-event decisions and near-duplicate documents.

**Same event** (our own stories, ``tests/data/merge/stories/*.json``): each story is a few
articles by different outlets about one crisis, and a gold list of events, each a list of
mentions ``[article id, context, trigger]``: ``context`` is a passage found once in the article
and ``trigger`` the word of it that names the event. Gold thus does not depend on extractor
offsets. Every article goes through the full pipeline, is stored and merged in publication
order. A predicted event mention maps to a gold mention when it lies inside the context and
overlaps the trigger (or is the only predicted mention inside the context). Scores are pairwise
over the gold mentions the extractor found (``event_mentions_found`` of
``event_mentions_gold``): a pair is predicted same when both map to one merged event.

**Near-duplicate documents**: generated at run time from the public articles
(:mod:`sitroom.evaluate._variants`), stored in random order and merged; a pair is predicted
duplicate when both documents are linked to the same first document.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from itertools import combinations
from pathlib import Path
from typing import Any

from spacy.language import Language
from sqlalchemy import select

from ..errors import EvaluationDataError
from ..merge import merge_stored
from ..merge._event_score import EventFeatures, explain
from ..merge._tables import document_duplicates, event_members
from ..model import Document, DocumentResult
from ..pipeline import Pipeline
from ..store import Store
from ._variants import base_articles, generate

DEFAULT_SPLIT = "test"
SPLITS = ("dev", "test", "all")
DEFAULT_DATASETS = Path("../shared/datasets")
"""The public datasets, relative to the repository root (where commands are run from)."""
STORIES_DIR = "stories"


@dataclass(frozen=True)
class Story:
    """Articles about one crisis and the gold events they mention."""

    id: str
    split: str
    articles: tuple[dict[str, str], ...]
    events: tuple[tuple[tuple[str, str, str], ...], ...]


@dataclass
class PairCounts:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0

    def add(self, gold: Sequence[Any], predicted: Sequence[Any]) -> None:
        """Count the pairs of items ``i, j`` by gold label equality and predicted equality."""
        for i, j in combinations(range(len(gold)), 2):
            same_gold, same_predicted = gold[i] == gold[j], predicted[i] == predicted[j]
            self.true_positive += same_gold and same_predicted
            self.false_positive += same_predicted and not same_gold
            self.false_negative += same_gold and not same_predicted

    def metrics(self, prefix: str) -> dict[str, float | int]:
        tp, fp, fn = self.true_positive, self.false_positive, self.false_negative
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            f"{prefix}_precision": round(precision, 4),
            f"{prefix}_recall": round(recall, 4),
            f"{prefix}_f1": round(f1, 4),
            f"{prefix}_pairs_gold": tp + fn,
        }


def read_stories(folder: Path, *, split: str = DEFAULT_SPLIT) -> list[Story]:
    """Read the gold stories of ``split`` (``all`` for every story) from ``folder``."""
    if split not in SPLITS:
        raise EvaluationDataError(f"split {split!r} is not one of {', '.join(SPLITS)}")
    directory = folder / STORIES_DIR if (folder / STORIES_DIR).is_dir() else folder
    paths = sorted(directory.glob("*.json"))
    if not paths:
        raise EvaluationDataError(
            f"no story files (*.json) in {str(directory)!r}; pass tests/data/merge"
        )
    stories = [_read_story(path) for path in paths]
    chosen = [s for s in stories if split == "all" or s.split == split]
    if not chosen:
        raise EvaluationDataError(f"no stories of split {split!r} in {str(directory)!r}")
    return chosen


def _read_story(path: Path) -> Story:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        articles = {a["id"]: a for a in data["articles"]}
        events = tuple(tuple(tuple(m) for m in e["mentions"]) for e in data["events"])
        story = Story(data["id"], data["split"], tuple(data["articles"]), events)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise EvaluationDataError(f"{str(path)!r} is not a merge story file ({exc})") from exc
    for mention in (m for event in events for m in event):
        article_id, context, trigger = mention
        text = articles.get(article_id, {}).get("text", "")
        if text.count(context) != 1 or trigger not in context:
            raise EvaluationDataError(
                f"{str(path)!r}: mention {list(mention)!r} must quote a passage found once in"
                f" article {article_id!r}, containing its trigger"
            )
    return story


def evaluate_merge(
    data: Path,
    nlp: Language,
    *,
    split: str = DEFAULT_SPLIT,
    datasets: Path = DEFAULT_DATASETS,
    seed: int = 0,
) -> dict[str, float | int]:
    """Score same-event merging on the stories in ``data`` and near-duplicates from ``datasets``."""
    metrics = score_events(read_stories(data, split=split), Pipeline(nlp))
    duplicate_split = "test" if split == "all" else split
    metrics |= score_duplicates(datasets, split=duplicate_split, seed=seed)
    return {"split": split, **metrics}  # type: ignore[dict-item]


def score_events(stories: Iterable[Story], pipeline: Pipeline) -> dict[str, float | int]:
    """Pairwise scores of same-event decisions over the stories."""
    counts, found, total = PairCounts(), 0, 0
    for story in stories:
        gold, predicted = _story_labels(story, pipeline)
        counts.add(gold, predicted)
        found += len(gold)
        total += sum(len(event) for event in story.events)
    return counts.metrics("event") | {"event_mentions_found": found, "event_mentions_gold": total}


def _story_labels(story: Story, pipeline: Pipeline) -> tuple[list[int], list[int]]:
    """Gold event index and predicted merged event of every gold mention the extractor found."""
    run = _run_story(story, pipeline)
    return run.gold, run.predicted


@dataclass
class _StoryRun:
    """One story merged: per found gold mention, its gold event, merged event and member."""

    gold: list[int]
    predicted: list[int]
    found: list[tuple[str, str, str, EventFeatures]]  # article id, passage, trigger, member
    missing: list[tuple[int, str, str, str]]  # gold event index, article id, passage, trigger


def _run_story(story: Story, pipeline: Pipeline) -> _StoryRun:
    store = Store.memory()
    try:
        ids: dict[str, str] = {}
        texts: dict[str, str] = {}
        for article in sorted(story.articles, key=lambda a: a["published"]):
            document = Document(
                text=article["text"],
                title=article.get("title"),
                source=article.get("source"),
                published=article["published"],
                origin=f"{story.id}/{article['id']}",
            )
            store.add(document, pipeline.analyse(document))
            merge_stored(store, document.id)
            ids[article["id"]], texts[article["id"]] = document.id, document.text
        with store.engine.connect() as connection:
            rows = list(connection.execute(select(event_members)).mappings())
        mentions = [
            (m["start"], m["end"], row["document_id"], row["id"])
            for row in store.events()
            for m in row["mentions"]
        ]
    finally:
        store.close()
    members = {(row["document_id"], row["event_id"]): row for row in rows}
    run = _StoryRun([], [], [], [])
    for index, event in enumerate(story.events):
        for article_id, context, trigger in event:
            hit = _find(mentions, ids[article_id], texts[article_id], context, trigger)
            if hit is None:
                run.missing.append((index, article_id, context, trigger))
                continue
            row = members[hit]
            run.gold.append(index)
            run.predicted.append(row["merged_id"])
            run.found.append((article_id, context, trigger, _features(row)))
    return run


def _features(row: Any) -> EventFeatures:
    names = [field.name for field in fields(EventFeatures)]
    return EventFeatures(**{name: row[name] for name in names})


def event_errors(stories: Iterable[Story], pipeline: Pipeline) -> list[dict[str, Any]]:
    """Every wrong same-event decision (``false merge`` or ``missed`` pair) with both mentions
    and the parts of their score, and every gold mention the extractor did not produce
    (``not extracted``): the material of an error analysis."""
    errors: list[dict[str, Any]] = []
    for story in stories:
        run = _run_story(story, pipeline)
        names = [f"{story.id}#{index}" for index in range(len(story.events))]
        for i, j in combinations(range(len(run.gold)), 2):
            same_gold, same_predicted = (
                run.gold[i] == run.gold[j],
                run.predicted[i] == run.predicted[j],
            )
            if same_gold == same_predicted:
                continue
            first, second = run.found[i], run.found[j]
            errors.append(
                {
                    "story": story.id,
                    "error": "false merge" if same_predicted else "missed",
                    "gold": [names[run.gold[i]], names[run.gold[j]]],
                    "mentions": [_described(first), _described(second)],
                    **asdict(explain(first[3], second[3])),
                }
            )
        for index, article_id, context, trigger in run.missing:
            errors.append(
                {
                    "story": story.id,
                    "error": "not extracted",
                    "gold": [names[index]],
                    "mentions": [{"article": article_id, "passage": context, "trigger": trigger}],
                }
            )
    return errors


def _described(found: tuple[str, str, str, EventFeatures]) -> dict[str, Any]:
    article_id, context, trigger, member = found
    keep = ("type", "day", "country", "trigger", "actor", "target", "text", "context")
    return {"article": article_id, "passage": context, "gold_trigger": trigger} | {
        name: getattr(member, name) for name in keep
    }


def _find(
    mentions: list[tuple[int, int, str, str]], doc_id: str, text: str, context: str, trigger: str
) -> tuple[str, str] | None:
    begin = text.index(context)
    end = begin + len(context)
    at = begin + context.index(trigger)
    inside = [m for m in mentions if m[2] == doc_id and begin <= m[0] and m[1] <= end]
    on_trigger = [m for m in inside if m[0] < at + len(trigger) and at < m[1]]
    chosen = on_trigger or (inside if len(inside) == 1 else [])
    return (chosen[0][2], chosen[0][3]) if chosen else None


def score_duplicates(
    datasets: Path, *, split: str, seed: int = 0, limit: int | None = None
) -> dict[str, float | int]:
    """Pairwise scores of near-duplicate links on documents generated from the public articles
    (the first ``limit`` usable base articles of the split; all by default)."""
    documents = generate(base_articles(datasets, split)[:limit], seed=seed)
    store = Store.memory()
    try:
        stored: dict[str, str] = {}
        for generated in documents:
            document = Document(text=generated.text, origin=generated.id)
            if store.add(document, DocumentResult(document=document.info())):
                merge_stored(store, document.id)
                stored[generated.id] = document.id
        with store.engine.connect() as connection:
            links = dict(
                connection.execute(
                    select(document_duplicates.c.document_id, document_duplicates.c.duplicate_of)
                ).all()
            )
    finally:
        store.close()
    kept = [g for g in documents if g.id in stored]
    gold = [g.base for g in kept]
    predicted = [links.get(stored[g.id], stored[g.id]) for g in kept]
    counts = PairCounts()
    counts.add(gold, predicted)
    return counts.metrics("duplicate") | {
        "duplicate_documents": len(kept),
        "duplicate_bases": len(set(gold)),
    }
