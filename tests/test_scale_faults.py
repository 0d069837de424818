"""Faults in a Dask ingest: a worker or the whole ingest process SIGKILLed mid-run.

Whatever dies and whenever, after the run (or a re-run) every document is stored exactly once.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from distributed import Client, LocalCluster

from sitroom.batch import Outcome, Status
from sitroom.model import Document
from sitroom.scale import run_distributed

RUN_TIMEOUT_SECONDS = 240
KILL_AFTER_STORED = 12

PLACES = ("Harrowgate", "the Tessel valley", "Lower Brenmoor", "Caldy Point", "Oskarberg")


def make_corpus(root: Path, count: int) -> set[str]:
    """``count`` short text files; returns their content hashes."""
    root.mkdir(parents=True)
    hashes = set()
    for i in range(count):
        text = (
            f"Shelling damaged {i + 2} houses in {PLACES[i % len(PLACES)]} overnight, "
            f"the district council said on Friday. Crews cleared road {i} by noon."
        )
        (root / f"item_{i:04d}.txt").write_text(text + "\n", encoding="utf-8")
        hashes.add(Document(text=text + "\n").content_hash)
    return hashes


def stored_hashes(db: Path) -> list[str]:
    try:
        with sqlite3.connect(db, timeout=5) as connection:
            return [row[0] for row in connection.execute("SELECT content_hash FROM documents")]
    except sqlite3.OperationalError:  # the schema is not there yet
        return []


def test_scale_faults_killed_worker_partition_is_redone(tmp_path: Path) -> None:
    expected = make_corpus(tmp_path / "in", 60)
    db = tmp_path / "sitroom.db"
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=40
        ) as cluster,
        Client(cluster) as client,
    ):
        pids = client.run(os.getpid)
        killed: dict[str, object] = {}

        def kill_a_busy_worker(outcome: Outcome, done: int, total: int) -> None:
            if killed or done < 8:
                return
            for address, keys in client.processing().items():
                if keys and address in pids:
                    killed.update(address=address, keys=list(keys))
                    os.kill(pids[address], signal.SIGKILL)
                    return

        summary = run_distributed(
            [tmp_path / "in"],
            store_url=db,
            scheduler=cluster.scheduler_address,
            partition_size=4,
            on_progress=kill_a_busy_worker,
        )
    assert killed["keys"], "the killed worker had partitions in hand"
    assert summary.counts[Status.stored] == len(expected)
    assert not summary.problems
    hashes = stored_hashes(db)
    assert len(hashes) == len(expected)
    assert set(hashes) == expected


RUN_SCRIPT = """
import sys
from sitroom.scale import run_distributed
run_distributed([sys.argv[1]], store_url=sys.argv[2], workers=2, partition_size=3)
"""


def test_scale_faults_killed_ingest_process_rerun_stores_each_once(tmp_path: Path) -> None:
    expected = make_corpus(tmp_path / "in", 150)
    db = tmp_path / "sitroom.db"
    # A session of its own, so its worker processes can be cleaned up as a group.
    process = subprocess.Popen(
        [sys.executable, "-c", RUN_SCRIPT, str(tmp_path / "in"), str(db)],
        start_new_session=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
        while len(stored_hashes(db)) < KILL_AFTER_STORED:
            assert process.poll() is None, "the ingest ended before it could be killed"
            assert time.monotonic() < deadline, "the ingest stored nothing in time"
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        assert _group_ends(process.pid), "worker processes outlived the killed ingest"
    finally:
        _kill_group(process)
    before = stored_hashes(db)
    assert KILL_AFTER_STORED <= len(before) < len(expected), "killed mid-run"

    summary = run_distributed([tmp_path / "in"], store_url=db, workers=2, partition_size=10)
    assert summary.counts[Status.duplicate] == len(before)
    assert summary.counts[Status.stored] == len(expected) - len(before)
    assert not summary.problems
    hashes = stored_hashes(db)
    assert len(hashes) == len(expected)
    assert set(hashes) == expected


def _group_ends(group: int, seconds: float = 20.0) -> bool:
    """True once no process of ``group`` is left (workers exit when their parent dies)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Stop whatever is left of the process group this test started."""
    if process.poll() is None:
        process.kill()
        process.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


READ_ONLY = "attempt to write a readonly database"


def test_scale_faults_unwritable_database_fails_clearly_and_leaves_no_partial_document(
    tmp_path: Path,
) -> None:
    expected = make_corpus(tmp_path / "in", 40)
    db = tmp_path / "sitroom.db"

    def block_writes_mid_batch(outcome: Outcome, done: int, total: int) -> None:
        if done == 10:
            # From now on every document's transaction fails after its first rows are in:
            # SQLite reports what a read-only file would, inside the same transaction.
            with sqlite3.connect(db) as connection:
                connection.execute(
                    "CREATE TRIGGER sitroom_test_block BEFORE INSERT ON document_results "
                    f"BEGIN SELECT RAISE(ABORT, '{READ_ONLY}'); END"
                )

    summary = run_distributed(
        [tmp_path / "in"],
        store_url=db,
        workers=2,
        partition_size=5,
        on_progress=block_writes_mid_batch,
    )
    stored = summary.counts[Status.stored]
    failed = [p for p in summary.problems if p.status is Status.failed]
    assert stored >= 10
    assert stored + len(failed) == len(expected)
    assert failed, "writes were blocked before the batch ended"
    assert all(str(db) in p.message and "writable" in p.message for p in failed)
    with sqlite3.connect(db) as connection:
        documents = connection.execute("SELECT count(*) FROM documents").fetchone()[0]
        orphans = connection.execute(
            "SELECT count(*) FROM documents WHERE id NOT IN (SELECT document_id FROM "
            "document_results)"
        ).fetchone()[0]
        connection.execute("DROP TRIGGER sitroom_test_block")
    assert (documents, orphans) == (stored, 0)

    again = run_distributed([tmp_path / "in"], store_url=db, workers=2, partition_size=5)
    assert again.counts[Status.duplicate] == stored
    assert again.counts[Status.stored] == len(failed)
    hashes = stored_hashes(db)
    assert len(hashes) == len(expected)
    assert set(hashes) == expected
