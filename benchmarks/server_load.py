"""Load and kill ``sitroom serve``: read traffic plus concurrent ingestion, then SIGKILL mid-ingest.

Starts ``sitroom serve`` on 127.0.0.1 over a fresh SQLite file, warms the pipeline with one
document, then for ``--seconds`` runs reader threads (lists, exports, GeoJSON, search, details)
and writer threads (``POST /documents`` with invented articles). It reports requests/s and
latency percentiles, counts 5xx answers, and checks that every accepted document is stored with
its result. Then it starts writers again, kills the server with SIGKILL while they post, and
checks the database: ``PRAGMA integrity_check``, no document without its result row, no item
without its document, every acknowledged document present.

    python benchmarks/server_load.py --seconds 30 --readers 4 --writers 2 --json

``tests/security/test_server_load.py`` runs the same functions with a shorter budget.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from sitroom.web import free_port

TOKEN = "load-test-token"
STARTUP_SECONDS = 60.0
WARMUP_SECONDS = 180.0  # the first POST loads spaCy and the gazetteer
REQUEST_TIMEOUT = 60.0
READ_PATHS = (
    "/documents?limit=20",
    "/events?limit=50",
    "/statements?limit=50",
    "/figures.csv?limit=100",
    "/places.geojson",
    "/entities?name=a",
    "/search?q=shelling",
    "/stats",
)
# Invented article parts; each writer numbers its texts so that every one is new.
SPEAKERS = ("The regional governor", "A defence ministry spokesman", "Local officials")
PLACES = ("the port", "the rail depot", "the market", "the river crossing")
METRICS = ("were killed", "were injured", "were evacuated", "remain missing")


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    db: Path


@dataclass
class LoadReport:
    seconds: float = 0.0
    reads: list[float] = field(default_factory=list)
    writes: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    stored: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, kind: str, seconds: float, status: int) -> None:
        with self.lock:
            (self.reads if kind == "read" else self.writes).append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1

    @property
    def requests(self) -> int:
        return len(self.reads) + len(self.writes)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def summary(self) -> dict[str, object]:
        every = self.reads + self.writes
        return {
            "seconds": round(self.seconds, 1),
            "requests": self.requests,
            "requests_per_s": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
            "reads": len(self.reads),
            "writes": len(self.writes),
            "p50_ms": _percentile(every, 50),
            "p99_ms": _percentile(every, 99),
            "read_p99_ms": _percentile(self.reads, 99),
            "write_p99_ms": _percentile(self.writes, 99),
            "statuses": dict(sorted(self.statuses.items())),
            "server_errors": self.server_errors,
            "connection_errors": len(self.errors),
            "documents_accepted": len(self.stored),
        }


def _percentile(values: list[float], percent: int) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return round(values[0] * 1000, 1)
    return round(statistics.quantiles(values, n=100)[percent - 1] * 1000, 1)


def start_server(db: Path, *, port: int | None = None) -> Server:
    """``sitroom serve --db DB --port PORT`` (default host) with a write token; wait for it."""
    port = port or free_port()
    sitroom = Path(sys.executable).with_name("sitroom")
    command = [str(sitroom), "serve", "--db", str(db), "--port", str(port)]
    env = {**os.environ, "SITROOM_TOKEN": TOKEN}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sitroom serve exited: {process.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(url + "/stats", timeout=2).status_code == 200:
                return Server(process, url, db)
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"sitroom serve did not answer on {url} within {STARTUP_SECONDS:.0f} s")


def article(writer: int, number: int) -> dict[str, str]:
    """An invented, unique article for writer ``writer``."""
    speaker = SPEAKERS[number % len(SPEAKERS)]
    place = PLACES[(number + writer) % len(PLACES)]
    metric = METRICS[number % len(METRICS)]
    text = (
        f"{speaker} said on Tuesday that at least {number + 3} people {metric} after shelling "
        f"hit {place} in Velmora (writer {writer}, report {number}).\n\n"
        f'"We are still counting," {speaker.lower()} told reporters.'
    )
    return {"text": text, "title": f"Report {writer}-{number}", "published": "2023-05-02"}


def post(client: httpx.Client, body: dict[str, str]) -> httpx.Response:
    return client.post("/documents", json=body, headers={"Authorization": f"Bearer {TOKEN}"})


def warm_up(server: Server) -> str:
    """Post one document (the server loads its pipeline now); return its id."""
    with httpx.Client(base_url=server.url, timeout=WARMUP_SECONDS) as client:
        response = post(client, article(99, 0))
    response.raise_for_status()
    return str(response.json()["document_id"])


def _loop(
    server: Server, report: LoadReport, until: float, step: Callable[[httpx.Client, int], None]
) -> None:
    with httpx.Client(base_url=server.url, timeout=REQUEST_TIMEOUT) as client:
        number = 0
        while time.monotonic() < until:
            try:
                step(client, number)
            except httpx.HTTPError as exc:
                with report.lock:
                    report.errors.append(repr(exc))
                return  # the server is gone (killed): this thread is done
            number += 1


def _reader(report: LoadReport, known_id: str) -> Callable[[httpx.Client, int], None]:
    paths = (*READ_PATHS, f"/documents/{known_id}", f"/documents/{known_id}/result")

    def step(client: httpx.Client, number: int) -> None:
        started = time.perf_counter()
        response = client.get(paths[number % len(paths)])
        report.record("read", time.perf_counter() - started, response.status_code)

    return step


def _writer(report: LoadReport, writer: int) -> Callable[[httpx.Client, int], None]:
    def step(client: httpx.Client, number: int) -> None:
        started = time.perf_counter()
        response = post(client, article(writer, number))
        report.record("write", time.perf_counter() - started, response.status_code)
        if response.status_code == 201:
            with report.lock:
                report.stored.append(response.json()["document_id"])

    return step


def run_load(server: Server, *, seconds: float, readers: int, writers: int) -> LoadReport:
    """Readers and writers against ``server`` for ``seconds``."""
    known_id = warm_up(server)
    report = LoadReport()
    until = time.monotonic() + seconds
    steps = [_reader(report, known_id) for _ in range(readers)]
    steps += [_writer(report, w) for w in range(writers)]
    threads = [threading.Thread(target=_loop, args=(server, report, until, s)) for s in steps]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report.seconds = time.monotonic() - started
    return report


def kill_mid_ingest(server: Server, *, writers: int, after: float) -> LoadReport:
    """Post from ``writers`` threads and SIGKILL the server ``after`` seconds in."""
    report = LoadReport()
    until = time.monotonic() + after + REQUEST_TIMEOUT
    steps = [_writer(report, 100 + w) for w in range(writers)]
    threads = [threading.Thread(target=_loop, args=(server, report, until, s)) for s in steps]
    for thread in threads:
        thread.start()
    time.sleep(after)
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(timeout=30)
    for thread in threads:
        thread.join()
    return report


def check_database(db: Path) -> dict[str, object]:
    """Integrity, documents without results, items without documents (after a crash)."""
    with sqlite3.connect(db) as connection:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        missing = connection.execute(
            "SELECT count(*) FROM documents d LEFT JOIN document_results r "
            "ON r.document_id = d.id WHERE r.document_id IS NULL"
        ).fetchone()[0]
        orphans = {}
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master")]
        for table in tables:
            columns = {row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')}
            if "document_id" in columns and table != "document_results":
                orphans[table] = connection.execute(
                    f'SELECT count(*) FROM "{table}" t LEFT JOIN documents d '
                    "ON d.id = t.document_id WHERE d.id IS NULL"
                ).fetchone()[0]
        ids = {row[0] for row in connection.execute("SELECT id FROM documents")}
    return {"integrity": integrity, "without_result": missing, "orphans": orphans, "ids": ids}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--kill-after", type=float, default=3.0)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "load.db"
        server = start_server(db)
        try:
            load = run_load(
                server, seconds=options.seconds, readers=options.readers, writers=options.writers
            )
            killed = kill_mid_ingest(server, writers=options.writers, after=options.kill_after)
        finally:
            if server.process.poll() is None:
                server.process.kill()
        database = check_database(db)
        acknowledged = set(load.stored) | set(killed.stored)
        result = {
            "load": load.summary(),
            "kill": {"acknowledged": len(killed.stored), "requests": killed.requests},
            "integrity_check": database["integrity"],
            "documents_without_result": database["without_result"],
            "orphan_items": sum(database["orphans"].values()),  # type: ignore[attr-defined]
            "acknowledged_but_lost": len(acknowledged - database["ids"]),  # type: ignore[operator]
        }
    print(json.dumps(result, indent=None if options.json else 2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
