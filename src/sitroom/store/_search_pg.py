"""PostgreSQL full-text search: tsvector columns, GIN indexes, and the same answers as FTS5.

Each searchable table gets a stored generated column ``search_vector``, a weighted ``tsvector``
(the first column of :data:`schema.FTS_TABLES` weighted A, the second B), and a GIN index
``<table>_fts`` on it; storing the vector spares re-parsing every matching text to rank it. The
``sitroom_english`` configuration has Snowball English stems and, like FTS5's ``porter
unicode61``, no stop words; accents are folded when the ``unaccent`` extension can be installed.

Queries take the FTS5 syntax Sitroom documents (``"a phrase"``, ``OR``, ``AND``, ``NOT``,
``prefix*``, ``title:word``, parentheses), translated into a ``to_tsquery`` expression; anything
else is searched as plain words with ``plainto_tsquery``, so hostile input never raises. Rows
have the shape of the FTS5 rows, with ``rank`` the negated ``ts_rank`` (lower is better, as with
bm25) and ``ts_headline`` snippets.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, Engine, exc
from sqlalchemy.sql import text

from . import schema

Row = dict[str, Any]

TEXT_SEARCH_CONFIG = "sitroom_english"
"""The text search configuration of the indexes and queries."""
VECTOR_COLUMN = "search_vector"
"""The generated ``tsvector`` column of each searchable table (PostgreSQL only)."""
_STEMMER = "sitroom_english_stem"
_WORD_TOKENS = "asciiword, asciihword, hword_asciipart, word, hword, hword_part"
_RANK_NORMALISATION = 1  # divide by 1 + log(length): long documents do not win by size alone
_SNIPPET_WORDS = (8, 16)  # MinWords, MaxWords of a ts_headline fragment
_WEIGHTS = "AB"  # the weight of each column of schema.FTS_TABLES, in order
_EDGE_CHARS = 400  # of the text's start and end, fetched to tell where a snippet sits
_COMPARED_CHARS = 200
_EDGES = re.compile(r"^\W+|\W+$")

# A (column-filtered) phrase, a parenthesis, a run of anything else (word, operator, filter).
_TOKEN = re.compile(r'(?:[A-Za-z_]+:)?"(?:[^"]|"")*"|[()]|[^\s()"]+|"')
_COLUMN_FILTER = re.compile(r"^([A-Za-z_]+):(.+)$")
_OPERATORS = {"OR": "|", "AND": "&", "NOT": "& !"}


class _NotFts5Syntax(ValueError):
    """The query is not valid in the FTS5 syntax Sitroom translates."""


# --- the index --------------------------------------------------------------------------------


def vector(table: str) -> str:
    """The weighted ``tsvector`` expression that ``<table>.search_vector`` stores."""
    parts = [
        f"setweight(to_tsvector('{TEXT_SEARCH_CONFIG}', coalesce({column}, '')), '{weight}')"
        for column, weight in zip(schema.FTS_TABLES[table], _WEIGHTS, strict=True)
    ]
    return " || ".join(parts)


def create_search(connection: Connection) -> None:
    """Create the text search configuration, the vector columns and their GIN indexes."""
    mapping = _STEMMER
    if _install_unaccent(connection):
        mapping = f"unaccent, {_STEMMER}"
    for statement in (
        f"CREATE TEXT SEARCH DICTIONARY {_STEMMER} (TEMPLATE = snowball, LANGUAGE = english)",
        f"CREATE TEXT SEARCH CONFIGURATION {TEXT_SEARCH_CONFIG} (COPY = english)",
        f"ALTER TEXT SEARCH CONFIGURATION {TEXT_SEARCH_CONFIG}"
        f" ALTER MAPPING FOR {_WORD_TOKENS} WITH {mapping}",
    ):
        connection.execute(text(statement))
    for table in schema.FTS_TABLES:
        connection.execute(
            text(
                f"ALTER TABLE {table} ADD COLUMN {VECTOR_COLUMN} tsvector"
                f" GENERATED ALWAYS AS ({vector(table)}) STORED"
            )
        )
        connection.execute(text(f"CREATE INDEX {table}_fts ON {table} USING GIN ({VECTOR_COLUMN})"))


def _install_unaccent(connection: Connection) -> bool:
    """Install ``unaccent`` if the user may (a trusted extension since PostgreSQL 13)."""
    try:
        with connection.begin_nested():  # a savepoint: a refusal must not abort the migration
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS unaccent"))
    except exc.DBAPIError:
        return False
    return True


def has_search(connection: Connection) -> bool:
    """True when the database has Sitroom's full-text indexes."""
    names = [f"{table}_fts" for table in schema.FTS_TABLES]
    query = text("SELECT count(to_regclass(name)) FROM unnest(CAST(:names AS text[])) AS name")
    return connection.scalar(query, {"names": names}) == len(names)


# --- queries ----------------------------------------------------------------------------------


def to_tsquery_text(query: str, columns: tuple[str, ...]) -> str:
    """Translate FTS5 syntax into ``to_tsquery`` input; raise ValueError if it is not valid.

    ``columns`` are the table's searchable columns, for ``column:word`` filters.
    """
    out: list[str] = []
    depth = 0
    operand_before = False  # the previous token ends an operand (word, phrase, ')')
    for token in _TOKEN.findall(query):
        if token in _OPERATORS:
            if not operand_before:
                raise _NotFts5Syntax(token)
            out.append(_OPERATORS[token])
            operand_before = False
            continue
        if operand_before and token != ")":
            out.append("&")  # FTS5 joins adjacent terms with an implicit AND
        if token == "(":
            depth += 1
            out.append("(")
            operand_before = False
        elif token == ")":
            depth -= 1
            if depth < 0 or not operand_before:
                raise _NotFts5Syntax(token)
            out.append(")")
        else:
            out.append(_operand(token, columns))
            operand_before = True
    if depth or not operand_before:
        raise _NotFts5Syntax(query)
    return " ".join(out)


