"""Merge one document's statements into known ones: same speaker, near-identical text.

Candidates are found on an indexed blocking key, the speaker's last name word (so "Mayor Ana
Ruiz" and "Ruiz" meet) and a day within :data:`STATEMENT_DAY_WINDOW` of publication. They
match when the speakers' names agree and the texts are near-identical, or one quotes part of
the other. Statements with no speaker match on text only, with a stricter threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import Connection, Integer, bindparam, insert, select, update

from ..model import DocumentResult
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


@dataclass(frozen=True)
class PreparedStatement:
    """A new statement as merging compares and stores it."""

    id: str
    speaker: str | None
    speaker_key: str
    stance: str
    kind: str
    text: str
    mentions: int


def prepare_statements(result: DocumentResult) -> list[PreparedStatement]:
    """The statements of one document's result, with their blocking key."""
    return [
        PreparedStatement(
            id=s.id,
            speaker=s.speaker,
            speaker_key=speaker_key(s.speaker),
            stance=str(s.stance),
            kind=str(s.kind),
            text=s.text,
            mentions=max(len(s.mentions), 1),
        )
        for s in result.statements
    ]


def merge_statements(
    connection: Connection,
    document: dict[str, Any],
    report_id: str,
    statements: list[PreparedStatement],
) -> int:
    """Attach every statement of ``document`` to a merged statement; return how many joined."""
    day = (document["published"] or "")[:10]
    joined = 0
    for statement in statements:
        key = statement.speaker_key
        merged_id = _match(connection, key, day, statement.speaker, statement.text)
        if merged_id is None:
            merged_id = _new_merged(connection, statement, document)
        else:
            joined += 1
            _touch(connection, merged_id, document["published"])
        row = {
            "document_id": document["id"],
            "statement_id": statement.id,
            "merged_id": merged_id,
            "report_id": report_id,
            "source": document["source"],
            "published": document["published"],
            "mentions": statement.mentions,
            "speaker_key": key,
            "day": day,
            "text": statement.text,
        }
        connection.execute(_INSERT_MEMBER, row)
    return joined


_INSERT_MEMBER = insert(statement_members)
_INSERT_MERGED = insert(merged_statements)
_CANDIDATES = (
    select(statement_members.c.merged_id, statement_members.c.text, merged_statements.c.speaker)
    .join(merged_statements, merged_statements.c.id == statement_members.c.merged_id)
    .where(
        statement_members.c.speaker_key == bindparam("key"),
        statement_members.c.day.between(bindparam("low"), bindparam("high")),
    )
    .limit(bindparam("limit", type_=Integer))  # MAX_STATEMENT_CANDIDATES, read at each call
)


def _match(
    connection: Connection, key: str, day: str, speaker: str | None, text: str
) -> int | None:
    low, high = sim.day_range(day, STATEMENT_DAY_WINDOW)
    parameters = {"key": key, "low": low, "high": high, "limit": MAX_STATEMENT_CANDIDATES}
    found = connection.execute(_CANDIDATES, parameters)
    for merged_id, other_text, other_speaker in found:
        if sim.names_match(speaker, other_speaker) is False:
            continue
        if texts_match(text, other_text, strict=not key):
            return int(merged_id)
    return None


def _new_merged(
    connection: Connection, statement: PreparedStatement, document: dict[str, Any]
) -> int:
    result = connection.execute(
        _INSERT_MERGED,
        {
            "speaker": statement.speaker,
            "stance": statement.stance,
            "kind": statement.kind,
            "text": statement.text,
            "first_published": document["published"],
            "last_published": document["published"],
        },
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
