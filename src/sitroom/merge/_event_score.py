"""Whether two events are one: the scoring rules of event merging (pure, no database).

An event is compared on the wording of the trigger's clause and sentence, the trigger word and
the actor and target; places farther apart than :data:`EVENT_RADIUS_KM` or in different
countries rule a pair out. The rules are in ``docs/merge.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import _similar as sim

EVENT_RADIUS_KM = 50.0
EVENT_MATCH = 0.35
"""Score (0-1) from which a new event joins a known one (tuned on the dev stories)."""
MIN_WORDING = 0.25
"""Least wording similarity for any merge, whatever the triggers and arguments say."""
CONTEXT_SHARE = 0.7
"""Share of the wording score from the trigger's own clause (the rest: its whole sentence)."""
WORDING_WEIGHT = 0.7
TRIGGER_WEIGHT = 0.1
ARGUMENT_WEIGHT = 0.2
CONTEXT_WORDS = 8
"""Words kept either side of an event's trigger to compare its own clause."""


@dataclass(frozen=True)
class EventFeatures:
    """What is compared of an event, as stored in ``event_members``."""

    document_id: str
    event_id: str
    type: str
    day: str
    cell: str
    lat: float | None
    lon: float | None
    country: str | None
    trigger: str
    actor: str | None
    target: str | None
    text: str
    context: str
    mentions: int


def score(a: EventFeatures, b: EventFeatures) -> float:
    """How likely two events are one event (0 when a rule rules it out)."""
    if not _compatible(a, b):
        return 0.0
    wording, trigger, arguments = features(a, b)
    if wording < MIN_WORDING:
        return 0.0  # one place, one day, one kind of event: still not said alike
    if trigger < 1 and a.type != b.type:
        return 0.0  # typed differently, and not by synonymous words
    if trigger < 1 and a.document_id == b.document_id and a.text == b.text:
        return 0.0  # one sentence stating two things ("explosions and gunfire")
    if sim.says_repeat(a.context) != sim.says_repeat(b.context):
        return 0.0  # "a second strike" is not the first one
    return WORDING_WEIGHT * wording + TRIGGER_WEIGHT * trigger + ARGUMENT_WEIGHT * arguments


def features(a: EventFeatures, b: EventFeatures) -> tuple[float, float, float]:
    """Wording (0-1), trigger words (1 synonyms, 0 unknown, -1 different classes) and agreeing
    actor and target (0-1, 0.5 when unknown)."""
    near = _similarity(sim.stems(a.context), sim.stems(b.context))
    whole = _similarity(sim.stems(a.text), sim.stems(b.text))
    wording = CONTEXT_SHARE * near + (1 - CONTEXT_SHARE) * whole
    matches = [_argument(a.actor, b.actor), _argument(a.target, b.target)]
    known = [m for m in matches if m is not None]
    arguments = sum(known) / len(known) if known else 0.5
    return wording, _trigger(a.trigger, b.trigger), arguments


def _similarity(a: frozenset[str], b: frozenset[str]) -> float:
    return (sim.overlap(a, b) + sim.dice(a, b)) / 2


def _trigger(a: str, b: str) -> float:
    first, second = sim.stems(a), sim.stems(b)
    if first and first == second:
        return 1.0
    classes = set(sim.synonyms().values())
    if first and second and first <= classes and second <= classes:
        return -1.0  # both are known words of different classes: "abducted" / "freed"
    return 0.0


def _argument(a: str | None, b: str | None) -> float | None:
    if not a or not b:
        return None
    if sim.names_match(a, b):
        return 1.0
    return 1.0 if sim.stems(a) & sim.stems(b) else 0.0


def _compatible(a: EventFeatures, b: EventFeatures) -> bool:
    if a.country and b.country and a.country != b.country:
        return False
    if None not in (a.lat, a.lon, b.lat, b.lon):
        distance = sim.distance_km(a.lat, a.lon, b.lat, b.lon)  # type: ignore[arg-type]
        if distance > EVENT_RADIUS_KM:
            return False
    return True
