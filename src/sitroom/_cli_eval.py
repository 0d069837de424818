"""``sitroom eval`` (scorers on public gold data) and ``sitroom gazetteer`` commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from ._cli_base import (
    DataOption,
    JsonOption,
    ModelOption,
    SplitOption,
    _errors_to_exit,
    _print_metrics,
    eval_app,
    gazetteer_app,
    stderr,
)
from .evaluate.attribution import evaluate_attribution
from .evaluate.events import evaluate_event_location, evaluate_events
from .evaluate.figures import evaluate_figures
from .evaluate.geoparsing import evaluate_geoparsing
from .evaluate.merge import DEFAULT_DATASETS, evaluate_merge
from .evaluate.time import evaluate_time
from .pipeline import DEFAULT_MODEL, load_nlp

Scorer = Callable[..., dict[str, float | int]]


def _score(scorer: Scorer, data: Path, model: str, as_json: bool, **options: Any) -> None:
    """Load the full pipeline, run ``scorer`` on ``data`` and print its metrics."""
    with _errors_to_exit():
        metrics = scorer(data, load_nlp(model), **options)
    _print_metrics(metrics, as_json)


# --- evaluation ----------------------------------------------------------------------------


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
    _score(evaluate_time, data, model, as_json, split=split)


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
    _score(evaluate_attribution, data, model, as_json, split=split)


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
    _score(evaluate_figures, data, model, as_json, split=split)


@eval_app.command("events")
def eval_events(
    data: DataOption,
    split: SplitOption = "test",
    as_json: JsonOption = False,
    model: ModelOption = DEFAULT_MODEL,
) -> None:
    """Score PLOVER event types and actors on the PLOVER GSR sentences (FIGHT as ASSAULT).

    The set has no train split: dev = even records (tuning), test = odd records (reporting).

    Example:

        sitroom eval events --data ../shared/datasets/events/PLOVER_GSR_CAMEO.txt --json
    """
    _score(evaluate_events, data, model, as_json, split=split or "test")


@eval_app.command("event-location")
def eval_event_location(
    data: DataOption,
    split: SplitOption = "test",
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="First N records.")] = None,
    as_json: JsonOption = False,
    model: ModelOption = DEFAULT_MODEL,
) -> None:
    """Score the choice of an event's location: token precision and recall.

    dev = even records (tuning), test = odd records (reporting).

    Example:

    \b
        cd ../shared/datasets/events
        sitroom eval event-location --data event_location_labeled_text.jsonl.zip --json
    """
    _score(evaluate_event_location, data, model, as_json, limit=limit, split=split or "test")


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
    _score(evaluate_geoparsing, data, model, as_json, gold_spans=gold_spans, part=part)


@eval_app.command("merge")
def eval_merge(
    data: DataOption,
    split: SplitOption = "test",
    datasets: Annotated[
        Path,
        typer.Option("--datasets", help="Public datasets folder to generate near-duplicates from."),
    ] = DEFAULT_DATASETS,
    as_json: JsonOption = False,
    model: ModelOption = DEFAULT_MODEL,
) -> None:
    """Score merging: pairwise same-event precision/recall/F1 and near-duplicate documents.

    --data is the folder of our multi-article stories (split dev for tuning, test for
    reporting, or all); near-duplicates are generated at run time from --datasets.

    Example:

        sitroom eval merge --data tests/data/merge --split test --json
    """
    _score(evaluate_merge, data, model, as_json, split=split or "test", datasets=datasets)


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
