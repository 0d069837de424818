"""Render lists of rows as a table, JSON or CSV (for the CLI's list commands)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

TABLE_CELL_LIMIT = 120
"""Longer cells are cut in tables only; JSON and CSV always carry the full value."""


def render_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], output: str) -> str:
    """Return ``rows`` as ``table``, ``json`` (an array) or ``csv`` text, ending in a newline."""
    if output == "json":
        return json.dumps(list(rows), ensure_ascii=False, default=str) + "\n"
    if output == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue()
    return _table(rows, columns)


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    table = Table(*columns, show_lines=False, highlight=False)
    for row in rows:
        table.add_row(*(_cell(row.get(column)) for column in columns))
    console = Console(file=io.StringIO(), width=160, force_terminal=False, color_system=None)
    console.print(table)
    if not rows:
        console.print("(no rows)")
    output = console.file
    assert isinstance(output, io.StringIO)
    return output.getvalue()


def _cell(value: Any) -> Text:
    # Text(), not str: article text must never be read as rich markup ("[red]...").
    text = "" if value is None else " ".join(str(value).split())
    if len(text) > TABLE_CELL_LIMIT:
        text = text[: TABLE_CELL_LIMIT - 1] + "…"
    return Text(text)
