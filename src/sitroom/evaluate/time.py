"""Score time expressions against TimeML gold data, the TempEval-3 way.

``evaluate_time`` runs a spaCy pipeline that contains ``sitroom_times`` over the TEXT of each
``.tml`` file (tags stripped, the document creation time given as the published date) and
compares the spans in ``doc.spans[TIMES_KEY]`` with the gold TIMEX3s of the TEXT (the creation
time itself is not scored). As in the TempEval-3 entity scorer, a gold and a predicted timex
match *strictly* when their extents are equal and *relaxed* when they overlap; pairs are one to
one. ``value_accuracy`` is the share of relaxed pairs whose values are equal, and ``value_f1``
credits a pair only when it matches and its value is equal (P = correct / predicted,
R = correct / gold). Scoring is type-agnostic: Sitroom predicts no TIMEX3 ``type``.

It does not time the pipeline, write TimeML, or score TLINKs or events.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language

from ..errors import EvaluationDataError
from ..extract._extensions import TIMES_KEY, register_extensions
from ..pipeline import DEFAULT_MODEL, load_nlp
from ._timeml import TimeMLDocument, Timex, read_timeml

DEFAULT_SPLIT = "test"
# TBAQ-cleaned (TimeBank + AQUAINT) is the TempEval-3 training data: tune on it; the platinum
# set is the TempEval-3 test set: report on it.
SPLIT_FOLDERS = {"train": "TBAQ-cleaned", "dev": "TBAQ-cleaned", "test": "te3-platinum"}
TIMES_FACTORY = "sitroom_times"
BATCH_SIZE = 16


@dataclass(frozen=True)
class PredictedTime:
    """A time expression found by the pipeline, as offsets into the document text."""

    start: int
    end: int
    value: str | None


def build_time_nlp(model: str = DEFAULT_MODEL) -> Language:
    """Load the spaCy pipeline ``model`` with the segmenter and ``sitroom_times``."""
    return load_nlp(model, components=(TIMES_FACTORY,))


def timeml_files(data_dir: Path, split: str | None = None) -> list[Path]:
    """Return the ``.tml`` files of ``split`` under ``data_dir``, sorted by path.

    ``data_dir`` is the folder holding ``te3-platinum/`` and ``TBAQ-cleaned/``; without a
    ``split`` it may also be a folder of ``.tml`` files itself.
    """
    if split is not None and split not in SPLIT_FOLDERS:
        raise EvaluationDataError(
            f"unknown split {split!r} for time; use one of {', '.join(sorted(SPLIT_FOLDERS))}"
        )
    root = Path(data_dir) / SPLIT_FOLDERS[split or DEFAULT_SPLIT]
    if split is None and not root.is_dir():
        root = Path(data_dir)
    files = sorted(root.rglob("*.tml")) if root.is_dir() else []
    if not files:
        raise EvaluationDataError(
            f"no TimeML .tml files under {root}; pass the folder that holds te3-platinum/ and "
            f"TBAQ-cleaned/ (../shared/datasets/time)"
        )
    return files


def evaluate_time(
    data_dir: Path, nlp: Language, *, split: str | None = None
) -> dict[str, float | int]:
    """Run ``nlp`` over the TimeML documents of ``split`` and return strict, relaxed and value
    scores (``test`` = TempEval-3 platinum by default, ``train``/``dev`` = TBAQ-cleaned)."""
    documents = [read_timeml(path) for path in timeml_files(data_dir, split)]
    predictions = predict_times(nlp, documents)
    return score_times(
        (doc.timexes, predicted) for doc, predicted in zip(documents, predictions, strict=True)
    )


def predict_times(nlp: Language, documents: Sequence[TimeMLDocument]) -> list[list[PredictedTime]]:
    """Run ``nlp`` over each document's text with its creation date as the published date."""
    register_extensions()
    docs = []
    for document in documents:
        doc = nlp.make_doc(document.text)
        doc._.sitroom_published = document.creation_date
        docs.append(doc)
    results = []
    for doc in nlp.pipe(docs, batch_size=BATCH_SIZE):
        spans = doc.spans.get(TIMES_KEY, [])
        results.append(
            [PredictedTime(s.start_char, s.end_char, s._.sitroom_time_value) for s in spans]
        )
    return results


def score_times(
    documents: Iterable[tuple[Sequence[Timex], Sequence[PredictedTime]]],
) -> dict[str, float | int]:
    """Sum the matches of every (gold, predicted) document pair and return the scores."""
    counts: Counter[str] = Counter()
    gold_types: Counter[str] = Counter()
    found_types: Counter[str] = Counter()
    for gold, predicted in documents:
        counts["n_docs"] += 1
        counts["n_gold"] += len(gold)
        counts["n_pred"] += len(predicted)
        for g, p in _match(gold, predicted):
            counts["relaxed_tp"] += 1
            counts["strict_tp"] += (g.start, g.end) == (p.start, p.end)
            counts["value_correct"] += g.value == p.value
            found_types[g.type] += 1
        gold_types.update(g.type for g in gold)
    return _metrics(counts, gold_types, found_types)


def _match(
    gold: Sequence[Timex], predicted: Sequence[PredictedTime]
) -> list[tuple[Timex, PredictedTime]]:
    """Pair gold and predicted spans one to one: equal extents first, then largest overlap."""
    pairs: list[tuple[Timex, PredictedTime]] = []
    by_extent = {(p.start, p.end): p for p in predicted}
    free_gold = []
    for g in gold:
        p = by_extent.pop((g.start, g.end), None)
        if p is None:
            free_gold.append(g)
        else:
            pairs.append((g, p))
    free_pred = list(by_extent.values())
    overlaps = sorted(  # largest overlap first; ties go to the earlier spans
        (
            (max(g.start, p.start) - min(g.end, p.end), i, j)
            for i, g in enumerate(free_gold)
            for j, p in enumerate(free_pred)
            if g.start < p.end and p.start < g.end
        )
    )
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    for _, i, j in overlaps:
        if i not in used_gold and j not in used_pred:
            used_gold.add(i)
            used_pred.add(j)
            pairs.append((free_gold[i], free_pred[j]))
    return pairs


def _metrics(
    counts: Counter[str], gold_types: Counter[str], found_types: Counter[str]
) -> dict[str, float | int]:
    n_gold, n_pred = counts["n_gold"], counts["n_pred"]
    result: dict[str, float | int] = {
        "n_docs": counts["n_docs"],
        "n_gold": n_gold,
        "n_pred": n_pred,
        "strict_tp": counts["strict_tp"],
        "relaxed_tp": counts["relaxed_tp"],
        "value_correct": counts["value_correct"],
    }
    for kind, hits in (
        ("strict", counts["strict_tp"]),
        ("relaxed", counts["relaxed_tp"]),
        ("value", counts["value_correct"]),
    ):
        precision, recall = _ratio(hits, n_pred), _ratio(hits, n_gold)
        result[f"{kind}_precision"] = precision
        result[f"{kind}_recall"] = recall
        result[f"{kind}_f1"] = _ratio(2 * precision * recall, precision + recall)
    result["value_accuracy"] = _ratio(counts["value_correct"], counts["relaxed_tp"])
    # Recall per gold TIMEX3 type shows where misses come from; it needs no predicted type.
    for timex_type in sorted(gold_types):
        key = f"relaxed_recall_{timex_type.lower()}"
        result[key] = _ratio(found_types[timex_type], gold_types[timex_type])
    return result


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0
