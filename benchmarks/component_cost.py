"""What each Sitroom component adds to the bare spaCy pass, measured in one run.

The budgets in the issues are shares of the bare pass: places (geoparsing) at most 15%,
statements at most 10%, events and figures together at most 15%. This script parses the same
texts with the bare model (``nlp.pipe``), then runs Sitroom's full pipeline one component at a
time over the whole batch (each component's ``pipe`` on the docs the previous ones produced, as
``nlp.pipe`` would), and converts the docs to the JSON contract. It prints CPU seconds per
component and each one's share of the bare pass. CPU time (not wall time) so that other load on
the machine barely moves the figures; the best of ``--repeat`` runs is kept.

    python benchmarks/component_cost.py --corpus ../shared/datasets/geoparsing/GWN.xml --limit 100
    python benchmarks/component_cost.py --corpus samples/ --json
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import spacy
from throughput import read_corpus

from sitroom._result import doc_to_result
from sitroom.ingest import IngestOptions, document_from_text
from sitroom.pipeline import DEFAULT_MODEL, build_pipeline

BUDGETS = {
    "places": (("sitroom_places",), 0.15),
    "statements": (("sitroom_statements",), 0.10),
    "events + figures": (("sitroom_events", "sitroom_figures"), 0.15),
}
"""Issue budgets: the components they cover and their most share of the bare pass."""


def _cpu(run: Callable[[], Any]) -> float:
    started = time.process_time()
    run()
    return time.process_time() - started


def measure(texts: list[str], model: str, repeat: int) -> dict[str, Any]:
    """CPU seconds of the bare pass and of each Sitroom step on ``texts`` (best of ``repeat``)."""
    bare = spacy.load(model)
    pipeline = build_pipeline(model)
    options = IngestOptions()
    documents = [
        document_from_text(text, origin=f"#{i}", options=options) for i, text in enumerate(texts)
    ]
    list(bare.pipe(texts[:5]))  # warm-up: first calls allocate and fill caches
    _component_run(pipeline, documents[:5])
    bare_seconds = min(_cpu(lambda: list(bare.pipe(texts))) for _ in range(repeat))
    steps: dict[str, float] = {}
    for _ in range(repeat):
        for name, seconds in _component_run(pipeline, documents).items():
            steps[name] = min(seconds, steps.get(name, seconds))
    sitroom = {n: s for n, s in steps.items() if n.startswith("sitroom_") or n == "to_result"}
    return {
        "documents": len(texts),
        "bare_spacy_cpu_seconds": round(bare_seconds, 3),
        "steps_cpu_seconds": {n: round(s, 4) for n, s in steps.items()},
        "share_of_bare": {n: round(s / bare_seconds, 4) for n, s in sitroom.items()},
        "budgets": {
            label: {
                "share": round(sum(steps.get(c, 0.0) for c in names) / bare_seconds, 4),
                "budget": budget,
            }
            for label, (names, budget) in BUDGETS.items()
        },
        "sitroom_total_share": round(sum(sitroom.values()) / bare_seconds, 4),
    }


def _component_run(pipeline: Any, documents: list[Any]) -> dict[str, float]:
    """CPU seconds of each pipeline step over the whole batch, in pipeline order."""
    seconds: dict[str, float] = {}
    docs = [pipeline.make_doc(d) for d in documents]
    for name, component in pipeline.nlp.pipeline:
        run = getattr(component, "pipe", None)
        started = time.process_time()
        docs = list(run(docs)) if run is not None else [component(doc) for doc in docs]
        seconds[name] = time.process_time() - started
    seconds["to_result"] = _cpu(
        lambda: [doc_to_result(d, doc) for d, doc in zip(documents, docs, strict=True)]
    )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    report = measure(read_corpus(args.corpus, args.limit), args.model, args.repeat)
    if args.json:
        print(json.dumps(report))
        return
    bare = report["bare_spacy_cpu_seconds"]
    print(f"{report['documents']} documents; bare spaCy pass {bare:.2f} s CPU")
    for name, seconds in report["steps_cpu_seconds"].items():
        share = report["share_of_bare"].get(name)
        note = f"{share:7.1%} of bare" if share is not None else "  (the model)"
        print(f"  {name:22} {seconds:8.3f} s {note}")
    for label, row in report["budgets"].items():
        verdict = "within" if row["share"] <= row["budget"] else "OVER"
        print(f"{label:18} {row['share']:6.1%} of bare ({verdict} the {row['budget']:.0%} budget)")
    print(f"all Sitroom steps {report['sitroom_total_share']:.1%} of bare")


if __name__ == "__main__":
    main()
