"""Read the merged items: events and statements once with their sources, figure histories."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, RowMapping, Select, Table, func, select

from ..store._query import contains
from ._figures import lower_bound
from ._tables import (
    document_duplicates,
    event_members,
    figure_claims,
    figure_groups,
    merged_events,
    merged_statements,
    statement_members,
)

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_CHUNK = 500


@dataclass(frozen=True)
class Reports:
    """How often and where one merged item was reported."""

    mentions: int  # every occurrence, repeats inside a document included
    documents: int  # documents that mention it
    reports: int  # independent reports: near-duplicates of one document count once
    sources: tuple[str, ...]  # outlets, in order of first report
    members: tuple[tuple[str, str], ...]  # (document_id, item id) of every member


@dataclass(frozen=True)
class MergedEvent:
    id: int
    type: str
    day: str | None
    place: str | None
    lat: float | None
    lon: float | None
    actor: str | None
    target: str | None
    claimed_by: str | None
    text: str
    first_published: str | None
    last_published: str | None
    reported: Reports

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class MergedStatement:
    id: int
    speaker: str | None
    stance: str
    kind: str
    text: str
    first_published: str | None
    last_published: str | None
    reported: Reports

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class FigureClaim:
    """One source's number on one day."""

    claimant: str
    day: str
    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    source: str | None
    published: str | None
    document_id: str
    figure_id: str
    text: str


@dataclass(frozen=True)
class FigureGroup:
    """Claims about one quantity; ``current`` is the lowest credible latest claim."""

    id: int
    metric: str
    place: str | None
    who: str
    first_day: str
    last_day: str
    current: float | None
    current_claimant: str | None
    claims: tuple[FigureClaim, ...]  # by claimant, then day

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _chunks(values: Sequence[int]) -> list[Sequence[int]]:
    return [values[i : i + _CHUNK] for i in range(0, len(values), _CHUNK)]


def _reports(
    connection: Connection, members: Table, item_column: str, ids: list[int]
) -> dict[int, Reports]:
    rows: dict[int, list[Any]] = defaultdict(list)
    for chunk in _chunks(ids):
        query = (
            select(members)
            .where(members.c.merged_id.in_(chunk))
            .order_by(members.c.merged_id, members.c.published, members.c.document_id)
        )
        for row in connection.execute(query).mappings():
            rows[row["merged_id"]].append(row)
    found = {}
    for merged_id, group in rows.items():
        found[merged_id] = Reports(
            mentions=sum(r["mentions"] for r in group),
            documents=len({r["document_id"] for r in group}),
            reports=len({r["report_id"] for r in group}),
            sources=tuple(dict.fromkeys(r["source"] or r["document_id"] for r in group)),
            members=tuple((r["document_id"], r[item_column]) for r in group),
        )
    return found


def _with_reports(
    connection: Connection, query: Select[Any], members: Table, item_column: str
) -> list[tuple[RowMapping, Reports]]:
    """The merged rows ``query`` selects, each with its reports; rows without members dropped."""
    rows = connection.execute(query).mappings().all()
    reports = _reports(connection, members, item_column, [r["id"] for r in rows])
    return [(r, reports[r["id"]]) for r in rows if r["id"] in reports]


def _values(kind: type[DataclassInstance], row: RowMapping, **given: Any) -> dict[str, Any]:
    """Keyword arguments of ``kind`` from ``row``'s same-named columns, ``given`` overriding."""
    return {f.name: row[f.name] for f in fields(kind) if f.name not in given} | given


def _period(column: Any, since: str | None, until: str | None) -> list[Any]:
    clauses = []
    if since:
        clauses.append(column >= since[:10])
    if until:
        clauses.append(func.substr(column, 1, 10) <= until[:10])
    return clauses


