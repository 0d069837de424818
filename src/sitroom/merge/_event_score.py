"""Whether two events are one: the scoring rules of event merging (pure, no database).

An event is compared on the wording of its trigger's clause, context and sentence, on its
trigger word and on its actor and target; places farther apart than :data:`EVENT_RADIUS_KM` or
in different countries rule a pair out. :func:`explain` gives every part of a decision and the
rule that ruled a pair out, for error analysis. The rules are in ``docs/merge.md``.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

from . import _similar as sim

EVENT_RADIUS_KM = 50.0
EVENT_MATCH = 0.35
"""Score (0-1) from which a new event joins a known one (dev F1 is the same from 0.31 to 0.35)."""
MIN_WORDING = 0.25
"""Least wording similarity for any merge, whatever the triggers and arguments say."""
CLAUSE_SHARE = 0.4
"""Share of the wording score from the trigger's clause (its context cut at clause marks)."""
CONTEXT_SHARE = 0.3
"""Share of the wording score from the trigger's context (the rest: its whole sentence)."""
WORDING_WEIGHT = 0.7
TRIGGER_WEIGHT = 0.1
ARGUMENT_WEIGHT = 0.2
CONTEXT_WORDS = 8
"""Words kept either side of an event's trigger to compare its own clause."""
CLAUSE_ENDS = (",", ";", ":", "(", ")", "—", "–")
"""Marks that end a clause: "A day after drones hit the depot, a missile struck the silo"."""
KIND_REACH = 3
"""Content words either side of a trigger that is no known event word ("operation") searched, in
its clause, for one that is ("freed in a military operation"): the event's kind."""
REPEAT_BEFORE = 3
"""Words before a trigger where a repeat marker names it another one ("a second strike")."""
BACK_REFERENCE = frozenset({"the", "this", "that", "earlier"})
"""Words before an event noun that refer back to an event told before ("the kidnapping")."""
BACK_REFERENCE_TIMES = ("day's", "night's", "week's", "weekend's")
"""Endings of a time's possessive before an event noun ("Monday's strike", "last week's raid")."""
BACK_REFERENCE_WORDING = 0.5
"""Wording credited to a back reference of the same kind and day whose roles do not disagree:
"responsibility for Monday's strike" says little else about the strike."""
AFTER_MARKERS = frozenset({"again"})
"""Repeat markers that follow their event, anywhere in its clause ("shelled the town again")."""
COUNT_RATIO = 2.0
"""Counts further apart than this factor are different events' ("12 detained" / "30 detained")."""
TIME_NOUNS = frozenset({"time", "day", "night"})
"""A repeat marker before one of these after the trigger repeats it ("hit for the second time")."""


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


@dataclass(frozen=True)
class Explanation:
    """The parts of one decision: ``ruled_out`` names the rule that set the score to 0."""

    score: float
    wording: float
    trigger: float
    arguments: float
    ruled_out: str | None


def score(a: EventFeatures, b: EventFeatures) -> float:
    """How likely two events are one event (0 when a rule rules it out)."""
    return explain(a, b).score


def explain(a: EventFeatures, b: EventFeatures) -> Explanation:
    """Every part of the decision on two events, and the rule that ruled them out if any."""
    wording, trigger, arguments = features(a, b)
    if trigger == 1 and arguments >= 0.5 and a.day == b.day and (_refers(a) or _refers(b)):
        wording = max(wording, BACK_REFERENCE_WORDING)
    ruled_out = _ruled_out(a, b, wording, trigger)
    if ruled_out is None and _roles_disagree(a, b):
        ruled_out = "actor and target disagree"
    if ruled_out is None and _roles_swapped(a, b):
        ruled_out = "actor and target swapped"
    total = WORDING_WEIGHT * wording + TRIGGER_WEIGHT * trigger + ARGUMENT_WEIGHT * arguments
    return Explanation(0.0 if ruled_out else total, wording, trigger, arguments, ruled_out)


def _ruled_out(a: EventFeatures, b: EventFeatures, wording: float, trigger: float) -> str | None:
    if not _compatible(a, b):
        return "places apart"
    if wording < MIN_WORDING:
        return "wording"  # one place, one day, one kind of event: still not said alike
    if trigger < 1 and a.type != b.type:
        return "types"  # typed differently, and not by synonymous words
    if trigger < 1 and _one_sentence(a, b) and not (_related(a, b) and _one_clause(a, b)):
        return "one sentence"  # one sentence stating two things ("explosions and gunfire")
    if _repeats(a) != _repeats(b):
        return "repeat"  # "a second strike" is not the first one
    if frozenset((kind(a), kind(b))) in sim.opposites():
        return "opposite kinds"  # "abducted" / "freed in an operation"
    used = sim.weapons(clause_of(a)), sim.weapons(clause_of(b))
    if all(used) and used[0].isdisjoint(used[1]):
        return "weapons"  # "a drone raid" / "a missile hit"
    if _counts_differ(a, b):
        return "numbers"  # "arrested 12 of them" / "arrested 30 marchers"
    return None


