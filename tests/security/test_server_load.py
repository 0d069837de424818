"""``sitroom serve`` in a subprocess: bound address, bounded load with concurrent ingestion, then
SIGKILL mid-ingest and a consistency check of the SQLite file.

Runs the functions of ``benchmarks/server_load.py`` with a shorter budget; the numbers
(requests/s, p99) are printed, so ``pytest -s`` shows them.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import httpx
import psutil
import pytest

from sitroom.store import Store

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "server_load.py"
LOAD_SECONDS = 20.0
READERS = 4
WRITERS = 2
KILL_AFTER = 2.5


def _load_benchmark():
    spec = importlib.util.spec_from_file_location("server_load", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["server_load"] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


bench = _load_benchmark()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("serve") / "load.db"
    server = bench.start_server(db)
    yield server
    if server.process.poll() is None:
        server.process.kill()
        server.process.wait(timeout=30)


def test_serve_listens_on_loopback_only_by_default(server) -> None:
    listening = [
        c.laddr
        for c in psutil.Process(server.process.pid).net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    ]
    assert listening and all(address.ip == "127.0.0.1" for address in listening), listening


def test_load_with_concurrent_ingestion_has_no_5xx_and_loses_nothing(server) -> None:
    report = bench.run_load(server, seconds=LOAD_SECONDS, readers=READERS, writers=WRITERS)
    summary = report.summary()
    print("\nserver load:", json.dumps(summary))
    assert report.errors == []
    assert report.server_errors == 0, summary["statuses"]
    assert set(report.statuses) <= {200, 201}, summary["statuses"]
    assert len(report.reads) > 50 and len(report.stored) >= 5, summary
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for document_id in report.stored:
            assert client.get(f"/documents/{document_id}").status_code == 200
            result = client.get(f"/documents/{document_id}/result")
            assert result.status_code == 200 and result.json()["document"]["id"] == document_id
        stored = client.get("/stats").json()["documents"]
    assert stored == len(report.stored) + 1  # plus the warm-up document


def test_sigkill_mid_ingest_leaves_a_consistent_database(server) -> None:
    # Runs after the load test (same module server): the pipeline is warm, the file is busy.
    before = bench.check_database(server.db)["ids"]
    report = bench.kill_mid_ingest(server, writers=WRITERS, after=KILL_AFTER)
    assert server.process.returncode == -9
    database = bench.check_database(server.db)
    print(
        f"\nkill mid-ingest: {len(report.stored)} acknowledged before SIGKILL, "
        f"{len(database['ids']) - len(before)} new rows, integrity {database['integrity']}"
    )
    assert report.errors, "the writers should have seen the server die mid-request"
    assert database["integrity"] == "ok"
    assert database["without_result"] == 0
    assert sum(database["orphans"].values()) == 0, database["orphans"]
    assert set(report.stored) <= database["ids"]  # every acknowledged document survived
    # The store reopens after the crash (migrations, WAL recovery) and counts the same.
    with Store(server.db) as store:
        assert store.stats()["documents"] == len(database["ids"])
