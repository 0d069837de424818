"""Group figures of the same metric, place and population; keep each source's claims apart.

A figure is a claim: "Ukraine says 137 killed" and "the UN counts 57 killed" are two claims
about one quantity, never averaged or merged into one number. Claims join a group on an
indexed key (metric, place, who) while the group was last reported within
:data:`FIGURE_PERIOD_DAYS`; a later claim outside that period starts a new group. The group's
current value is the lowest credible figure among each claimant's latest claim (ACLED's
conservative practice): open-ended ("up to") and vague figures do not count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from ..model import DocumentResult
from ..store._write import date_key
from . import _similar as sim
from ._tables import figure_claims, figure_groups

FIGURE_PERIOD_DAYS = 14
"""A claim joins a group last reported at most this many days before (or after) it."""
UNCREDIBLE_QUALIFIERS = frozenset({"vague", "up_to"})
"""Qualifiers whose number is no lower bound of the quantity: never the current value."""
_PLURAL_ENDINGS = (("ies", "y"), ("s", ""))
GROUP_KEY = ("metric", "place_key", "who_key")
"""The columns a figure group is found on."""


def who_key(who: str | None) -> str:
    """The counted population's key: its last word, singular ("civilians" -> "civilian")."""
    words = sim.normal(who).split()
    if not words:
        return ""
    word = words[-1].strip(".,")
    for ending, replacement in _PLURAL_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            return word[: -len(ending)] + replacement
    return word


def lower_bound(claim: dict[str, Any]) -> float | None:
    """The number a claim says the quantity is at least, or None when it says no such thing."""
    if claim["qualifier"] in UNCREDIBLE_QUALIFIERS:
        return None
    if claim["qualifier"] == "range" and claim["low"] is not None:
        return float(claim["low"])
    value = claim["value"] if claim["value"] is not None else claim["low"]
    return None if value is None else float(value)


@dataclass(frozen=True)
class PreparedFigure:
    """A new figure as merging groups and stores it."""

    id: str
    key: tuple[str, str, str]  # metric, place key, who key
    place_name: str | None
    day: str
    claimed_by: str | None
    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    text: str


def prepare_figures(published: str | None, result: DocumentResult) -> list[PreparedFigure]:
    """The figures of one document's result, with their group key and day."""
    places = sim.places_by_id(result)
    published_day = (published or "")[:10]
    found = []
    for figure in result.figures:
        place = places.get(figure.place) if figure.place is not None else None
        name = place.name if place is not None else None
        date = date_key(figure.date)
        key = (
            str(figure.metric),
            _place_key(place.geonameid if place is not None else None, name),
            who_key(figure.who),
        )
        found.append(
            PreparedFigure(
                id=figure.id,
                key=key,
                place_name=name,
                day=date if date is not None and sim.parse_day(date) else published_day,
                claimed_by=figure.claimed_by,
                value=figure.value,
                low=figure.low,
                high=figure.high,
                qualifier=str(figure.qualifier),
                text=figure.text,
            )
        )
    return found


def group_figures(
    connection: Connection,
    document: dict[str, Any],
    report_id: str,
    figures: list[PreparedFigure],
) -> int:
    """File every figure of ``document`` under a group; return how many joined known groups."""
    joined = 0
    for figure in figures:
        key = dict(zip(GROUP_KEY, figure.key, strict=True))
        group_id = _find_group(connection, key, figure.day)
        if group_id is None:
            group_id = _new_group(connection, key, figure.place_name, figure.day)
        else:
            joined += 1
        row = {
            "document_id": document["id"],
            "figure_id": figure.id,
            "group_id": group_id,
            "report_id": report_id,
            "claimant": figure.claimed_by or document["source"] or document["id"],
            "source": document["source"],
            "published": document["published"],
            "day": figure.day,
            "value": figure.value,
            "low": figure.low,
            "high": figure.high,
            "qualifier": figure.qualifier,
            "text": figure.text,
        }
        connection.execute(_INSERT_CLAIM, row)
    return joined


_INSERT_CLAIM = insert(figure_claims)


def _place_key(geonameid: int | None, name: str | None) -> str:
    if geonameid is not None:
        return f"geonames:{geonameid}"
    return sim.normal(name)


_FIND_GROUP = (
    select(figure_groups.c.id, figure_groups.c.first_day, figure_groups.c.last_day)
    .where(*(figure_groups.c[name] == bindparam(name) for name in GROUP_KEY))
    .where(figure_groups.c.last_day >= bindparam("low"))
    .order_by(figure_groups.c.last_day.desc())
    .limit(1)
)


def _find_group(connection: Connection, key: dict[str, str], day: str) -> int | None:
    groups = figure_groups
    low, high = sim.day_range(day, FIGURE_PERIOD_DAYS)
    row = connection.execute(_FIND_GROUP, key | {"low": low}).first()
    if row is None or row.first_day > high:
        return None
    connection.execute(
        update(groups)
        .where(groups.c.id == row.id)
        .values(first_day=min(row.first_day, day), last_day=max(row.last_day, day))
    )
    return int(row.id)


def _new_group(connection: Connection, key: dict[str, str], place: str | None, day: str) -> int:
    result = connection.execute(
        insert(figure_groups).values(**key, place_name=place, first_day=day, last_day=day)
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]
