"""Merge one document's statements into known ones: same speaker, near-identical text.

Candidates are found on an indexed blocking key, the speaker's last name word (so "Mayor Ana
Ruiz" and "Ruiz" meet) and a day within :data:`STATEMENT_DAY_WINDOW` of publication. They
match when the speakers' names agree and the texts are near-identical, or one quotes part of
the other. Statements with no speaker match on text only, with a stricter threshold.
"""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import Connection, func, insert, select, update

from ..store import schema
from . import _similar as sim
from ._tables import merged_statements, statement_members

STATEMENT_DAY_WINDOW = 7
"""Quotes are repeated for days after they were said."""
MAX_STATEMENT_CANDIDATES = 300
TEXT_MATCH = 85.0
"""rapidfuzz ratio (0-100) of the normalised texts from which two statements are one."""
PART_MATCH = 95.0
"""partial_ratio for a quote cut short by one outlet..."""
PART_MIN_SHARE = 0.5
"""...when the shorter text is at least this share of the longer."""
UNATTRIBUTED_MATCH = 95.0


def speaker_key(speaker: str | None) -> str:
    """The blocking key of a speaker: the last word of the name, casefolded ('' for none)."""
    words = sim.normal(speaker).replace("'s", "").split()
    return words[-1].strip(".,") if words else ""


def texts_match(a: str, b: str, *, strict: bool = False) -> bool:
    """True when two statement texts are near-identical (or one is a large part of the other)."""
    first, second = _plain(a), _plain(b)
    if not first or not second:
        return False
    if fuzz.ratio(first, second) >= (UNATTRIBUTED_MATCH if strict else TEXT_MATCH):
        return True
    shorter, longer = sorted((len(first), len(second)))
    return (
        not strict
        and shorter >= PART_MIN_SHARE * longer
        and fuzz.partial_ratio(first, second) >= PART_MATCH
    )


def _plain(text: str) -> str:
    return " ".join(sim.normal(text).replace("“", " ").replace("”", " ").strip("\"' .").split())


def merge_statements(connection: Connection, document: dict[str, Any], report_id: str) -> int:
    """Attach every statement of ``document`` to a merged statement; return how many joined."""
    statements, mentions = schema.statements, schema.statement_mentions
    doc_id = document["id"]
    counts: dict[str, int] = dict(
        connection.execute(
            select(mentions.c.statement_id, func.count())
            .where(mentions.c.document_id == doc_id)
            .group_by(mentions.c.statement_id)
        ).all()
    )
    rows = connection.execute(
        select(statements).where(statements.c.document_id == doc_id).order_by(statements.c.idx)
    ).mappings()
    day = (document["published"] or "")[:10]
    joined = 0
    for row in rows.all():
        key = speaker_key(row["speaker"])
        merged_id = _match(connection, key, day, row["speaker"], row["text"])
        if merged_id is None:
            merged_id = _new_merged(connection, row, document)
        else:
            joined += 1
            _touch(connection, merged_id, document["published"])
        connection.execute(
            insert(statement_members),
            [
                {
                    "document_id": doc_id,
                    "statement_id": row["id"],
                    "merged_id": merged_id,
                    "report_id": report_id,
                    "source": document["source"],
                    "published": document["published"],
                    "mentions": max(counts.get(row["id"], 0), 1),
                    "speaker_key": key,
                    "day": day,
                    "text": row["text"],
                }
            ],
        )
    return joined


def _match(
    connection: Connection, key: str, day: str, speaker: str | None, text: str
) -> int | None:
    low, high = sim.day_range(day, STATEMENT_DAY_WINDOW)
    members, merged = statement_members, merged_statements
    query = (
        select(members.c.merged_id, members.c.text, merged.c.speaker)
        .join(merged, merged.c.id == members.c.merged_id)
        .where(members.c.speaker_key == key, members.c.day.between(low, high))
        .limit(MAX_STATEMENT_CANDIDATES)
    )
    for merged_id, other_text, other_speaker in connection.execute(query):
        if sim.names_match(speaker, other_speaker) is False:
            continue
        if texts_match(text, other_text, strict=not key):
            return int(merged_id)
    return None


def _new_merged(connection: Connection, row: Any, document: dict[str, Any]) -> int:
    result = connection.execute(
        insert(merged_statements).values(
            speaker=row["speaker"],
            stance=row["stance"],
            kind=row["kind"],
            text=row["text"],
            first_published=document["published"],
            last_published=document["published"],
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def _touch(connection: Connection, merged_id: int, published: str | None) -> None:
    if not published:
        return
    table = merged_statements
    row = connection.execute(
        select(table.c.first_published, table.c.last_published).where(table.c.id == merged_id)
    ).one()
    first, last = row
    connection.execute(
        update(table)
        .where(table.c.id == merged_id)
        .values(
            first_published=min(filter(None, (first, published))),
            last_published=max(filter(None, (last, published))),
        )
    )
