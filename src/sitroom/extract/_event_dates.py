"""When an event happened: a time phrase of its own clause, else the nearest in its sentence.

A time phrase in the trigger's clause ("shelled the market on Thursday") dates the event
before one elsewhere in the sentence ("..., and officials said talks would resume on
Monday"). Some phrases never date an event: a bound ("until Sunday", "by Friday", "before
the deadline") says when something ends or is due, not when it happened, and a day after
the publication date cannot date an event reported as past. Without a time phrase the date
is the one in the marker of the live-blog update the sentence belongs to ("Feb 24, 10:30 GMT
-"), else the publication day.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from spacy.tokens import Doc, Span, Token

from ._extensions import SEGMENTS_KEY, TIMES_KEY

UPDATE_MARKER = "update_marker"
DATED = re.compile(r"^\d{4}(-\d{2}){0,2}$")
PRECISION_OF = {1: "year", 2: "month", 3: "day"}
# Prepositions that make a time a bound or a deadline rather than the event's own time.
BOUND_PREPOSITIONS = frozenset({"until", "till", "til", "by", "before", "ahead"})
PAST_TAGS = frozenset({"VBD", "VBN"})
FUTURE_AUX = frozenset({"will", "would", "shall", "'ll"})
CLAUSE_POS = frozenset({"VERB", "AUX"})
MAX_CLIMB = 10


def update_dates(doc: Doc) -> dict[int, tuple[str, str]]:
    """Live-blog update number -> (value, precision) of the dated time in its marker."""
    dated = [t for t in doc.spans.get(TIMES_KEY, []) if DATED.match(str(t._.sitroom_time_value))]
    found: dict[int, tuple[str, str]] = {}
    for segment in doc.spans.get(SEGMENTS_KEY, []):
        if segment.label_ != UPDATE_MARKER:
            continue
        inside = [t for t in dated if segment.start <= t.start and t.end <= segment.end]
        if inside:
            value = str(inside[0]._.sitroom_time_value)
            precision = inside[0]._.sitroom_time_precision or PRECISION_OF[len(value.split("-"))]
            found[segment._.sitroom_update] = (value, str(precision))
    return found


def event_date(
    doc: Doc,
    sentence: Span,
    trigger: Token,
    updates: Mapping[int, tuple[str, str]] | None = None,
    *,
    clause: Token | None = None,
    nouns: frozenset[int] = frozenset(),
) -> tuple[str | None, str | None]:
    """(value, precision) of the time phrase that dates the event whose trigger is
    ``trigger`` (``clause``: the verb a noun trigger belongs to), else of the live-blog
    update the sentence belongs to (``updates`` from :func:`update_dates`), else the
    publication day. A time on another event's noun (``nouns``: the noun triggers) is that
    event's: "recalled the 1941 invasion and praised ..." does not date the praise."""
    anchors = {trigger.i, (clause if clause is not None else trigger).i}
    past = _reported_as_past(clause if clause is not None else trigger)
    published = doc._.sitroom_published
    best: tuple[tuple[int, int], str, str | None] | None = None
    for time in doc.spans.get(TIMES_KEY, []):
        if time.start < sentence.start or time.end > sentence.end:
            continue
        value = str(time._.sitroom_time_value or "")
        if not DATED.match(value) or _is_bound(time):
            continue
        if past and published and value > str(published)[: len(value)]:
            continue  # a later day cannot date what already happened
        governor = _governor(time, nouns - {trigger.i})
        if governor is None:
            continue
        own = 0 if governor in anchors else 1
        distance = min(abs(time.start - trigger.i), abs(trigger.i - time.end))
        if best is None or (own, distance) < best[0]:
            best = ((own, distance), value, time._.sitroom_time_precision)
    if best is not None:
        return best[1], str(best[2] or PRECISION_OF[len(best[1].split("-"))])
    if updates:
        for segment in doc.spans.get(SEGMENTS_KEY, []):
            if segment.start <= trigger.i < segment.end and segment._.sitroom_update in updates:
                return updates[segment._.sitroom_update]
    if published:
        return str(published)[:10], "day"
    return None, None


def _is_bound(time: Span) -> bool:
    """True for "until Sunday", "by Friday", "ahead of the vote on Monday"."""
    if any(t.lower_ in BOUND_PREPOSITIONS for t in time):
        return True
    head = time.root.head
    for _ in range(2):  # "until Sunday", "ahead of Monday's vote"
        if head.dep_ == "prep" and head.lower_ in BOUND_PREPOSITIONS:
            return True
        if head.head.i == head.i:
            break
        head = head.head
    return False


def _governor(time: Span, nouns: frozenset[int]) -> int | None:
    """The index of the verb whose clause holds ``time`` (the root when none); None when
    the climb meets one of ``nouns`` first (the time is that noun event's)."""
    token = time.root
    for _ in range(MAX_CLIMB):
        if token.head.i == token.i:
            return token.i
        token = token.head
        if token.i in nouns:
            return None
        if token.pos_ in CLAUSE_POS:
            return token.i
    return token.i


def _reported_as_past(verb: Token) -> bool:
    """True for a verb in the past ("shelled", "was hit", "has been freed"), not "will"."""
    if any(c.dep_ == "aux" and c.lower_ in FUTURE_AUX for c in verb.children):
        return False
    return verb.tag_ in PAST_TAGS
