"""Tables of the cross-document merge: merged items, their members, near-duplicate links.

Every lookup the merge makes while a document arrives goes through an index on a blocking key
(event type and day, statement speaker and day, figure metric/place/who, LSH band hash), so the
cost of merging one document does not grow with the number of stored documents. Member rows
point at the store's per-document items and are deleted with their document.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
)
from sqlalchemy.schema import SchemaItem

metadata = MetaData()

# The store's documents table, declared here only so foreign keys resolve; never created here.
_documents = Table("documents", metadata, Column("id", Text, primary_key=True))


def _document_id(name: str = "document_id", **kwargs: object) -> Column[str]:
    return Column(
        name,
        Text,
        ForeignKey("documents.id", ondelete="CASCADE"),
        nullable=False,
        **kwargs,  # type: ignore[arg-type]
    )


def _member_table(name: str, item_column: str, merged: Table, *columns: SchemaItem) -> Table:
    """A table of the per-document items merged into a row of ``merged``, keyed like the items.

    Its leading columns are what a merged item's reports are counted from.
    """
    return Table(
        name,
        metadata,
        _document_id(),
        Column(item_column, Text, nullable=False),
        Column("merged_id", Integer, ForeignKey(f"{merged.name}.id"), nullable=False),
        # The counted document: the document itself, or the one it is a near-duplicate of.
        Column("report_id", Text, nullable=False),
        Column("source", Text),
        Column("published", Text),
        Column("mentions", Integer, nullable=False),
        *columns,
        PrimaryKeyConstraint("document_id", item_column),
        Index(f"ix_{name}_merged_id", "merged_id"),
    )


document_minhash = Table(
    "document_minhash",
    metadata,
    _document_id(primary_key=True),
    # Number of distinct word shingles, to turn an estimated Jaccard into containment.
    Column("shingles", Integer, nullable=False),
    Column("signature", LargeBinary, nullable=False),
)

document_lsh_bands = Table(
    "document_lsh_bands",
    metadata,
    # One row per band of the signature: a 64-bit hash of (band number, band values).
    Column("band_hash", BigInteger, nullable=False),
    _document_id(),
    PrimaryKeyConstraint("band_hash", "document_id"),
)

document_duplicates = Table(
    "document_duplicates",
    metadata,
    _document_id(primary_key=True),
    # The earliest stored document of the cluster: what the near-duplicate is counted as.
    _document_id("duplicate_of"),
    Column("jaccard", Float, nullable=False),
    Column("containment", Float, nullable=False),
    Index("ix_document_duplicates_duplicate_of", "duplicate_of"),
)

merged_events = Table(
    "merged_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("type", Text, nullable=False),
    Column("day", Text),
    Column("place_name", Text),
    Column("lat", Float),
    Column("lon", Float),
    Column("actor", Text),
    Column("target", Text),
    Column("claimed_by", Text),
    Column("text", Text, nullable=False),
    Column("first_published", Text),
    Column("last_published", Text),
    Index("ix_merged_events_day", "day"),
)

event_members = _member_table(
    "event_members",
    "event_id",
    merged_events,
    # Blocking key and the features compared (copied so candidates need no join).
    Column("type", Text, nullable=False),
    Column("day", Text, nullable=False),
    Column("cell", Text, nullable=False),
    Column("lat", Float),
    Column("lon", Float),
    Column("country", Text),
    Column("trigger", Text, nullable=False),
    # The trigger's synonym class: events typed differently by the extractor still meet.
    Column("trigger_class", Text, nullable=False),
    Column("actor", Text),
    Column("target", Text),
    Column("text", Text, nullable=False),
    # The words around the trigger: what tells two events of one sentence apart.
    Column("context", Text, nullable=False),
    Index("ix_event_members_block", "type", "day", "cell"),
    Index("ix_event_members_trigger_class", "trigger_class", "day"),
)

merged_statements = Table(
    "merged_statements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("speaker", Text),
    Column("stance", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("first_published", Text),
    Column("last_published", Text),
)

statement_members = _member_table(
    "statement_members",
    "statement_id",
    merged_statements,
    Column("speaker_key", Text, nullable=False),
    Column("day", Text, nullable=False),
    Column("text", Text, nullable=False),
    Index("ix_statement_members_block", "speaker_key", "day"),
)

figure_groups = Table(
    "figure_groups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("metric", Text, nullable=False),
    Column("place_key", Text, nullable=False),
    Column("place_name", Text),
    Column("who_key", Text, nullable=False),
    Column("first_day", Text, nullable=False),
    Column("last_day", Text, nullable=False),
    Index("ix_figure_groups_block", "metric", "place_key", "who_key", "last_day"),
)

figure_claims = Table(
    "figure_claims",
    metadata,
    _document_id(),
    Column("figure_id", Text, nullable=False),
    Column("group_id", Integer, ForeignKey("figure_groups.id"), nullable=False),
    Column("report_id", Text, nullable=False),
    # Who gives the number: the claimant inside the text, else the outlet.
    Column("claimant", Text, nullable=False),
    Column("source", Text),
    Column("published", Text),
    Column("day", Text, nullable=False),
    Column("value", Float),
    Column("low", Float),
    Column("high", Float),
    Column("qualifier", Text, nullable=False),
    Column("text", Text, nullable=False),
    PrimaryKeyConstraint("document_id", "figure_id"),
    Index("ix_figure_claims_group_id", "group_id", "day"),
)

merged_documents = Table(
    "merged_documents",
    metadata,
    # Documents already merged: merge_document is idempotent.
    _document_id(primary_key=True),
    Column("merged_at", Text, nullable=False),
)


def create_merge_tables(connection: Connection) -> None:
    """Create the merge tables (schema migration 2); the caller owns the transaction."""
    tables = [table for table in metadata.sorted_tables if table is not _documents]
    metadata.create_all(connection, tables=tables)