def list_merged_events(
    connection: Connection,
    *,
    type: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
) -> list[MergedEvent]:
    """Merged events by day, each once, with every report of it."""
    table = merged_events
    day = func.coalesce(table.c.day, func.substr(table.c.first_published, 1, 10))
    query = select(table).where(*_period(day, since, until))
    if type:
        query = query.where(table.c.type == type.upper())
    query = query.order_by(day, table.c.first_published, table.c.id).limit(limit)
    found = _with_reports(connection, query, event_members, "event_id")
    return [
        MergedEvent(**_values(MergedEvent, r, place=r["place_name"], reported=reported))
        for r, reported in found
    ]


def list_merged_statements(
    connection: Connection,
    *,
    speaker: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
) -> list[MergedStatement]:
    """Merged statements in order of first report, each once, with every report of it."""
    table = merged_statements
    query = select(table).where(*_period(table.c.first_published, since, until))
    if speaker:
        query = query.where(contains(table.c.speaker, speaker))  # wildcards taken literally
    query = query.order_by(table.c.first_published, table.c.id).limit(limit)
    found = _with_reports(connection, query, statement_members, "statement_id")
    return [
        MergedStatement(**_values(MergedStatement, r, reported=reported)) for r, reported in found
    ]


def list_figure_history(
    connection: Connection,
    *,
    metric: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
) -> list[FigureGroup]:
    """Figure groups with each claimant's numbers over time and the conservative current value."""
    groups = figure_groups
    query = select(groups).where(*_period(groups.c.last_day, since, None))
    if until:
        query = query.where(groups.c.first_day <= until[:10])
    if metric:
        query = query.where(groups.c.metric == metric.lower())
    query = query.order_by(groups.c.metric, groups.c.first_day, groups.c.id).limit(limit)
    rows = connection.execute(query).mappings().all()
    claims: dict[int, list[FigureClaim]] = defaultdict(list)
    for chunk in _chunks([r["id"] for r in rows]):
        found = connection.execute(
            select(figure_claims)
            .where(figure_claims.c.group_id.in_(chunk))
            .order_by(figure_claims.c.claimant, figure_claims.c.day, figure_claims.c.published)
        ).mappings()
        for c in found:
            claims[c["group_id"]].append(FigureClaim(**_values(FigureClaim, c)))
    return [_group(r, claims[r["id"]]) for r in rows]


def _group(row: Any, claims: list[FigureClaim]) -> FigureGroup:
    latest: dict[str, FigureClaim] = {}
    for claim in claims:  # ordered by day: the last one per claimant wins
        latest[claim.claimant] = claim
    credible = [
        (bound, claim.claimant)
        for claim in latest.values()
        if (bound := lower_bound(asdict(claim))) is not None
    ]
    current = min(credible) if credible else (None, None)
    return FigureGroup(
        id=row["id"],
        metric=row["metric"],
        place=row["place_name"],
        who=row["who_key"],
        first_day=row["first_day"],
        last_day=row["last_day"],
        current=current[0],
        current_claimant=current[1],
        claims=tuple(claims),
    )


def list_duplicates(connection: Connection, document_id: str) -> list[dict[str, Any]]:
    """The other documents of ``document_id``'s near-duplicate cluster, first document first.

    Rows: ``document_id``, ``duplicate_of`` (the cluster's first document; None for that
    document itself), ``jaccard`` and ``containment`` of the link (for the first document: of
    ``document_id``'s own link to it). Empty for a document with no near-duplicate.
    """
    table = document_duplicates
    own = (
        connection.execute(select(table).where(table.c.document_id == document_id))
        .mappings()
        .first()
    )
    root = own["duplicate_of"] if own else document_id
    query = select(table).where(table.c.duplicate_of == root).order_by(table.c.document_id)
    cluster = [dict(r) for r in connection.execute(query).mappings()]
    cluster = [r for r in cluster if r["document_id"] != document_id]
    if own is not None:
        first = {"document_id": root, "duplicate_of": None}
        cluster.insert(0, first | {"jaccard": own["jaccard"], "containment": own["containment"]})
    return cluster
