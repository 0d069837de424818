"""``sitroom`` commands that read the database: report, lists, search, serve, schema."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.markdown import Markdown

from ._cli_base import (
    DbOption,
    FormatOption,
    LimitOption,
    ListFormat,
    ReportFormat,
    SinceOption,
    UntilOption,
    _errors_to_exit,
    _list,
    _open,
    app,
    stderr,
    stdout,
)
from .api import DEFAULT_HOST, DEFAULT_PORT
from .api import serve as serve_api
from .merge import FigureClaim, FigureGroup
from .model import json_schema
from .report import build_report, render_html, render_markdown
from .store import DEFAULT_DB_URL, Store
from .web import TILE_ATTRIBUTION_ENV, TILE_URL_ENV, DashboardSettings

# --- views on the database -----------------------------------------------------------------


@app.command()
def report(
    db: DbOption = DEFAULT_DB_URL,
    since: SinceOption = None,
    until: UntilOption = None,
    output: Annotated[ReportFormat, typer.Option("--format", help="Output format.")] = (
        ReportFormat.md
    ),
    to_file: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Print the situation report: timeline by day, statements by speaker, figures, places.

    Example:

        sitroom report --db sitroom.db --since 2022-02-24 --format md
    """
    with _errors_to_exit():
        store = Store(db)
        try:
            built = build_report(store, since=since, until=until)
        finally:
            store.close()
    text = render_html(built) if output is ReportFormat.html else render_markdown(built)
    if to_file is not None:
        to_file.write_text(text, encoding="utf-8")
        stderr.print(f"Report written to {to_file}", highlight=False)
    elif output is ReportFormat.md and stdout.is_terminal:
        stdout.print(Markdown(text))
    else:
        typer.echo(text)


@app.command()
def documents(
    db: DbOption = DEFAULT_DB_URL,
    since: SinceOption = None,
    until: UntilOption = None,
    language: Annotated[str | None, typer.Option(help="Only this language (ISO 639-1).")] = None,
    status: Annotated[str | None, typer.Option(help="analysed or flagged.")] = None,
    limit: LimitOption = None,
    output: FormatOption = ListFormat.table,
) -> None:
    """List stored documents.

    Example:

        sitroom documents --db sitroom.db --since 2022-02-01 --format csv
    """
    with _errors_to_exit(), _open(db) as store:
        rows = store.documents(
            since=since, until=until, language=language, status=status, limit=limit
        )
    _list(rows, ("id", "published", "source", "title", "language", "status", "chars"), output)


