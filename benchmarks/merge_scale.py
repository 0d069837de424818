"""Merge cost per document as the database grows: it must stay flat (1k vs 5k documents).

Base articles are the public corpora in ``../shared/datasets`` (geoparsing XMLs and the VOA
sample), read at run time. ``--analysed`` of them (spread evenly) go through the pipeline once;
their events, statements and figures are reused for every copy. Document ``k`` is base
``k // COPIES`` with a syndication line appended (offsets stay valid): each story arrives as
``COPIES`` near-duplicate wire copies, one document every ``--minutes``, a steady feed whose mix
does not change as the database grows. Each document is stored, then merged with
:func:`sitroom.merge.merge_stored`, its merge input made beforehand with
:func:`sitroom.merge.prepare_merge` (a Dask worker's part). Everything is timed in CPU seconds
of this process (steady on a busy machine): the merge, and apart from it the store's write, the
preparation and each merge step (near-duplicate link, events, statements, figures).

    python benchmarks/merge_scale.py                       # 5,000 documents
    python benchmarks/merge_scale.py --documents 2000 --analysed 100 --json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

import sitroom.merge  # noqa: E402
from sitroom.evaluate._variants import base_articles  # noqa: E402
from sitroom.merge import merge_stored, prepare_merge  # noqa: E402
from sitroom.model import Document, DocumentResult  # noqa: E402
from sitroom.pipeline import build_pipeline  # noqa: E402
from sitroom.store import Store  # noqa: E402

DATASETS = REPO.parent / "shared" / "datasets"
START = datetime(2024, 1, 1, 6, 0)
CHECKPOINTS = (1000, 5000)
COPIES = 5
WINDOW = 500
"""Documents averaged at each checkpoint (the ``WINDOW`` documents before it)."""
STEPS = ("link_document", "merge_events", "merge_statements", "group_figures")
"""The merge steps timed apart (names merge_document calls in the sitroom.merge package)."""


def time_steps(totals: defaultdict[str, float]) -> None:
    """Add the CPU time of every merge step to ``totals`` (wraps the package's step names)."""

    def timed(name: str, step: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            tick = time.process_time()
            try:
                return step(*args, **kwargs)
            finally:
                totals[name] += time.process_time() - tick

        return run

    for name in STEPS:
        setattr(sitroom.merge, name, timed(name, getattr(sitroom.merge, name)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--analysed", type=int, default=300, help="bases run through the NLP")
    parser.add_argument("--minutes", type=float, default=20.0, help="between two documents")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    bases = [text for _, text in base_articles(DATASETS, "dev") + base_articles(DATASETS, "test")]
    started = time.perf_counter()
    pipeline = build_pipeline()
    step = max(1, len(bases) // max(args.analysed, 1))  # analysed bases spread evenly
    results = {
        i: pipeline.analyse(Document(text=bases[i]))
        for i in range(0, len(bases), step)[: args.analysed]
    }
    analysis_seconds = time.perf_counter() - started

    timings: list[float] = []
    totals: defaultdict[str, float] = defaultdict(float)
    time_steps(totals)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "merge_scale.db")
        for k in range(args.documents):
            base = (k // COPIES) % len(bases)
            published = START + timedelta(minutes=args.minutes * k)
            document = Document(
                text=f"{bases[base]}\n\nDistributed by the syndication desk, item {k}.",
                source=f"Outlet {k % 37}",
                published=published.isoformat(timespec="minutes"),
            )
            result = DocumentResult(document=document.info())
            if base in results:
                result = results[base].model_copy(update={"document": document.info()})
            # CPU time of this process, not wall time: other work on the machine does not count.
            tick = time.process_time()
            store.add(document, result)
            totals["store_add"] += time.process_time() - tick
            tick = time.process_time()
            prepared = prepare_merge(document, result)
            totals["prepare"] += time.process_time() - tick
            tick = time.process_time()
            merge_stored(store, document.id, prepared)
            timings.append(time.process_time() - tick)
            if (k + 1) % 500 == 0:
                mean = statistics.mean(timings[-500:]) * 1e3
                print(f"{k + 1} documents, last 500: {mean:.2f} ms/merge", file=sys.stderr)
        stats = store.stats()
        store.close()
    report = {
        "documents": args.documents,
        "bases": len(bases),
        "analysed_bases": len(results),
        "analysis_seconds": round(analysis_seconds, 1),
        "events_stored": stats["events"],
    }
    # Means over every document: the writer's cost per document, split by step.
    for name in ("store_add", "prepare", *STEPS):
        report[f"{name}_ms_mean"] = round(totals[name] / max(args.documents, 1) * 1e3, 2)
    for checkpoint in CHECKPOINTS:
        window = timings[max(0, checkpoint - WINDOW) : checkpoint]
        if window:
            report[f"merge_ms_mean_at_{checkpoint}"] = round(statistics.mean(window) * 1e3, 2)
            report[f"merge_ms_median_at_{checkpoint}"] = round(statistics.median(window) * 1e3, 2)
    if args.json:
        print(json.dumps(report))
    else:
        for key, value in report.items():
            print(f"{key:28} {value}")


if __name__ == "__main__":
    main()
