"""Score events on the PLOVER GSR (type, actor, target) and on event location (Halterman 2019).

``evaluate_events``: each PLOVER record is one sentence coded with one event. The predicted
event is the sentence's event whose trigger sits highest in the parse (nearest the root; the
earlier on a tie). Its type is mapped to PLOVER's coding conventions by
:func:`plover_type`: a cooperative action announced for the future ("will provide aid",
"willing to withdraw") is AGREE, a forceful one announced for the future ("prepared to impose
martial law", "may halt mediation") is THREATEN, and a negated cooperative one ("will not
accept", "declined to resign") is REJECT, and one required of someone ("X must withdraw") is
DEMAND; FIGHT is scored as ASSAULT. ``type_accuracy`` is
over all records of the split (no event found counts as wrong); ``type_macro_f1`` averages
the per-type F1 over the gold types.
``actor_accuracy`` (``target_accuracy``) is over the records whose gold names an actor
(a target): right when one predicted name and one gold ``actorText`` contain each other's words
(case-insensitive, ignoring "the"). The GSR has no train split: ``dev`` (even records in id
order) was used for tuning, ``test`` (odd records) is for reporting.

``evaluate_event_location``: the set has no train split either, so it alternates the same way.
For each gold sentence the gold verb is given; the places the
extractor attaches to it (``event_places``) are compared token by token with the gold
locations; ``precision`` and ``recall`` are micro-averaged over tokens.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..errors import EvaluationDataError
from ..extract._event_structure import CIRCUMSTANCE_PREPOSITIONS
from ..extract._extensions import EVENTS_KEY, register_extensions
from ..extract.events import DEFAULT_NAME, EventFinder, event_places
from ._plover import LocationExample, PloverRecord, read_event_locations, read_plover

DEFAULT_SPLIT = "test"
COOPERATIVE = frozenset({"AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT"})
FORCEFUL = frozenset({"SANCTION", "COERCE", "ASSAULT", "MOBILIZE"})
IGNORED_WORDS = frozenset({"the", "a", "an", "'s", "of"})
NOUN_POS = frozenset({"NOUN", "PROPN"})
VERB_POS = frozenset({"VERB", "AUX"})
# How a noun hangs from the verb that carries it: object, "of" chains, prepositions.
CARRIED_DEPS = frozenset({"dobj", "pobj", "prep", "attr", "nsubj", "nsubjpass"})
MAX_NOUN_CLIMB = 4
CARRIED_PENALTY = 0.5


def evaluate_events(path: Path, nlp: Language, *, split: str = DEFAULT_SPLIT) -> dict:
    """Run ``nlp`` (with ``sitroom_events``) over the PLOVER GSR ``split`` and score it."""
    _finder(nlp)
    register_extensions()
    records = read_plover(path, split=split)
    pairs: list[tuple[str, str | None]] = []
    actors = targets = actor_total = target_total = 0
    for record, doc in zip(records, nlp.pipe(r.text for r in records), strict=True):
        event = main_event(doc)
        info = event._.sitroom_event if event is not None else {}
        pairs.append((record.type, plover_type(info) if event is not None else None))
        if record.actors:
            actor_total += 1
            actors += _names_match(record.actors, info.get("actor"))
        if record.targets:
            target_total += 1
            targets += _names_match(record.targets, info.get("target"))
    right = sum(gold == predicted for gold, predicted in pairs)
    return {
        "split": split,
        "records": len(records),
        "type_accuracy": round(right / len(pairs), 4),
        "type_macro_f1": round(_macro_f1(pairs), 4),
        "actor_accuracy": round(actors / actor_total, 4) if actor_total else 0.0,
        "target_accuracy": round(targets / target_total, 4) if target_total else 0.0,
        "no_event": sum(predicted is None for _, predicted in pairs),
    }


def main_event(doc: Doc) -> Span | None:
    """The event whose trigger is nearest the root of its sentence (the earliest on a tie).
    A noun trigger stands where the verb that carries it stands ("declared a state of
    emergency", "launched ten days of drills"), just behind a verb trigger of that clause."""
    events = list(doc.spans.get(EVENTS_KEY, []))
    if not events:
        return None
    return min(events, key=lambda span: (_event_depth(span.root), span.start))


def _event_depth(trigger: Token) -> float:
    if trigger.pos_ not in NOUN_POS:
        return _depth(trigger)
    token = trigger
    for _ in range(MAX_NOUN_CLIMB):
        if token.dep_ not in CARRIED_DEPS or token.head.i == token.i:
            break
        if token.dep_ == "prep" and token.lower_ in CIRCUMSTANCE_PREPOSITIONS:
            break  # "despite hours of negotiations": an event of its own, not the clause's
        token = token.head
        if token.pos_ in VERB_POS:
            return _depth(token) + CARRIED_PENALTY
    return _depth(trigger)


def _depth(token: object) -> int:
    depth = 0
    while token.head.i != token.i and depth < 50:  # type: ignore[attr-defined]
        token = token.head  # type: ignore[attr-defined]
        depth += 1
    return depth


def plover_type(info: dict) -> str:
    """The PLOVER type of an extracted event dict, after PLOVER's modality conventions."""
    kind, mood = str(info.get("type")), info.get("modality")
    if mood == "future" and kind in COOPERATIVE:
        return "AGREE"
    if mood == "future" and kind in FORCEFUL:
        return "THREATEN"
    if mood == "negated" and kind in COOPERATIVE:
        return "REJECT"
    if mood == "obligation":
        return "DEMAND"
    return kind


def _words(text: str) -> set[str]:
    words = {w.strip(".,'\"()").lower() for w in text.replace("'s", " 's").split()}
    return words - IGNORED_WORDS - {""}


def _names_match(gold: tuple[str, ...], predicted: str | None) -> bool:
    if not predicted:
        return False
    for name in predicted.split("; "):
        found = _words(name)
        for text in gold:
            wanted = _words(text)
            if found and wanted and (found <= wanted or wanted <= found):
                return True
    return False


def _macro_f1(pairs: list[tuple[str, str | None]]) -> float:
    gold = Counter(g for g, _ in pairs)
    predicted = Counter(p for _, p in pairs if p is not None)
    right = Counter(g for g, p in pairs if g == p)
    scores = []
    for kind in gold:
        precision = right[kind] / predicted[kind] if predicted[kind] else 0.0
        recall = right[kind] / gold[kind]
        total = precision + recall
        scores.append(2 * precision * recall / total if total else 0.0)
    return sum(scores) / len(scores)


def evaluate_event_location(
    path: Path, nlp: Language, *, limit: int | None = None, split: str = DEFAULT_SPLIT
) -> dict:
    """Score choosing the event's location on the gold sentences of the event-location set
    (``split`` as for the PLOVER GSR: alternate sentences, ``dev`` even, ``test`` odd)."""
    finder = _finder(nlp)
    register_extensions()
    examples = read_event_locations(path, split=split)[:limit]
    true_positive = predicted_total = gold_total = 0
    docs = nlp.pipe(e.text for e in examples)
    for example, doc in zip(examples, docs, strict=True):
        predicted = _predicted_tokens(finder, doc, example)
        true_positive += len(predicted & example.locations)
        predicted_total += len(predicted)
        gold_total += len(example.locations)
    precision = true_positive / predicted_total if predicted_total else 0.0
    recall = true_positive / gold_total if gold_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "split": split,
        "sentences": len(examples),
        "gold_tokens": gold_total,
        "predicted_tokens": predicted_total,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def _predicted_tokens(finder: EventFinder, doc: Doc, example: LocationExample) -> set[int]:
    verb = doc.char_span(*example.verb, alignment_mode="expand")
    if verb is None:
        return set()
    places = event_places(finder, verb.root)
    return {
        i
        for i, (start, end) in enumerate(example.tokens)
        if any(p.start_char < end and start < p.end_char for p in places)
    }


def _finder(nlp: Language) -> EventFinder:
    if DEFAULT_NAME not in nlp.pipe_names:
        raise EvaluationDataError(
            f"the pipeline has no {DEFAULT_NAME!r} component; load it with "
            f"sitroom.pipeline.load_nlp or add it with nlp.add_pipe({DEFAULT_NAME!r})"
        )
    return nlp.get_pipe(DEFAULT_NAME)  # type: ignore[return-value]


__all__ = [
    "PloverRecord",
    "evaluate_event_location",
    "evaluate_events",
    "main_event",
    "plover_type",
]
