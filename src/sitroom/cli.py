"""The ``sitroom`` command: parse options, open resources, call one library function, render.

Data goes to stdout (``--format json|table|csv|md|html``); progress bars and error lines go to
stderr, so ``sitroom events --format json | jq`` works. Library errors (``SitroomError``) become
one line on stderr and exit status 1; nothing else is caught here. This module holds the
analysis commands (extract, ingest, watch); ``_cli_views`` and ``_cli_eval`` add the others.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from ._cli_base import (
    AllowPrivateOption,
    DbOption,
    ExtractFormat,
    MaxCharsOption,
    ModelOption,
    PublishedOption,
    SchedulerOption,
    SourceOption,
    SourcesArgument,
    TitleOption,
    WorkersOption,
    _errors_to_exit,
    _open,
    app,
    stderr,
)
from .batch import BatchSummary, Outcome, Status, merge_backlog, run_batch
from .ingest import DEFAULT_MAX_CHARS, IngestOptions, normalise_published
from .merge import merge_stored
from .pipeline import DEFAULT_MODEL, build_pipeline
from .report import build_report, render_markdown
from .store import DEFAULT_DB_URL, Store
from .watch import DEFAULT_INTERVAL as DEFAULT_WATCH_INTERVAL
from .watch import WatchEvent
from .watch import watch as run_watch

__all__ = ["app", "main"]

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
        merge_stored(store, outcome.document.id)  # "Earlier updates" repeats: one item each
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
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Analyse documents and store them; content already stored is skipped.

    Problems are listed one per line on stderr; the run ends with a summary and exits 1 if any
    document failed or was flagged (not English), after processing all the others. With
    --workers or --scheduler the analysis runs on Dask (one model load per worker) and this
    process alone writes to the database, one transaction per document, so an interrupted run
    resumes where it stopped.

    Example:

        sitroom ingest samples/ --db sitroom.db
    """
    if workers is not None and scheduler is not None:
        raise typer.BadParameter("give --workers or --scheduler, not both", param_hint="--workers")
    with _errors_to_exit():
        options = _ingest_options(published, source, title, max_chars)
        with _progress() as progress:
            show = _outcome_reporter(progress)
            if workers is not None or scheduler is not None:
                from .scale import run_distributed  # optional extra: dask

                summary: BatchSummary = run_distributed(
                    sources,
                    store_url=db,
                    options=options,
                    model=model,
                    workers=workers,
                    scheduler=scheduler,
                    on_progress=show,
                )
            else:
                with _open(db) as store:
                    summary = run_batch(
                        sources,
                        build_pipeline(model),
                        options=options,
                        store=store,
                        stdin=sys.stdin.buffer,
                        allow_private=allow_private,
                        on_outcome=show,
                    )
    stderr.print(f"Done: {summary.describe()} (database: {db})", highlight=False)
    if not summary.ok:
        raise typer.Exit(1)


MIN_WATCH_INTERVAL = 30.0
"""Seconds; the library allows less (tests), the command does not hammer servers."""


@app.command()
def merge(db: DbOption = DEFAULT_DB_URL) -> None:
    """Merge stored documents that are not merged yet into events, statements and figures.

    Ingest merges each document as it is stored and catches up at its start; run this after
    an interrupted run or an upgrade, when you do not want to ingest anything.

    Example:

        sitroom merge --db sitroom.db
    """
    with _errors_to_exit(), _open(db) as store:
        merged = merge_backlog(store)
    stderr.print(f"{merged} document(s) merged", highlight=False)


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


def _outcome_reporter(progress: Progress) -> Callable[..., None]:
    """A progress callback for ingestion: advance the bar, print failures and flags in full."""
    task = progress.add_task("ingesting", total=None)

    def show(outcome: Outcome, done: int | None = None, total: int | None = None) -> None:
        if done is None:
            progress.advance(task)
        else:
            progress.update(task, completed=done, total=total)
        progress.update(task, description=f"{outcome.status.value}: {outcome.origin}")
        if outcome.status in (Status.failed, Status.flagged):
            progress.console.print(
                f"{outcome.origin}: {outcome.message}", highlight=False, markup=False
            )

    return show


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


# Registered after the analysis commands so that `sitroom --help` lists extract and ingest first.
from . import _cli_eval, _cli_views  # noqa: E402, F401


def main() -> None:
    """Entry point of the ``sitroom`` console script."""
    app()
