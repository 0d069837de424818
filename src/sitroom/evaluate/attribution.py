"""Score statements against GenderGapTracker and PolNeAR attribution gold data.

GenderGapTracker (its ``evaluate_quotes`` method, re-implemented; it annotates speech that says
something, so statements of what someone saw, believed or wanted are left out): a gold quote
matches the unmatched prediction that covers the largest share of the gold characters, if that
share is above the threshold (0.3 and 0.8); pairs are one to one. ``speaker_accuracy`` is the
share of 0.3-matched quotes whose predicted speaker name equals the gold resolved ``reference``
(case, leading article and possessive aside); ``speaker_overlap`` is GenderGapTracker's own
looser check (the predicted speaker span overlaps the annotated one).

PolNeAR: predictions are first put in PolNeAR's own form (:func:`polnear_view`): its annotation
is univocal (a token belongs to one attribution at most, so attributions never nest) and a
quotation interrupted by its reporting clause is one attribution with discontinuous content
('"A," she said. "B."'), where Sitroom writes one statement per quoted piece, the second with
no cue of its own. So a prediction inside another's content is dropped, and a cue-less
prediction that continues the same speaker's statement in the same paragraph joins it as a
further content piece. Then predictions and gold attributions pair one to one by content
overlap (largest first). A prediction's source is the phrase the attribution writes ("she",
"who", "Jo Roe, the mayor,": the statement's ``source_start``/``source_end``), as PolNeAR marks
it, not the earlier mention the speaker resolves to; the speaker's span stands in when a
statement has no source phrase.
``content_f1`` counts paired attributions; ``source_f1`` and ``cue_f1`` count pairs whose
source (cue) spans also overlap, over predictions and gold items that have one. The ``_exact``
variants require equal spans once edge spaces, punctuation and quote marks are trimmed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from spacy.language import Language

from ..errors import EvaluationDataError
from ..extract._extensions import STATEMENTS_KEY
from ._attribution_data import (
    GENDERGAP_TABLE,
    GoldAttribution,
    GoldDocument,
    read_gendergap,
    read_polnear,
)

__all__ = [
    "GENDERGAP_THRESHOLDS",
    "PredictedStatement",
    "evaluate_attribution",
    "load_attribution_data",
    "polnear_view",
    "predict_statements",
    "score_gendergap",
    "score_polnear",
]

GENDERGAP_THRESHOLDS = (0.3, 0.8)
SPLITS = ("train", "dev", "test", "all")
BATCH_SIZE = 16
PERCEIVE = "perceive"
SPEECH = "speech"
_TRIM = " \t\n\r.,;:!?\"'“”‘’«»()[]–—-"
_ARTICLES = ("the ", "a ", "an ")
MAX_CONTINUATION_GAP = 200
"""Characters of reporting clause a cue-less quotation may follow its statement by ('"A," said
Jo Roe, who runs the firm. "B."') to count as that statement's next content piece."""


@dataclass(frozen=True)
class PredictedStatement:
    """A predicted statement as character spans of the evaluated text."""

    content: tuple[int, int]
    source: tuple[int, int] | None
    cue: tuple[int, int] | None
    speaker: str | None
    stance: str | None = None
    mode: str | None = None  # speech, thought or perception (None: unknown, taken as speech)
    more: tuple[tuple[int, int], ...] = ()  # further content pieces (PolNeAR's discontinuous)


def load_attribution_data(path: Path, split: str | None = None) -> tuple[str, list[GoldDocument]]:
    """Detect the dataset in ``path`` and read ``split``: ("gendergap"|"polnear", documents).

    GenderGapTracker has no official split: ``dev`` is its even-numbered articles (used for
    tuning), ``test`` the odd-numbered ones, ``all`` (the default) both. PolNeAR's default is
    ``test``; its ``all`` is dev + test.
    """
    if split is not None and split not in SPLITS:
        raise EvaluationDataError(f"unknown split {split!r}: use one of {', '.join(SPLITS)}")
    if (path / GENDERGAP_TABLE).is_file():
        split = split or "all"
        documents = read_gendergap(path)
        if split in ("dev", "train"):
            documents = documents[0::2]
        elif split == "test":
            documents = documents[1::2]
        return "gendergap", documents
    if (path / "dev").is_dir() or (path / "test").is_dir():
        split = split or "test"
        if split == "all":
            return "polnear", read_polnear(path, "dev") + read_polnear(path, "test")
        return "polnear", read_polnear(path, split)
    raise EvaluationDataError(
        f"{path} holds neither {GENDERGAP_TABLE} nor PolNeAR's dev/ and test/ folders; pass "
        f"../shared/datasets/attribution/gendergap or ../shared/datasets/attribution/polnear"
    )


def predict_statements(nlp: Language, texts: Iterable[str]) -> list[list[PredictedStatement]]:
    """Run ``nlp`` (with ``sitroom_statements``) over ``texts``; statements per text."""
    if "sitroom_statements" not in nlp.pipe_names:
        raise EvaluationDataError("the pipeline has no sitroom_statements component to score")
    predictions = []
    for doc in nlp.pipe(texts, batch_size=BATCH_SIZE):
        found = []
        for span in doc.spans.get(STATEMENTS_KEY, []):
            info = span._.sitroom_statement or {}
            found.append(
                PredictedStatement(
                    (span.start_char, span.end_char),
                    _pair(info.get("source_start"), info.get("source_end"))
                    or _pair(info.get("speaker_start"), info.get("speaker_end")),
                    _pair(info.get("cue_start"), info.get("cue_end")),
                    info.get("speaker"),
                    info.get("stance"),
                    info.get("mode"),
                )
            )
        predictions.append(found)
    return predictions


def _pair(start: int | None, end: int | None) -> tuple[int, int] | None:
    return (start, end) if start is not None and end is not None else None


def evaluate_attribution(
    path: Path, nlp: Language | None = None, *, split: str | None = None
) -> dict[str, Any]:
    """Score ``nlp``'s statements on the attribution data in ``path``; metrics as a dict.

    ``nlp`` defaults to the full Sitroom pipeline; ``split`` to ``all`` for GenderGapTracker
    and ``test`` for PolNeAR (see :func:`load_attribution_data`).
    """
    dataset, documents = load_attribution_data(Path(path), split)
    split = split or ("all" if dataset == "gendergap" else "test")
    if nlp is None:
        from ..pipeline import load_nlp

        nlp = load_nlp()
    predicted = predict_statements(nlp, (d.text for d in documents))
    scores = (score_gendergap if dataset == "gendergap" else score_polnear)(documents, predicted)
    return {"dataset": dataset, "split": split, "documents": len(documents), **scores}


# --- GenderGapTracker --------------------------------------------------------------------------


def _coverage(gold: tuple[int, int], predicted: tuple[int, int]) -> float:
    """Share of the gold characters the prediction covers."""
    overlap = min(gold[1], predicted[1]) - max(gold[0], predicted[0])
    return max(0, overlap) / (gold[1] - gold[0])


def _overlaps(a: tuple[int, int] | None, b: Sequence[tuple[int, int]]) -> bool:
    return a is not None and any(a[0] < end and start < a[1] for start, end in b)


def _same_name(predicted: str | None, gold: str | None) -> bool:
    return bool(predicted and gold) and _name_key(predicted) == _name_key(gold)  # type: ignore[arg-type]


def _name_key(name: str) -> str:
    key = " ".join(name.casefold().replace("’", "'").split())
    for article in _ARTICLES:
        if key.startswith(article):
            key = key[len(article) :]
    return key.removesuffix("'s").strip(_TRIM)


def score_gendergap(
    documents: Sequence[GoldDocument], predicted: Sequence[Sequence[PredictedStatement]]
) -> dict[str, Any]:
    """GenderGapTracker's quote P/R/F1 at 0.3 and 0.8, and speaker accuracy at 0.3."""
    result: dict[str, Any] = {}
    for threshold in GENDERGAP_THRESHOLDS:
        tp = fp = fn = speaker_equal = speaker_overlap = 0
        for document, found in zip(documents, predicted, strict=True):
            # GenderGapTracker annotates speech, not what someone saw, believed, wanted or asked
            found = [p for p in found if _is_speech(p)]
            pairs, unmatched = _match_gendergap(document.attributions, found, threshold)
            tp += len(pairs)
            fn += len(document.attributions) - len(pairs)
            fp += unmatched
            speaker_equal += sum(_same_name(p.speaker, g.reference) for g, p in pairs)
            speaker_overlap += sum(_overlaps(p.source, g.source) for g, p in pairs)
        suffix = f"{round(threshold * 10):02d}"
        result.update(_prf(f"quote_{{}}_{suffix}", tp, tp + fp, tp + fn))
        if threshold == GENDERGAP_THRESHOLDS[0]:
            result["speaker_accuracy"] = round(_ratio(speaker_equal, tp), 4)
            result["speaker_overlap"] = round(_ratio(speaker_overlap, tp), 4)
            result["gold_quotes"] = tp + fn
            result["predicted_quotes"] = tp + fp
    return result


def _is_speech(statement: PredictedStatement) -> bool:
    return statement.stance != PERCEIVE and statement.mode in (None, SPEECH)


def _match_gendergap(
    gold: Sequence[GoldAttribution], found: Sequence[PredictedStatement], threshold: float
) -> tuple[list[tuple[GoldAttribution, PredictedStatement]], int]:
    remaining = list(found)
    pairs = []
    for item in gold:
        scored = [(_coverage(item.content[0], p.content), i) for i, p in enumerate(remaining)]
        best = max(scored, default=(0.0, -1))
        if best[0] > threshold:
            pairs.append((item, remaining.pop(best[1])))
    return pairs, len(remaining)


# --- PolNeAR -----------------------------------------------------------------------------------


def score_polnear(
    documents: Sequence[GoldDocument], predicted: Sequence[Sequence[PredictedStatement]]
) -> dict[str, Any]:
    """Source, cue and content F1 (overlap and exact) over one-to-one content pairs."""
    counts = dict.fromkeys(
        ("pairs", "content_exact", "source", "source_exact", "cue", "cue_exact"), 0
    )
    gold_total = pred_total = gold_sources = pred_sources = gold_cues = pred_cues = 0
    for document, found in zip(documents, predicted, strict=True):
        text = document.text
        found = polnear_view(text, found)
        gold_total += len(document.attributions)
        pred_total += len(found)
        gold_sources += sum(bool(g.source) for g in document.attributions)
        pred_sources += sum(p.source is not None for p in found)
        gold_cues += sum(bool(g.cue) for g in document.attributions)
        pred_cues += sum(p.cue is not None for p in found)
        for gold, pred in _match_polnear(document.attributions, found):
            counts["pairs"] += 1
            whole = (pred.content[0], _pieces(pred)[-1][1])  # first to last content piece
            counts["content_exact"] += _exact(text, gold.content, whole)
            counts["source"] += _overlaps(pred.source, gold.source)
            counts["source_exact"] += _exact(text, gold.source, pred.source)
            counts["cue"] += _overlaps(pred.cue, gold.cue)
            counts["cue_exact"] += _exact(text, gold.cue, pred.cue)
    result: dict[str, Any] = {"gold_attributions": gold_total, "predicted": pred_total}
    result.update(_prf("content_{}", counts["pairs"], pred_total, gold_total))
    result.update(_prf("content_exact_{}", counts["content_exact"], pred_total, gold_total))
    result.update(_prf("source_{}", counts["source"], pred_sources, gold_sources))
    result.update(_prf("source_exact_{}", counts["source_exact"], pred_sources, gold_sources))
    result.update(_prf("cue_{}", counts["cue"], pred_cues, gold_cues))
    result.update(_prf("cue_exact_{}", counts["cue_exact"], pred_cues, gold_cues))
    return result


def polnear_view(text: str, found: Sequence[PredictedStatement]) -> list[PredictedStatement]:
    """``found`` in PolNeAR's univocal form: no prediction nested in another's content, and a
    cue-less quotation continuing the previous statement of its speaker (same paragraph, at
    most ``MAX_CONTINUATION_GAP`` characters on) as that statement's further content piece."""
    ordered = sorted(found, key=lambda p: (p.content[0], -p.content[1]))
    outer: list[PredictedStatement] = []
    for pred in ordered:
        if outer and max(p.content[1] for p in outer) >= pred.content[1]:
            continue  # inside an earlier prediction's content
        outer.append(pred)
    joined: list[PredictedStatement] = []
    for pred in outer:
        last = joined[-1] if joined else None
        end = (last.more[-1] if last and last.more else last.content)[1] if last else 0
        gap = text[end : pred.content[0]]
        if (
            last is not None
            and pred.cue is None
            and pred.speaker is not None
            and pred.speaker == last.speaker
            and "\n" not in gap
            and len(gap) <= MAX_CONTINUATION_GAP
        ):
            joined[-1] = replace(last, more=(*last.more, pred.content))
            continue
        joined.append(pred)
    return joined


def _pieces(pred: PredictedStatement) -> tuple[tuple[int, int], ...]:
    return (pred.content, *pred.more)


def _match_polnear(
    gold: Sequence[GoldAttribution], found: Sequence[PredictedStatement]
) -> list[tuple[GoldAttribution, PredictedStatement]]:
    candidates = []
    for g_index, item in enumerate(gold):
        for p_index, pred in enumerate(found):
            overlap = sum(
                max(0, min(end, p_end) - max(start, p_start))
                for start, end in item.content
                for p_start, p_end in _pieces(pred)
            )
            if overlap > 0:
                candidates.append((overlap, g_index, p_index))
    pairs, used_gold, used_pred = [], set(), set()
    for _, g_index, p_index in sorted(candidates, reverse=True):
        if g_index not in used_gold and p_index not in used_pred:
            used_gold.add(g_index)
            used_pred.add(p_index)
            pairs.append((gold[g_index], found[p_index]))
    return pairs


def _exact(text: str, gold: Sequence[tuple[int, int]], pred: tuple[int, int] | None) -> bool:
    if pred is None or not gold:
        return False
    trim: Callable[[int, int], str] = lambda s, e: text[s:e].strip(_TRIM)  # noqa: E731
    return trim(gold[0][0], gold[-1][1]) == trim(*pred)


def _prf(pattern: str, correct: int, predicted: int, gold: int) -> dict[str, float]:
    precision, recall = _ratio(correct, predicted), _ratio(correct, gold)
    f1 = _ratio(2 * precision * recall, precision + recall)
    return {
        pattern.format("precision"): round(precision, 4),
        pattern.format("recall"): round(recall, 4),
        pattern.format("f1"): round(f1, 4),
    }


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0
