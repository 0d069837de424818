"""Score figures against Sitroom's own gold sentences (``tests/data/figures_gold.jsonl``).

No public gold exists for casualty and displacement figures, so the gold is a JSONL file of
sentences written for Sitroom, one object per line: ``id``, ``split`` (``dev`` or ``test``),
``text`` and ``figures``, a list of ``{"number", "metric", "value", "qualifier"}`` plus, when
they matter, ``low``/``high`` (a range), ``unit`` and ``who``. ``number`` is the text of the
count as it first appears in the sentence ("100,000", "Dozens", "No one"): a predicted figure
matches a gold one when its span overlaps that text (one to one, in order). A sentence with no
figures lists none, so every figure found in it is a false positive.

``precision`` and ``recall`` score finding the figures; over the matched pairs,
``value_accuracy`` is the share whose value, low and high are all equal, ``metric_accuracy``
and ``qualifier_accuracy`` the shares with the gold metric and qualifier, ``unit_accuracy`` and
``who_accuracy`` the same over the gold figures that give a unit or a who, and
``exact_accuracy`` the share right in metric, value and qualifier at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language

from ..errors import EvaluationDataError
from ..extract._extensions import FIGURES_KEY, register_extensions
from ..extract.figures import DEFAULT_NAME
from ..pipeline import DEFAULT_MODEL, load_nlp

DEFAULT_SPLIT = "test"
# The figures component reads the times component's spans for its dates.
COMPONENTS = ("sitroom_times", DEFAULT_NAME)
SPLITS = frozenset({"dev", "test"})
VALUE_FIELDS = ("value", "low", "high")


@dataclass(frozen=True)
class GoldSentence:
    """One gold sentence and its figures (each a dict with at least the four keys)."""

    id: str
    split: str
    text: str
    figures: tuple[dict[str, Any], ...] = field(default_factory=tuple)


def read_figures_gold(path: Path, *, split: str | None = None) -> list[GoldSentence]:
    """Read a figures gold JSONL file, keeping ``split`` (all when None)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvaluationDataError(f"cannot read figures gold {str(path)!r}: {exc}") from exc
    sentences = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        sentence = _parse_row(path, number, line)
        if split is None or sentence.split == split:
            sentences.append(sentence)
    if not sentences:
        raise EvaluationDataError(f"{str(path)!r} holds no gold sentences for split {split!r}")
    return sentences


def _parse_row(path: Path, number: int, line: str) -> GoldSentence:
    where = f"{path}:{number}"
    try:
        row = json.loads(line)
        sentence = GoldSentence(row["id"], row["split"], row["text"], tuple(row["figures"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise EvaluationDataError(f"{where}: not a figures gold row ({exc})") from exc
    if sentence.split not in SPLITS:
        raise EvaluationDataError(f"{where}: split {sentence.split!r} is not dev or test")
    for figure in sentence.figures:
        if figure.get("number", "") not in sentence.text or "metric" not in figure:
            raise EvaluationDataError(f"{where}: figure {figure!r} lacks a number in the text")
    return sentence


def build_figure_nlp(model: str = DEFAULT_MODEL) -> Language:
    """Load the spaCy pipeline ``model`` with the segmenter, ``sitroom_times`` and figures."""
    return load_nlp(model, components=COMPONENTS)


def evaluate_figures(path: Path, nlp: Language, *, split: str | None = DEFAULT_SPLIT) -> dict:
    """Run ``nlp`` (which must contain ``sitroom_figures``) over the gold and score it."""
    if DEFAULT_NAME not in nlp.pipe_names:
        raise EvaluationDataError(
            f"the pipeline has no {DEFAULT_NAME!r} component; add it with nlp.add_pipe"
        )
    register_extensions()
    sentences = read_figures_gold(path, split=split)
    scores = _Scores()
    docs = nlp.pipe(s.text for s in sentences)
    for sentence, doc in zip(sentences, docs, strict=True):
        predicted = [_predicted(span) for span in doc.spans.get(FIGURES_KEY, [])]
        scores.add(sentence, predicted)
    return {"split": split or "all", "sentences": len(sentences), **scores.result()}


def _predicted(span: Any) -> dict[str, Any]:
    return {"start": span.start_char, "end": span.end_char, **(span._.sitroom_figure or {})}


@dataclass
class _Scores:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    agree: dict[str, list[int]] = field(default_factory=dict)

    def add(self, sentence: GoldSentence, predicted: Sequence[dict[str, Any]]) -> None:
        self.gold += len(sentence.figures)
        self.predicted += len(predicted)
        for gold, pred in _pairs(sentence, predicted):
            self.matched += 1
            self._count("value", all(_same(gold.get(f), pred.get(f)) for f in VALUE_FIELDS))
            self._count("metric", gold["metric"] == pred.get("metric"))
            self._count("qualifier", gold.get("qualifier", "exact") == pred.get("qualifier"))
            for name in ("unit", "who"):
                if gold.get(name):
                    self._count(name, gold[name] == pred.get(name))
            exact = all(gold.get(f) == pred.get(f) for f in ("metric", "qualifier"))
            self._count("exact", exact and _same(gold.get("value"), pred.get("value")))

    def _count(self, name: str, ok: bool) -> None:
        pair = self.agree.setdefault(name, [0, 0])
        pair[0] += int(ok)
        pair[1] += 1

    def result(self) -> dict[str, float | int]:
        precision = self.matched / self.predicted if self.predicted else 0.0
        recall = self.matched / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out: dict[str, float | int] = {
            "gold": self.gold,
            "predicted": self.predicted,
            "matched": self.matched,
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
        }
        for name in ("value", "metric", "qualifier", "unit", "who", "exact"):
            right, total = self.agree.get(name, [0, 0])
            out[f"{name}_accuracy"] = round(right / total, 4) if total else 0.0
        return out


def _pairs(
    sentence: GoldSentence, predicted: Iterable[dict[str, Any]]
) -> Iterable[tuple[dict[str, Any], dict[str, Any]]]:
    """Pair each gold figure with the first unused prediction overlapping its number."""
    unused = list(predicted)
    for gold in sentence.figures:
        start = sentence.text.index(gold["number"])
        end = start + len(gold["number"])
        for pred in unused:
            if pred["start"] < end and start < pred["end"]:
                unused.remove(pred)
                yield gold, pred
                break


def _same(gold: Any, predicted: Any) -> bool:
    if gold is None or predicted is None:
        return gold is None and predicted is None
    return abs(float(gold) - float(predicted)) < 1e-6
