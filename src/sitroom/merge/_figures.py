"""Group figures of the same metric, place and population; keep each source's claims apart.

A figure is a claim: "Ukraine says 137 killed" and "the UN counts 57 killed" are two claims
about one quantity, never averaged or merged into one number. Claims join a group on an
indexed key (metric, place, who) while the group was last reported within
:data:`FIGURE_PERIOD_DAYS`; a later claim outside that period starts a new group. The group's
current value is the lowest credible figure among each claimant's latest claim (ACLED's
conservative practice): open-ended ("up to") and vague figures do not count.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select, update

from ..store import schema
from . import _similar as sim
from ._tables import figure_claims, figure_groups

FIGURE_PERIOD_DAYS = 14
"""A claim joins a group last reported at most this many days before (or after) it."""
UNCREDIBLE_QUALIFIERS = frozenset({"vague", "up_to"})
"""Qualifiers whose number is no lower bound of the quantity: never the current value."""
_PLURAL_ENDINGS = (("ies", "y"), ("s", ""))


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


def group_figures(connection: Connection, document: dict[str, Any], report_id: str) -> int:
    """File every figure of ``document`` under a group; return how many joined known groups."""
    figures, places = schema.figures, schema.places
    query = (
        select(figures, places.c.name.label("place_name"), places.c.geonameid)
        .outerjoin(
            places,
            (places.c.document_id == figures.c.document_id) & (places.c.id == figures.c.place),
        )
        .where(figures.c.document_id == document["id"])
        .order_by(figures.c.idx)
    )
    published_day = (document["published"] or "")[:10]
    joined = 0
    for row in connection.execute(query).mappings().all():
        day = row["date_key"] if sim.parse_day(row["date_key"]) else published_day
        key = {
            "metric": row["metric"],
            "place_key": _place_key(row["geonameid"], row["place_name"]),
            "who_key": who_key(row["who"]),
        }
        group_id = _find_group(connection, key, day)
        if group_id is None:
            group_id = _new_group(connection, key, row["place_name"], day)
        else:
            joined += 1
        connection.execute(
            insert(figure_claims),
            [
                {
                    "document_id": document["id"],
                    "figure_id": row["id"],
                    "group_id": group_id,
                    "report_id": report_id,
                    "claimant": row["claimed_by"] or document["source"] or document["id"],
                    "source": document["source"],
                    "published": document["published"],
                    "day": day,
                    "value": row["value"],
                    "low": row["low"],
                    "high": row["high"],
                    "qualifier": row["qualifier"],
                    "text": row["text"],
                }
            ],
        )
    return joined


def _place_key(geonameid: int | None, name: str | None) -> str:
    if geonameid is not None:
        return f"geonames:{geonameid}"
    return sim.normal(name)


def _find_group(connection: Connection, key: dict[str, str], day: str) -> int | None:
    groups = figure_groups
    low, high = sim.day_range(day, FIGURE_PERIOD_DAYS)
    query = (
        select(groups.c.id, groups.c.first_day, groups.c.last_day)
        .where(*(groups.c[name] == value for name, value in key.items()))
        .where(groups.c.last_day >= low)
        .order_by(groups.c.last_day.desc())
        .limit(1)
    )
    row = connection.execute(query).first()
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