def _operand(token: str, columns: tuple[str, ...]) -> str:
    weight = ""
    found = _COLUMN_FILTER.match(token)
    if found:
        if found.group(1) not in columns:
            raise _NotFts5Syntax(token)
        weight = _WEIGHTS[columns.index(found.group(1))]
        token = found.group(2)
    prefix = token.endswith("*") and not token.startswith('"')
    body = token.removesuffix("*") if prefix else token
    if body.startswith('"'):
        if len(body) < 2 or not body.endswith('"'):
            raise _NotFts5Syntax(token)  # a lone or unbalanced quote
        body = body[1:-1].replace('""', '"')
    if not re.search(r"\w", body):
        raise _NotFts5Syntax(token)  # '*', '^', '-': operators FTS5 has and Sitroom does not
    # Quoted, the text is parsed and stemmed like indexed text (several words: a phrase).
    quoted = "'" + body.replace("\\", "\\\\").replace("'", "''") + "'"
    flags = ("*" if prefix else "") + weight  # 'word':*A is a prefix, in the title only
    return quoted + (f":{flags}" if flags else "")


def search(engine: Engine, query: str, limit: int, *, marks: tuple[str, str]) -> list[Row]:
    """Documents and statements matching ``query``, best first; ``marks`` wrap matched words."""
    query = query.replace("\x00", " ")  # PostgreSQL text cannot hold NUL
    if not query.strip():
        return []
    rows: list[Row] = []
    for table, columns in schema.FTS_TABLES.items():
        try:
            translated = to_tsquery_text(query, columns)
        except _NotFts5Syntax:
            rows.extend(_run(engine, table, "plainto_tsquery", query, limit, marks))
            continue
        try:
            rows.extend(_run(engine, table, "to_tsquery", translated, limit, marks))
        except (exc.ProgrammingError, exc.DataError):
            # A translation PostgreSQL still rejects: search the words instead.
            rows.extend(_run(engine, table, "plainto_tsquery", query, limit, marks))
    rows.sort(key=lambda row: row["rank"])
    return rows[:limit]


def _run(
    engine: Engine, table: str, function: str, query: str, limit: int, marks: tuple[str, str]
) -> list[Row]:
    start, end = (m.replace('"', "") for m in marks)  # they go inside "..." option values
    low, high = _SNIPPET_WORDS
    params = {
        "query": query,
        "limit": limit,
        "edge": _EDGE_CHARS,
        "options": f'StartSel="{start}", StopSel="{end}", MinWords={low}, MaxWords={high},'
        " MaxFragments=1",
    }
    # A connection per statement: a rejected query aborts its transaction, not the next one.
    with engine.connect() as connection:
        found = connection.execute(text(_sql(table, function)), params).mappings()
        return [_with_ellipses(dict(row), start, end) for row in found]


def _with_ellipses(row: Row, start: str, end: str) -> Row:
    """Mark a snippet that does not reach the text's start or end with '…', as FTS5 does."""
    head, tail = row.pop("_head"), row.pop("_tail")
    # ts_headline drops punctuation at a fragment's edges: compare word characters only.
    plain = _EDGES.sub("", row["snippet"].replace(start, "").replace(end, ""))
    if plain and not _EDGES.sub("", head).startswith(plain[:_COMPARED_CHARS]):
        row["snippet"] = "…" + row["snippet"]
    if plain and not _EDGES.sub("", tail).endswith(plain[-_COMPARED_CHARS:]):
        row["snippet"] += "…"
    return row


def _sql(table: str, function: str) -> str:
    """One table's hits, best first, with snippets made for the rows kept only."""
    alias = table[0]
    query = f"{function}('{TEXT_SEARCH_CONFIG}', :query)"
    vec = f"{alias}.{VECTOR_COLUMN}"
    hits = (
        f"SELECT {alias}.pk, ts_rank({vec}, {query}, {_RANK_NORMALISATION}) AS score"
        f" FROM {table} {alias} WHERE {vec} @@ {query} ORDER BY score DESC, {alias}.pk"
        " LIMIT :limit"
    )
    body = f"{alias}.text"
    if table == "documents":
        columns = (
            "'document' AS kind, d.id AS document_id, NULL AS id, d.title, d.source,"
            " d.published, NULL AS speaker, NULL AS stance"
        )
        source = "hits JOIN documents d ON d.pk = hits.pk"
    else:
        columns = (
            "'statement' AS kind, s.document_id, s.id, d.title, d.source, d.published,"
            " s.speaker, s.stance"
        )
        source = "hits JOIN statements s ON s.pk = hits.pk JOIN documents d ON d.id = s.document_id"
    return (
        f"WITH hits AS ({hits}) SELECT {columns},"
        f" ts_headline('{TEXT_SEARCH_CONFIG}', {body}, {query}, :options) AS snippet,"
        f" -hits.score AS rank, left({body}, :edge) AS _head, right({body}, :edge) AS _tail"
        f" FROM {source} ORDER BY hits.score DESC, hits.pk"
    )