@app.command()
def statements(
    db: DbOption = DEFAULT_DB_URL,
    speaker: Annotated[str | None, typer.Option(help="Speaker name (substring).")] = None,
    stance: Annotated[str | None, typer.Option(help="assert, claim, deny, ...")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: LimitOption = None,
    output: FormatOption = ListFormat.table,
) -> None:
    """List statements: who said what, with stance.

    Example:

        sitroom statements --db sitroom.db --stance deny --format json
    """
    with _errors_to_exit(), _open(db) as store:
        rows = store.statements(
            speaker=speaker, stance=stance, since=since, until=until, limit=limit
        )
    _list(rows, ("document_id", "speaker", "stance", "kind", "text"), output)


@app.command()
def events(
    db: DbOption = DEFAULT_DB_URL,
    event_type: Annotated[str | None, typer.Option("--type", help="PLOVER type.")] = None,
    place: Annotated[str | None, typer.Option(help="Place name (substring).")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: LimitOption = None,
    output: FormatOption = ListFormat.table,
) -> None:
    """List events: what happened, where, when, according to whom.

    Example:

        sitroom events --db sitroom.db --type ASSAULT --since 2022-02-24
    """
    with _errors_to_exit(), _open(db) as store:
        rows = store.events(type=event_type, place=place, since=since, until=until, limit=limit)
    _list(
        rows,
        ("document_id", "date", "type", "actor", "target", "place", "claimed_by", "text"),
        output,
    )


@app.command()
def figures(
    db: DbOption = DEFAULT_DB_URL,
    metric: Annotated[str | None, typer.Option(help="killed, displaced, troops, ...")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    history: Annotated[
        bool,
        typer.Option(
            "--history",
            help="Group figures of one quantity: each source's numbers over time, and the"
            " current (lowest credible) value.",
        ),
    ] = False,
    limit: LimitOption = None,
    output: FormatOption = ListFormat.table,
) -> None:
    """List figures: the numbers (killed, displaced, troops, ...) and who gave them.

    Example:

        sitroom figures --db sitroom.db --metric displaced --format csv

        sitroom figures --db sitroom.db --metric killed --history
    """
    if history:
        from .merge import figure_history

        with _errors_to_exit(), _open(db) as store, store.engine.connect() as connection:
            groups = figure_history(
                connection, metric=metric, since=since, until=until, limit=limit
            )
        claims = [_claim_row(group, claim) for group in groups for claim in group.claims]
        columns = ("group", "metric", "place", "who", "current", "claimant", "day")
        _list(claims, (*columns, "qualifier", "value", "source"), output)
        return
    with _errors_to_exit(), _open(db) as store:
        rows = store.figures(metric=metric, since=since, until=until, limit=limit)
    _list(
        rows, ("document_id", "metric", "qualifier", "value", "who", "claimed_by", "text"), output
    )


def _claim_row(group: FigureGroup, claim: FigureClaim) -> dict[str, object]:
    """One line of ``figures --history``: a source's figure with its group's current value."""
    return {
        "group": group.id,
        "metric": group.metric,
        "place": group.place,
        "who": group.who,
        "current": group.current,
        "claimant": claim.claimant,
        "day": claim.day,
        "qualifier": claim.qualifier,
        "value": claim.value if claim.value is not None else claim.low,
        "source": claim.source,
        "document_id": claim.document_id,
    }


@app.command()
def places(
    db: DbOption = DEFAULT_DB_URL,
    name: Annotated[str | None, typer.Option(help="Place name (substring).")] = None,
    limit: LimitOption = None,
    output: FormatOption = ListFormat.table,
) -> None:
    """List places mentioned in the stored documents.

    Example:

        sitroom places --db sitroom.db --name Kharkiv
    """
    with _errors_to_exit(), _open(db) as store:
        rows = store.places(name=name, limit=limit)
    _list(rows, ("document_id", "name", "precision", "country", "lat", "lon", "kind"), output)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words or a phrase to find.")],
    db: DbOption = DEFAULT_DB_URL,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many hits.")] = 20,
    output: FormatOption = ListFormat.table,
) -> None:
    """Full-text search over document text and statements.

    Example:

        sitroom search "humanitarian corridor" --db sitroom.db
    """
    with _errors_to_exit(), _open(db) as store:
        rows = store.search(query, limit=limit)
    columns = tuple(rows[0].keys()) if rows else ("document_id", "snippet")
    _list(rows, columns, output)


@app.command()
def serve(
    db: DbOption = DEFAULT_DB_URL,
    host: Annotated[
        str, typer.Option("--host", help="Address to bind; other than 127.0.0.1 exposes it.")
    ] = DEFAULT_HOST,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = DEFAULT_PORT,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="SITROOM_TOKEN",
            help="Bearer token for POST /documents (env SITROOM_TOKEN); without it, read-only.",
            show_default=False,
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Server processes (each opens the database).")
    ] = 1,
    tile_url: Annotated[
        str | None,
        typer.Option(
            "--tile-url",
            envvar=TILE_URL_ENV,
            help="Online map tiles, e.g. https://tile.example.org/{z}/{x}/{y}.png (env "
            f"{TILE_URL_ENV}); without it the dashboard draws its offline country outlines.",
            show_default=False,
        ),
    ] = None,
    access_log: Annotated[
        bool,
        typer.Option(
            "--access-log/--no-access-log", help="Log every request line (costs CPU under load)."
        ),
    ] = True,
) -> None:
    """Serve the dashboard (/) and the REST API (/openapi.json) on 127.0.0.1 by default.

    Reads are open; POST /documents needs `Authorization: Bearer $SITROOM_TOKEN`.

    Example:

        SITROOM_TOKEN=change-me sitroom serve --db sitroom.db --port 8000
    """
    try:
        dashboard = DashboardSettings(
            tile_url=tile_url, tile_attribution=os.environ.get(TILE_ATTRIBUTION_ENV)
        )
    except ValueError as err:
        raise typer.BadParameter(str(err), param_hint="--tile-url") from err
    with _errors_to_exit():
        serve_api(
            db,
            host=host,
            port=port,
            token=token,
            workers=workers,
            dashboard=dashboard,
            access_log=access_log,
        )


@app.command()
def schema() -> None:
    """Print the JSON Schema of the sitroom/1 contract that `extract` output follows.

    Example:

        sitroom schema > sitroom-1.schema.json
    """
    typer.echo(json.dumps(json_schema(), indent=2))