def features(a: EventFeatures, b: EventFeatures) -> tuple[float, float, float]:
    """Wording (0-1), trigger words (1 synonyms, 0 unknown, -1 different classes) and agreeing
    actor and target (0-1, 0.5 when unknown)."""
    clause = _similarity(sim.stems(clause_of(a)), sim.stems(clause_of(b)))
    near = _similarity(sim.stems(a.context), sim.stems(b.context))
    whole = _similarity(sim.stems(a.text), sim.stems(b.text))
    wording = CLAUSE_SHARE * clause + CONTEXT_SHARE * near
    wording += (1 - CLAUSE_SHARE - CONTEXT_SHARE) * whole
    matches = [_role(a.actor, b.actor, a, b), _role(a.target, b.target, a, b)]
    known = [m for m in matches if m is not None]
    arguments = sum(known) / len(known) if known else 0.5
    return wording, _trigger(a.trigger, b.trigger), arguments


def _similarity(a: frozenset[str], b: frozenset[str]) -> float:
    return (sim.overlap(a, b) + sim.dice(a, b)) / 2


def _trigger(a: str, b: str) -> float:
    first, second = sim.stems(a), sim.stems(b)
    if first and first == second:
        return 1.0
    classes = set(sim.event_classes().values())
    if first and second and first <= classes and second <= classes:
        if len(first) == len(second) == 1 and first | second in sim.related():
            return 0.0  # "killed" in "killed in the strike" names the strike's dead
        return -1.0  # both are known words of different classes: "abducted" / "freed"
    return 0.0


def _words_around(event: EventFeatures) -> tuple[list[str], int | None]:
    """The context's words and the index of the trigger's first word (nearest the middle)."""
    words, at, _ = _view(event.context, event.trigger)
    return list(words), at


def clause_of(event: EventFeatures) -> str:
    """The trigger's clause: its context cut at the nearest clause mark either side."""
    return _view(event.context, event.trigger)[2]


# Every candidate pair looks at the same few contexts again: cached.
@functools.lru_cache(maxsize=sim.CACHE_SIZE)
def _view(context: str, trigger: str) -> tuple[tuple[str, ...], int | None, str]:
    words = context.split()
    first = sim.normal(trigger).split()[:1]
    found = [
        i
        for i, w in enumerate(words)
        if first and sim.normal(w).strip("\"'“‘(").startswith(first[0])
    ]
    if not found:
        return tuple(words), None, context
    at = min(found, key=lambda i: abs(i - CONTEXT_WORDS))
    begin = at
    while begin > 0 and not words[begin - 1].endswith(CLAUSE_ENDS):
        begin -= 1
    end = at
    while end < len(words) - 1 and not words[end].endswith(CLAUSE_ENDS):
        end += 1
    return tuple(words), at, " ".join(words[begin : end + 1])


def kind(event: EventFeatures) -> str | None:
    """The class of the trigger word, else of the nearest known event word within
    :data:`KIND_REACH` content words in its clause ("freed in a military operation")."""
    return _kind(event.context, event.trigger)


@functools.lru_cache(maxsize=sim.CACHE_SIZE)
def _kind(context: str, trigger: str) -> str | None:
    event = _bare(context, trigger)
    own = sim.kinds(event.trigger)
    if own:
        return min(own)
    words, at = _words_around(event)
    if at is None:
        return None
    clause = clause_of(event).split()
    for side in (words[at - 1 :: -1] if at else [], words[at + 1 :]):
        content = [w for w in side if sim.stems(w) and w in clause][:KIND_REACH]
        found = [sim.kinds(w) for w in content]
        if any(found):
            return min(next(f for f in found if f))
    return None


def _related(a: EventFeatures, b: EventFeatures) -> bool:
    """True when the kinds of two events may name one event ("a strike killed two")."""
    return frozenset((kind(a), kind(b))) in sim.related()


def _refers(event: EventFeatures) -> bool:
    """True when the trigger is a noun referring back to a known event: "the kidnapping",
    "Monday's strike", "the earlier attack"."""
    words, at = _words_around(event)
    if not at:
        return False
    before = sim.normal(words[at - 1]).replace("’", "'")
    return before in BACK_REFERENCE or before.endswith(BACK_REFERENCE_TIMES)


def _counts_differ(a: EventFeatures, b: EventFeatures) -> bool:
    """True when both clauses state counts and no two of them are within :data:`COUNT_RATIO`
    of each other: a revised toll (3, then 4 dead) is one event, 12 and 30 arrests are two."""
    first, second = sim.counts(clause_of(a)), sim.counts(clause_of(b))
    if not first or not second:
        return False
    return all(max(x, y) > COUNT_RATIO * min(x, y) for x in first for y in second)


