"""Throughput of the full Sitroom pipeline against the bare spaCy pass on the same texts.

The ceiling is ``nlp.pipe`` of the same spaCy model with nothing added; Sitroom's pipeline
(ingest checks, segmenter, the same model, every ``sitroom_*`` component, conversion to the
JSON contract) runs on the same texts in the same process and run. The ratio of the two is the
number that matters; absolute figures depend on the machine.

    python benchmarks/throughput.py --corpus ../shared/datasets/geoparsing/GWN.xml --limit 100
    python benchmarks/throughput.py --corpus samples/ --json
    python benchmarks/throughput.py --corpus ../shared/datasets/geoparsing/lgl.xml --limit 300

Unless ``--no-dask``, the same texts then go through ``sitroom.scale.run_distributed`` with 1
and with ``--workers`` Dask worker processes (written to a temporary JSONL file and database,
deleted afterwards), for the speed-up and the peak RSS per worker.

Corpora: the geoparsing XML files (GWN, LGL, TR-News, GeoVirus: every <article>'s <text>),
JSONL (a ``text`` field per line), a text file, or a directory of .txt files (recursive).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from pathlib import Path

import spacy

from sitroom.ingest import IngestOptions, document_from_text
from sitroom.pipeline import DEFAULT_MODEL, build_pipeline

WARMUP_DOCS = 5


def read_corpus(path: Path, limit: int | None = None) -> list[str]:
    """Texts of a corpus file or directory, in a stable order, at most ``limit`` of them."""
    if path.is_dir():
        texts = [p.read_text(encoding="utf-8") for p in sorted(path.rglob("*.txt"))]
    elif path.suffix == ".xml":
        root = ET.parse(path).getroot()
        texts = [el.text or "" for el in root.iter("text")]
    elif path.suffix in (".jsonl", ".ndjson"):
        lines = path.read_text(encoding="utf-8").splitlines()
        texts = [json.loads(line)["text"] for line in lines if line.strip()]
    else:
        texts = [path.read_text(encoding="utf-8")]
    texts = [t.strip() for t in texts if t and t.strip()]
    return texts[:limit] if limit else texts


def _timed(run: Callable[[], int]) -> tuple[float, int]:
    start = time.perf_counter()
    count = run()
    return time.perf_counter() - start, count


def measure(texts: list[str], model: str, batch_size: int) -> dict[str, float | int]:
    """Run the ceiling and the full pipeline on ``texts``; return the figures."""
    bare = spacy.load(model)
    pipeline = build_pipeline(model, batch_size=batch_size)
    options = IngestOptions()

    def run_bare(items: Iterable[str]) -> int:
        return sum(len(doc) for doc in bare.pipe(items, batch_size=batch_size))

    def run_full(items: Iterable[str]) -> int:
        documents = (
            document_from_text(t, origin=f"#{i}", options=options) for i, t in enumerate(items)
        )
        return sum(1 for _ in pipeline.analyse_many(documents))

    run_bare(texts[:WARMUP_DOCS])
    run_full(texts[:WARMUP_DOCS])
    bare_seconds, tokens = _timed(lambda: run_bare(texts))
    full_seconds, _ = _timed(lambda: run_full(texts))
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "documents": len(texts),
        "tokens": tokens,
        "ceiling_seconds": round(bare_seconds, 3),
        "pipeline_seconds": round(full_seconds, 3),
        "ceiling_docs_per_s": round(len(texts) / bare_seconds, 2),
        "pipeline_docs_per_s": round(len(texts) / full_seconds, 2),
        "ceiling_tokens_per_s": round(tokens / bare_seconds, 1),
        "pipeline_tokens_per_s": round(tokens / full_seconds, 1),
        "ratio": round(bare_seconds / full_seconds, 3),
        "peak_rss_mb": round(peak_kb / 1024, 1),
    }


def measure_dask(texts: list[str], model: str, workers: int) -> dict[str, float | int]:
    """Docs/s of ``run_distributed`` with 1 and ``workers`` workers, its speed-up, peak RSS.

    The rate runs from the first stored document to the last, so it leaves out cluster start-up
    and model loading (reported separately as the wall time).
    """
    from sitroom.scale import DEFAULT_PARTITION_SIZE, run_distributed

    figures: dict[str, float | int] = {}
    with tempfile.TemporaryDirectory(prefix="sitroom-bench-") as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        with corpus.open("w", encoding="utf-8") as stream:
            stream.writelines(json.dumps({"text": text}) + "\n" for text in texts)
        # The same partitions for every run: at least four per worker of the largest run.
        size = min(DEFAULT_PARTITION_SIZE, max(1, len(texts) // (4 * workers)))
        for count in sorted({1, workers}):
            stamps: list[float] = []
            start = time.perf_counter()
            summary = run_distributed(
                [corpus],
                store_url=Path(tmp) / f"run{count}.db",
                model=model,
                workers=count,
                partition_size=size,
                on_progress=lambda *_, stamps=stamps: stamps.append(time.perf_counter()),
            )
            wall = time.perf_counter() - start
            # The first partition's documents arrive in one burst: count the ones after it.
            first = min(size, len(stamps) - 1)
            steady = (len(stamps) - first) / max(stamps[-1] - stamps[0], 1e-9)
            figures[f"dask_{count}_wall_seconds"] = round(wall, 2)
            figures[f"dask_{count}_docs_per_s"] = round(steady, 2)
            figures[f"dask_{count}_peak_rss_mb_per_worker"] = max(
                w.peak_rss_mb for w in summary.workers.values()
            )
            # CPU the workers got per second of task time: below 1.0 the cores were shared.
            busy = sum(w.seconds for w in summary.workers.values())
            cpu = sum(w.cpu_seconds for w in summary.workers.values())
            figures[f"dask_{count}_worker_cpu_share"] = round(cpu / max(busy, 1e-9), 2)
    if workers > 1:
        figures[f"speedup_{workers}_workers"] = round(
            float(figures[f"dask_{workers}_docs_per_s"]) / float(figures["dask_1_docs_per_s"]), 3
        )
    return figures


def _print_table(corpus: str, figures: dict[str, float | int]) -> None:
    print(f"corpus: {corpus}  ({figures['documents']} documents, {figures['tokens']} tokens)")
    print(f"{'run':<22}{'seconds':>10}{'docs/s':>10}{'tokens/s':>12}")
    for label, key in (("bare spaCy (ceiling)", "ceiling"), ("Sitroom pipeline", "pipeline")):
        print(
            f"{label:<22}{figures[f'{key}_seconds']:>10}{figures[f'{key}_docs_per_s']:>10}"
            f"{figures[f'{key}_tokens_per_s']:>12}"
        )
    print(f"ratio pipeline/ceiling: {figures['ratio']}   peak RSS: {figures['peak_rss_mb']} MB")
    counts = sorted(int(k.split("_")[1]) for k in figures if k.endswith("_wall_seconds"))
    if not counts:
        return
    print(f"{'Dask workers':<22}{'wall s':>10}{'docs/s':>10}{'RSS/worker MB':>16}{'CPU share':>11}")
    for count in counts:
        print(
            f"{count:<22}{figures[f'dask_{count}_wall_seconds']:>10}"
            f"{figures[f'dask_{count}_docs_per_s']:>10}"
            f"{figures[f'dask_{count}_peak_rss_mb_per_worker']:>16}"
            f"{figures[f'dask_{count}_worker_cpu_share']:>11}"
        )
    if counts[-1] > 1:
        print(f"speed-up with {counts[-1]} workers: {figures[f'speedup_{counts[-1]}_workers']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="XML, JSONL, text file or dir")
    parser.add_argument("--limit", type=int, default=None, help="use the first N documents")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="spaCy pipeline name or path")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--workers", type=int, default=2, help="Dask workers to compare with 1")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask runs (quick)")
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        print(f"error: corpus not found: {args.corpus}", file=sys.stderr)
        return 1
    texts = read_corpus(args.corpus, args.limit)
    if not texts:
        print(f"error: no texts in {args.corpus}", file=sys.stderr)
        return 1
    figures = measure(texts, args.model, args.batch_size)
    if not args.no_dask:
        figures |= measure_dask(texts, args.model, max(1, args.workers))
    if args.json:
        print(json.dumps({"corpus": str(args.corpus), **figures}))
    else:
        _print_table(str(args.corpus), figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
