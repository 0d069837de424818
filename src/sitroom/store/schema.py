"""The database schema: plain snake_case tables, foreign keys, readable views and FTS5.

The same tables and views are created on SQLite and PostgreSQL; only full-text search differs
(FTS5 tables here, ``tsvector`` columns in ``_search_pg``).

Tables hold one row per contract item, keyed by ``(document_id, id)`` (times, which have no id in
the contract, by ``(document_id, idx)``), plus one row per mention. The full ``DocumentResult``
JSON is kept in ``document_results`` so :meth:`Store.result` round-trips exactly. Views
(``statement_list``, ``event_list``, ``figure_list``, ``place_list``, ``time_list``) make
``datasette sitroom.db`` readable with no configuration.

This module does not open databases or write rows; it only describes and creates the schema.
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.schema import SchemaItem

STATUSES = ("analysed", "flagged")
"""``analysed``: extracted; ``flagged``: stored with its text only (e.g. not English)."""

metadata = MetaData()


def _document_id(**kwargs: object) -> Column[str]:
    return Column(
        "document_id",
        Text,
        ForeignKey("documents.id", ondelete="CASCADE"),
        nullable=False,
        **kwargs,  # type: ignore[arg-type]
    )


def _item_table(name: str, *columns: SchemaItem) -> Table:
    """A per-document item table keyed by ``(document_id, id)``; ``idx`` keeps list order."""
    return Table(
        name,
        metadata,
        _document_id(),
        Column("id", Text, nullable=False),
        Column("idx", Integer, nullable=False),
        *columns,
        PrimaryKeyConstraint("document_id", "id"),
    )


def _mention_table(name: str, item_table: Table, item_column: str) -> Table:
    """A mention table: every occurrence of an item, ``idx`` 0 being the first."""
    return Table(
        name,
        metadata,
        Column("document_id", Text, nullable=False),
        Column(item_column, Text, nullable=False),
        Column("idx", Integer, nullable=False),
        Column("start", Integer, nullable=False),
        Column("end", Integer, nullable=False),
        Column("text", Text, nullable=False),
        PrimaryKeyConstraint("document_id", item_column, "idx"),
        ForeignKeyConstraint(
            ["document_id", item_column],
            [f"{item_table.name}.document_id", f"{item_table.name}.id"],
            ondelete="CASCADE",
        ),
    )


def _date_key() -> Column[str]:
    # The item's own ISO date, month or year, set at write time; NULL when it has none, in which
    # case queries fall back to the document's published day.
    return Column("date_key", Text)


documents = Table(
    "documents",
    metadata,
    # An integer rowid alias, so the external-content FTS index survives VACUUM.
    Column("pk", Integer, primary_key=True),
    Column("id", Text, nullable=False, unique=True),
    Column("content_hash", Text, nullable=False, unique=True),
    Column("title", Text),
    Column("source", Text),
    Column("url", Text),
    Column("published", Text),
    Column("language", Text, nullable=False),
    Column("chars", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("origin", Text),
    Column("ingested_at", Text, nullable=False),
    Column("warnings", Text, nullable=False),
    CheckConstraint("status IN ('analysed', 'flagged')", name="ck_documents_status"),
    Index("ix_documents_published", "published"),
    Index("ix_documents_source", "source"),
)

document_results = Table(
    "document_results",
    metadata,
    _document_id(primary_key=True),
    Column("schema", Text, nullable=False),
    Column("json", Text, nullable=False),
)

entities = _item_table(
    "entities",
    Column("name", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("aliases", Text, nullable=False),
    Index("ix_entities_name", "name"),
)

places = _item_table(
    "places",
    Column("name", Text, nullable=False),
    Column("lat", Float),
    Column("lon", Float),
    Column("country", Text),
    Column("kind", Text),
    Column("geonameid", Integer),
    Column("precision", Text, nullable=False),
    Index("ix_places_name", "name"),
)

times = Table(
    "times",
    metadata,
    _document_id(),
    Column("idx", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("value", Text),
    Column("precision", Text),
    _date_key(),
    PrimaryKeyConstraint("document_id", "idx"),
)

statements = Table(
    "statements",
    metadata,
    # Integer rowid alias for the statements_fts external-content index (see documents.pk).
    Column("pk", Integer, primary_key=True),
    _document_id(),
    Column("id", Text, nullable=False),
    Column("idx", Integer, nullable=False),
    Column("kind", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("speaker", Text),
    Column("speaker_type", Text, nullable=False),
    Column("speaker_entity", Text),
    Column("cue", Text),
    Column("stance", Text, nullable=False),
    Column("channel", Text),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    UniqueConstraint("document_id", "id", name="uq_statements_document_id_id"),
    Index("ix_statements_speaker", "speaker"),
)

events = _item_table(
    "events",
    Column("type", Text, nullable=False),
    Column("mode", Text),
    Column("actor", Text),
    Column("target", Text),
    # A place id of the same document; not a foreign key, so a producer's dangling reference
    # cannot make a whole document unstorable.
    Column("place", Text),
    Column("lat", Float),
    Column("lon", Float),
    Column("date", Text),
    Column("date_precision", Text),
    Column("claimed_by", Text),
    Column("stance", Text),
    Column("text", Text, nullable=False),
    _date_key(),
    Index("ix_events_type", "type"),
)

figures = _item_table(
    "figures",
    Column("metric", Text, nullable=False),
    Column("value", Float),
    Column("low", Float),
    Column("high", Float),
    Column("qualifier", Text, nullable=False),
    Column("unit", Text),
    Column("who", Text),
    Column("place", Text),
    Column("date", Text),
    Column("claimed_by", Text),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    _date_key(),
    Index("ix_figures_metric", "metric"),
)

entity_mentions = _mention_table("entity_mentions", entities, "entity_id")
place_mentions = _mention_table("place_mentions", places, "place_id")
statement_mentions = _mention_table("statement_mentions", statements, "statement_id")
event_mentions = _mention_table("event_mentions", events, "event_id")

MENTION_TABLES: dict[str, tuple[Table, str]] = {
    "entities": (entity_mentions, "entity_id"),
    "places": (place_mentions, "place_id"),
    "statements": (statement_mentions, "statement_id"),
    "events": (event_mentions, "event_id"),
}
"""Item table name -> (its mention table, the mention table's item-id column)."""


def _mention_count(table: str, alias: str, column: str) -> str:
    return (
        f"(SELECT COUNT(*) FROM {table} m WHERE m.document_id = {alias}.document_id"
        f" AND m.{column} = {alias}.id) AS mentions"
    )


_DOC_COLUMNS = "d.published, d.source, d.title"

VIEWS: dict[str, str] = {
    "statement_list": (
        "SELECT s.document_id, s.id, s.speaker, s.stance, s.kind, s.text, s.cue, s.channel,"
        ' s.start, s."end",'
        f" {_DOC_COLUMNS}, {_mention_count('statement_mentions', 's', 'statement_id')}"
        " FROM statements s JOIN documents d ON d.id = s.document_id"
    ),
    "event_list": (
        "SELECT e.document_id, e.id, e.type, e.date, e.actor, e.target, p.name AS place_name,"
        f" e.claimed_by, e.text, {_DOC_COLUMNS},"
        f" {_mention_count('event_mentions', 'e', 'event_id')}"
        " FROM events e JOIN documents d ON d.id = e.document_id"
        " LEFT JOIN places p ON p.document_id = e.document_id AND p.id = e.place"
    ),
    "figure_list": (
        "SELECT f.document_id, f.id, f.metric, f.value, f.low, f.high, f.qualifier, f.unit,"
        f" f.who, f.date, f.claimed_by, f.text, {_DOC_COLUMNS}"
        " FROM figures f JOIN documents d ON d.id = f.document_id"
    ),
    "place_list": (
        "SELECT p.name, p.country, p.kind, p.precision, p.lat, p.lon, p.geonameid,"
        " COUNT(DISTINCT p.document_id) AS documents, COUNT(m.idx) AS mentions"
        " FROM places p LEFT JOIN place_mentions m"
        " ON m.document_id = p.document_id AND m.place_id = p.id"
        " GROUP BY p.name, p.country, p.kind, p.precision, p.lat, p.lon, p.geonameid"
    ),
    "time_list": (
        'SELECT t.document_id, t.text, t.value, t.precision, t.start, t."end",'
        f" {_DOC_COLUMNS} FROM times t JOIN documents d ON d.id = t.document_id"
    ),
}
"""Readable views for Datasette; portable SQL (no SQLite-only functions)."""

FTS_TABLES: dict[str, tuple[str, ...]] = {
    "documents": ("title", "text"),
    "statements": ("speaker", "text"),
}
"""Searchable tables and the columns their full-text index ``<table>_fts`` covers: an FTS5
table on SQLite, a GIN index on a ``tsvector`` column on PostgreSQL (``_search_pg``)."""

FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"


def fts_statements(table: str) -> list[str]:
    """DDL for ``<table>_fts`` as an external-content FTS5 index kept in sync by triggers."""
    columns = FTS_TABLES[table]
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    fts = f"{table}_fts"
    delete = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.pk, {old});"
    insert = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.pk, {new});"
    # content="table" is the spelling every Datasette version detects to offer a search box.
    return [
        f'CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content="{table}",'
        f" content_rowid='pk', tokenize='{FTS_TOKENIZER}')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE ON {table} BEGIN {delete} {insert} END",
    ]