def _bare(context: str, trigger: str) -> EventFeatures:
    """An event of which only the context and trigger are known (for the cached helpers)."""
    return EventFeatures("", "", "", "", "", None, None, None, trigger, None, None, "", context, 1)


def _one_sentence(a: EventFeatures, b: EventFeatures) -> bool:
    return a.document_id == b.document_id and a.text == b.text


def _one_clause(a: EventFeatures, b: EventFeatures) -> bool:
    """True when each trigger is said in the other's clause."""
    return _trigger_said(b.trigger, a) and _trigger_said(a.trigger, b)


def _trigger_said(trigger: str, event: EventFeatures) -> bool:
    head = sim.words(trigger)[:1]
    return bool(head) and head[0] in sim.words(clause_of(event))


def _repeats(event: EventFeatures) -> bool:
    return _says_repeat(event.context, event.trigger)


@functools.lru_cache(maxsize=sim.CACHE_SIZE)
def _says_repeat(context: str, trigger: str) -> bool:
    """True when a repeat marker names the trigger's event another one: just before it
    ("another raid", "a second strike"), or after it in its clause as "again" or before "time"
    ("struck the depot again", "targeted for the second time"); not elsewhere in its context
    ("protests for a second day over the arrest")."""
    event = _bare(context, trigger)
    words, at = _words_around(event)
    if at is None:
        return sim.says_repeat(event.context)
    before = " ".join(words[max(0, at - REPEAT_BEFORE) : at])
    clause = clause_of(event).split()
    after = sim.words(" ".join(w for w in words[at + 1 :] if w in clause))
    times = [a for a, b in itertools.pairwise(after) if b in TIME_NOUNS]
    return (
        sim.says_repeat(before)
        or not AFTER_MARKERS.isdisjoint(after)
        or sim.says_repeat(" ".join(times))
    )


def _role(
    first: str | None, second: str | None, a: EventFeatures, b: EventFeatures
) -> float | None:
    """1 when two roles agree, or a description of one is said in the other's clause ("the
    village" / "hit the village of Dravo"); 0 when both are known and disagree; else None."""
    if _same(first, second):
        return 1.0
    if _described_in(first, a, b) or _described_in(second, b, a):
        return 1.0
    if _name_said(first, a, b) or _name_said(second, b, a):
        return None  # "Morrow's detention" / "arrested Keld Morrow": not known to differ
    return 0.0 if first and second else None


def _described_in(role: str | None, own: EventFeatures, other: EventFeatures) -> bool:
    """True when all the role's common words are said in the other event's clause ("grain
    terminal" is not "oil terminal"). A name does not count: every report of a town names it,
    whatever happened there."""
    if not role or _is_name(role, own.text):
        return False
    words = sim.stems(role)
    return bool(words) and words <= sim.stems(clause_of(other))


def _is_name(words: str, sentence: str) -> bool:
    """True when every word is capitalised, and not only because it starts the sentence."""
    capitalised = all(word[:1].isupper() for word in words.split())
    return capitalised and not sentence.lstrip("\"'“‘ ").startswith(words)


def _roles_disagree(a: EventFeatures, b: EventFeatures) -> bool:
    """True when actor and target are known on both sides and neither agrees: "drones struck a
    fuel depot" and "a missile hit the grain terminal" are two events. A name said anywhere in
    the other sentence is no disagreement (the extractor took the place as the target)."""
    roles = [(a.actor, b.actor), (a.target, b.target)]
    if not all(x and y for x, y in roles):
        return False
    return all(_role(x, y, a, b) == 0.0 for x, y in roles)


def _name_said(role: str | None, own: EventFeatures, other: EventFeatures) -> bool:
    """True when the role is a name and a word of it is said in the other sentence."""
    if not role or not _is_name(role, own.text):
        return False
    return bool(sim.stems(role) & sim.stems(other.text))


def _roles_swapped(a: EventFeatures, b: EventFeatures) -> bool:
    """True when each one's actor is the other's target: "the army blamed the rebels" and "the
    rebels accused the army" are two accusations. All four roles must be known: the extractor
    often takes a passive's subject or a possessive as the actor ("Morrow's detention")."""
    if not all((a.actor, a.target, b.actor, b.target)):
        return False
    crossed = _same(a.actor, b.target) and _same(a.target, b.actor)
    return crossed and not _same(a.actor, b.actor)


def _same(first: str | None, second: str | None) -> bool:
    if not first or not second:
        return False
    return bool(sim.names_match(first, second) or sim.stems(first) & sim.stems(second))


def _compatible(a: EventFeatures, b: EventFeatures) -> bool:
    if a.country and b.country and a.country != b.country:
        return False
    if None not in (a.lat, a.lon, b.lat, b.lon):
        distance = sim.distance_km(a.lat, a.lon, b.lat, b.lon)  # type: ignore[arg-type]
        if distance > EVENT_RADIUS_KM:
            return False
    return True
