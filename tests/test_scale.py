"""The Dask runner: partitioning, worker reads, one model load per worker, one write per text."""

from __future__ import annotations

import itertools
import json
import sqlite3
from pathlib import Path

import pytest

from sitroom._scale_plan import plan_partitions
from sitroom._scale_worker import _read
from sitroom.batch import Outcome, Status
from sitroom.errors import IngestError
from sitroom.ingest import IngestOptions, iter_documents
from sitroom.scale import run_distributed

PLACES = ("Harrowgate", "the Tessel valley", "Lower Brenmoor", "Caldy Point", "Oskarberg")


def _sentence(i: int) -> str:
    place = PLACES[i % len(PLACES)]
    return (
        f"Relief convoy {i} reached {place} on Monday, a regional official said. "
        f"Volunteers counted {i + 3} damaged homes near the old grain store."
    )


def make_corpus(root: Path, files: int, lines: int) -> int:
    """``files`` text files plus a JSONL file of ``lines`` articles; returns the doc count."""
    root.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        (root / f"report_{i:03d}.txt").write_text(_sentence(i) + "\n", encoding="utf-8")
    with (root / "wire.jsonl").open("w", encoding="utf-8") as stream:
        for i in range(files, files + lines):
            record = {"text": _sentence(i), "title": f"Wire item {i}", "published": "2026-03-02"}
            stream.write(json.dumps(record) + "\n")
    return files + lines


def stored_hashes(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return [row[0] for row in connection.execute("SELECT content_hash FROM documents")]


def test_scale_plan_partitions_hold_at_most_partition_size(tmp_path: Path) -> None:
    total = make_corpus(tmp_path / "in", files=7, lines=23)
    plan = plan_partitions([tmp_path / "in"], partition_size=5)
    assert plan.total == total
    assert all(1 <= p.documents <= 5 for p in plan.partitions)
    assert [p.index for p in plan.partitions] == list(range(len(plan.partitions)))
    ranges = [u for p in plan.partitions for u in p.units if u.path.endswith(".jsonl")]
    assert len(ranges) == 5  # 23 lines in ranges of 5: the file is split, not one task
    assert all(a.end == b.start for a, b in itertools.pairwise(ranges))


def test_scale_plan_missing_source_is_an_error_not_an_exception(tmp_path: Path) -> None:
    plan = plan_partitions([tmp_path / "nope.txt"], partition_size=5)
    assert plan.partitions == []
    assert [e.source for e in plan.errors] == [str(tmp_path / "nope.txt")]
    assert plan.total == 1


def test_scale_plan_rejects_stdin_and_bad_size(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="standard input"):
        plan_partitions(["-"], partition_size=5)
    with pytest.raises(ValueError, match="partition_size"):
        plan_partitions([tmp_path], partition_size=0)


def test_scale_line_ranges_read_like_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    lines = [
        json.dumps({"text": _sentence(0), "title": "first", "published": "2026-01-05"}),
        "",
        "{not json",
        json.dumps({"body": "no text field"}),
        json.dumps({"text": _sentence(1), "source": "Wire"}),
        "   ",
        *(json.dumps({"text": _sentence(i)}) for i in range(2, 9)),
    ]
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode("utf-8"))  # BOM, no final newline
    options = IngestOptions()

    def describe(item: object) -> tuple[str, ...]:
        if isinstance(item, IngestError):
            return ("error", item.source, item.reason)
        return ("doc", item.origin, item.text, str(item.title), str(item.published))  # type: ignore[attr-defined]

    whole = [describe(item) for item in iter_documents([path], options)]
    for size in (1, 2, 3, 50):
        plan = plan_partitions([path], partition_size=size)
        ranged = [describe(i) for p in plan.partitions for i in _read(p.units, options)]
        assert ranged == whole, size
    assert plan_partitions([path], partition_size=2).total == len(whole)


def test_scale_run_stores_each_document_once_loading_the_model_once_per_worker(
    tmp_path: Path,
) -> None:
    total = make_corpus(tmp_path / "in", files=20, lines=40)
    (tmp_path / "in" / "empty.txt").write_text("   \n", encoding="utf-8")
    db = tmp_path / "sitroom.db"
    progress: list[tuple[int, int]] = []

    def on_progress(outcome: Outcome, done: int, expected: int) -> None:
        progress.append((done, expected))

    summary = run_distributed(
        [tmp_path / "in"], store_url=db, workers=2, partition_size=4, on_progress=on_progress
    )
    assert summary.counts[Status.stored] == total
    assert summary.counts[Status.failed] == 1  # the blank file, reported, not fatal
    assert [p.origin for p in summary.problems] == [str(tmp_path / "in" / "empty.txt")]
    assert progress == [(i, total + 1) for i in range(1, total + 2)]
    hashes = stored_hashes(db)
    assert len(hashes) == len(set(hashes)) == total
    # Two processes, each ran several partitions, each built its pipeline exactly once.
    assert len(summary.workers) == 2
    assert len({w.pid for w in summary.workers.values()}) == 2
    assert all(w.loads == 1 for w in summary.workers.values())
    assert sum(w.partitions for w in summary.workers.values()) > 2 * 2
    assert all(w.peak_rss_mb > 0 and w.cpu_seconds > 0 for w in summary.workers.values())

    again = run_distributed([tmp_path / "in"], store_url=db, workers=2, partition_size=4)
    assert again.counts[Status.duplicate] == total
    assert again.counts[Status.stored] == 0
    # Stored content is skipped before analysis: the re-run never loads the model.
    assert all(w.loads == 0 for w in again.workers.values())
    assert len(stored_hashes(db)) == total


def test_scale_run_rejects_workers_and_scheduler_together(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not both"):
        run_distributed([tmp_path], store_url=tmp_path / "x.db", workers=2, scheduler="tcp://x:1")


def test_cli_ingest_with_workers_stores_every_document(tmp_path: Path) -> None:
    """``sitroom ingest --workers 2`` goes through Dask and stores each document once."""
    from typer.testing import CliRunner

    from sitroom.cli import app

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(6):
        (folder / f"{i}.txt").write_text(
            f"Report {i}: shelling hit the district on Monday, officials said.", encoding="utf-8"
        )
    db = str(tmp_path / "cli.db")
    result = CliRunner().invoke(app, ["ingest", str(folder), "--db", db, "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "6 stored" in result.stderr
    both = CliRunner().invoke(
        app, ["ingest", str(folder), "--db", db, "--workers", "1", "--scheduler", "tcp://x:1"]
    )
    assert both.exit_code == 2
