"""Ingest N documents on Dask, SIGKILL the ingest mid-run, re-run, count what is stored.

The corpus is generated at run time in a temporary directory from a public corpus: each
article's first paragraph, repeated with a numbered variation line until there are ``--count``
distinct texts. Nothing is copied into the repository.

    python benchmarks/crash_resume.py --corpus ../shared/datasets/geoparsing/lgl.xml --count 10000
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from throughput import read_corpus

from sitroom.scale import run_distributed

PARAGRAPH_CHARS = 600
RUN_SCRIPT = (
    "import sys\n"
    "from sitroom.scale import run_distributed\n"
    "run_distributed([sys.argv[1]], store_url=sys.argv[2], workers=int(sys.argv[3]))\n"
)


def write_corpus(texts: list[str], count: int, path: Path) -> None:
    """``count`` distinct short articles: first paragraphs plus a numbered variation."""
    heads = [t.split("\n\n")[0][:PARAGRAPH_CHARS].strip() for t in texts]
    with path.open("w", encoding="utf-8") as stream:
        for i in range(count):
            text = f"{heads[i % len(heads)]}\n\nUpdate {i // len(heads) + 1} (item {i})."
            stream.write(json.dumps({"text": text}) + "\n")


def stored(db: Path) -> tuple[int, int]:
    """(documents, distinct content hashes) in the database."""
    try:
        with sqlite3.connect(db, timeout=10) as connection:
            row = connection.execute(
                "SELECT count(*), count(DISTINCT content_hash) FROM documents"
            ).fetchone()
            return int(row[0]), int(row[1])
    except sqlite3.OperationalError:
        return 0, 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kill-at", type=float, default=0.4, help="fraction stored at the kill")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sitroom-crash-") as tmp:
        corpus, db = Path(tmp) / "corpus.jsonl", Path(tmp) / "sitroom.db"
        write_corpus(read_corpus(args.corpus), args.count, corpus)
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-c", RUN_SCRIPT, str(corpus), str(db), str(args.workers)],
            start_new_session=True,
        )
        while stored(db)[0] < args.kill_at * args.count and process.poll() is None:
            time.sleep(0.5)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        at_kill = stored(db)[0]
        summary = run_distributed([corpus], store_url=db, workers=args.workers)
        documents, distinct = stored(db)
    report = {
        "count": args.count,
        "stored_at_kill": at_kill,
        "rerun": dict(summary.counts),
        "documents": documents,
        "distinct_hashes": distinct,
        "seconds": round(time.perf_counter() - start, 1),
        "ok": documents == distinct == args.count,
    }
    print(json.dumps(report))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
