"""API latency under load: a synthetic database of N events, ``sitroom serve``, 20 clients.

The database is written by this script straight into the store's tables (through the same
triggers as real ingestion), with skewed distributions like a conflict news feed: daily volume
with a surge and waves, a few hundred outlets, invented places of very uneven popularity (many
events share a town's exact point), events per document, PLOVER types, item dates that are days,
months, years or missing, claimants, 1-3 mentions per item. It is cached by size and seed, so a
rerun starts serving at once. Then ``sitroom serve`` runs on a free 127.0.0.1 port and
``--clients`` concurrent clients send a mix of requests for ``--duration`` seconds:

- ``list``: ``/events?since=&until=&type=`` (a date window and a PLOVER type)
- ``near``: ``/events?near=lat,lon&radius_km=`` around a place (popular or not)
- ``bbox``: ``/events?bbox=`` a map viewport around a place
- ``page``: the next pages of the above, through ``next_cursor``

    python benchmarks/api_load.py                      # 1,000,000 events, 20 clients, 30 s
    python benchmarks/api_load.py --events 100000 --duration 10 --json
    python benchmarks/api_load.py --db /tmp/big.db --workers 1
    python benchmarks/api_load.py --only near          # near requests (and their pages) only
    python benchmarks/api_load.py --client-nice 10     # the load generator yields to the server

Latencies are wall-clock per request as the client sees them (client and server share the
machine's cores); p50/p95/p99 per kind and overall, requests/s and errors are printed, and the
CPU seconds per request of the server processes (from /proc, so other load on the machine
barely moves it) and of the load generator. The clients speak HTTP/1.1 over raw asyncio streams
(keep-alive, one connection each, opened again when the server closes it; the reconnection
counts in that request's latency) and read only a page's ``next_cursor``: a full HTTP client
would cost as much CPU as the server it measures. The server runs without its access log. How
many client connections each server process holds, halfway through, is printed too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from _synthetic_events import DAYS, START_DAY, World, cached_database

from sitroom.web import free_port

DEFAULT_EVENTS = 1_000_000
DEFAULT_CLIENTS = 20
DEFAULT_DURATION = 30.0
DEFAULT_WARMUP = 5.0
DEFAULT_WORKERS = 2
PAGE_SIZE = 50
MAX_PAGES = 5
SERVER_START_S = 120
"""Workers import the app before answering: seconds on a busy machine."""


# --- the server --------------------------------------------------------------------------------


def start_server(db: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    """``sitroom serve`` on 127.0.0.1:port with ``workers`` processes and no access log."""
    sitroom = str(Path(sys.executable).with_name("sitroom"))
    command = [sitroom, "serve", "--db", str(db), "--port", str(port), "--workers", str(workers)]
    command.append("--no-access-log")
    env = {k: v for k, v in os.environ.items() if k != "SITROOM_TOKEN"}
    log = tempfile.TemporaryFile()  # noqa: SIM115  (a file, not a pipe: a full pipe would stall the server; it lives as long as the server)
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise SystemExit(f"server exited: {log.read().decode()[-2000:]}")
        if asyncio.run(_answers(port)):
            return server
        time.sleep(0.2)
    server.kill()
    raise SystemExit(f"server did not answer within {SERVER_START_S} s")


async def _answers(port: int) -> bool:
    try:
        connection = await HTTPConnection.open("127.0.0.1", port)
    except OSError:
        return False
    try:
        status, _ = await connection.get("/events?limit=1")
    except (OSError, asyncio.IncompleteReadError, ValueError):
        return False
    finally:
        connection.close()
    return status == 200


def _children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (uvicorn's workers are children of its supervisor)."""
    parents: dict[int, list[int]] = defaultdict(list)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # exited meanwhile
            continue
        parents[int(fields[1])].append(int(stat.parent.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def server_cpu_seconds(server: subprocess.Popen[bytes]) -> float:
    """CPU seconds (user + system) used so far by the server and its worker processes."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in [server.pid, *_children(server.pid)]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of stat)
    return total / ticks


def connections_per_worker(server: subprocess.Popen[bytes], port: int) -> list[int]:
    """How many established connections to ``port`` each server process holds, most first.

    uvicorn's workers accept from one shared socket; which takes a keep-alive connection is up to
    the kernel, and a worker holding more of them answers its clients more slowly.
    """
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                established.add(fields[9])  # the socket's inode
    counts = []
    for pid in [server.pid, *_children(server.pid)]:
        mine = 0
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            mine += target.startswith("socket:[") and target[8:-1] in established
        if mine:
            counts.append(mine)
    return sorted(counts, reverse=True)


# --- the clients -------------------------------------------------------------------------------


class HTTPConnection:
    """A minimal HTTP/1.1 keep-alive client: GET only, ``Content-Length`` bodies only.

    httpx costs about as much CPU per request as the server; on a shared machine the load
    generator would then measure itself.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str):
        self.reader, self.writer = reader, writer
        self.closed = False
        self.request_head = f" HTTP/1.1\r\nHost: {host}\r\n\r\n".encode("ascii")

    @classmethod
    async def open(cls, host: str, port: int) -> HTTPConnection:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer, f"{host}:{port}")

    async def get(self, target: str) -> tuple[int, bytes]:
        """The status and body of ``GET target``; raise ValueError on what it cannot read.

        After a response saying ``Connection: close``, :attr:`closed` is true: the caller opens
        a new connection for its next request, as a browser would.
        """
        self.writer.write(b"GET " + target.encode("ascii") + self.request_head)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = None
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
            elif name.lower() == b"connection" and value.strip().lower() == b"close":
                self.closed = True
        if length is None:
            raise ValueError(f"no Content-Length in {head[:200]!r}")
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


_CURSOR_KEY = b'"next_cursor":'


def next_cursor(body: bytes) -> str | None:
    """A page's ``next_cursor`` without decoding the page (a JSON string cannot hold the key
    with unescaped quotes, so the last match is the page's own member)."""
    at = body.rfind(_CURSOR_KEY)
    if at < 0:
        return None
    rest = body[at + len(_CURSOR_KEY) :].lstrip()
    if rest.startswith(b"null"):
        return None
    value: str = json.loads(rest[: rest.index(b'"', 1) + 1])
    return value


def request_plan(rng: random.Random, world: World) -> tuple[str, dict[str, Any]]:
    """One first-page request: its kind and query parameters."""
    roll = rng.random()
    place = world.popular_place() if rng.random() < 0.7 else rng.choice(world.places)
    while place["lat"] is None:
        place = rng.choice(world.places)
    params: dict[str, Any] = {"limit": PAGE_SIZE}
    if roll < 0.4:
        start = START_DAY + timedelta(days=rng.randrange(DAYS))
        params["since"] = start.isoformat()
        params["until"] = (start + timedelta(days=rng.choice((1, 7, 30, 90)))).isoformat()
        params["type"] = rng.choices(world.types, world.type_weights)[0]
        return "list", params
    if roll < 0.8:
        params["near"] = f"{place['lat']},{place['lon']}"
        params["radius_km"] = rng.choice((10, 25, 50, 100))
        if rng.random() < 0.3:
            params["since"] = (START_DAY + timedelta(days=rng.randrange(DAYS))).isoformat()
        return "near", params
    half = rng.choice((0.5, 1.0, 2.0, 4.0))
    params["bbox"] = ",".join(
        f"{v:.4f}"
        for v in (
            max(-180, place["lon"] - half * 1.5),
            max(-90, place["lat"] - half),
            min(180, place["lon"] + half * 1.5),
            min(90, place["lat"] + half),
        )
    )
    return "bbox", params


async def client(
    port: int, rng: random.Random, world: World, stop: float, record: Any, only: str | None
) -> None:
    """Send requests until ``stop``: a first page, then up to ``MAX_PAGES`` more by cursor.

    ``only`` keeps first pages of that kind (the plans of others are drawn and skipped).
    """
    connection = await HTTPConnection.open("127.0.0.1", port)
    try:
        while time.perf_counter() < stop:
            kind, params = request_plan(rng, world)
            if only and kind != only:
                continue
            for page in range(rng.randint(1, MAX_PAGES)):
                started = time.perf_counter()
                try:
                    if connection.closed:  # the server ended it after the last response
                        connection.close()
                        connection = await HTTPConnection.open("127.0.0.1", port)
                    status, body = await connection.get("/events?" + urlencode(params))
                    ok = status == 200
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    ok, body = False, b""
                    connection.close()
                    connection = await HTTPConnection.open("127.0.0.1", port)
                record("page" if page else kind, time.perf_counter() - started, ok)
                cursor = next_cursor(body) if ok else None
                if not cursor or time.perf_counter() >= stop:
                    break
                params = {**params, "cursor": cursor}
    finally:
        connection.close()


async def run_load(
    server: subprocess.Popen[bytes],
    port: int,
    clients: int,
    duration: float,
    warmup: float,
    seed: int,
    only: str | None = None,
) -> dict:
    world = World(random.Random(seed))  # the same places as the database
    samples: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    measuring = [False]

    def record(kind: str, seconds: float, ok: bool) -> None:
        if measuring[0]:
            if ok:
                samples[kind].append(seconds)
            else:
                errors[kind] += 1

    start = time.perf_counter()
    stop = start + warmup + duration
    tasks = [
        asyncio.create_task(client(port, random.Random(seed * 1000 + i), world, stop, record, only))
        for i in range(clients)
    ]
    await asyncio.sleep(warmup)
    measuring[0] = True
    measured_from, cpu_from = time.perf_counter(), server_cpu_seconds(server)
    client_from = time.process_time()
    await asyncio.sleep(duration / 2)
    spread = connections_per_worker(server, port)  # halfway through the measurement
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - measured_from
    server_cpu = server_cpu_seconds(server) - cpu_from
    client_cpu = time.process_time() - client_from
    result = summarise(samples, errors, elapsed)
    done = max(1, result["kinds"].get("all", {}).get("requests", 1))
    result["server_cpu_ms_per_request"] = round(server_cpu / done * 1000, 2)
    result["client_cpu_ms_per_request"] = round(client_cpu / done * 1000, 2)
    result["load_average_1min"] = os.getloadavg()[0]
    result["connections_per_worker"] = spread
    return result


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def summarise(samples: dict[str, list[float]], errors: dict[str, int], elapsed: float) -> dict:
    kinds = {k: samples[k] for k in ("list", "near", "bbox", "page") if samples.get(k)}
    everything = [v for values in kinds.values() for v in values]
    rows = {**kinds, "all": everything}
    table = {
        kind: {
            "requests": len(values),
            "p50_ms": round(_percentile(values, 0.50), 1),
            "p95_ms": round(_percentile(values, 0.95), 1),
            "p99_ms": round(_percentile(values, 0.99), 1),
            "errors": errors.get(kind, 0) if kind != "all" else sum(errors.values()),
        }
        for kind, values in rows.items()
        if values
    }
    return {
        "seconds": round(elapsed, 1),
        "requests_per_s": round(len(everything) / elapsed, 1),
        "kinds": table,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=DEFAULT_EVENTS)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", type=Path, help="database path (default: a cached temp file)")
    parser.add_argument("--clients", type=int, default=DEFAULT_CLIENTS)
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    parser.add_argument("--duration", type=float, default=DEFAULT_DURATION)
    parser.add_argument("--warmup", type=float, default=DEFAULT_WARMUP)
    parser.add_argument(
        "--only", choices=("list", "near", "bbox"), help="one kind of first page (and its pages)"
    )
    parser.add_argument(
        "--client-nice",
        type=int,
        default=0,
        help="run the load generator at this niceness (e.g. 10) while the server keeps its own",
    )
    parser.add_argument("--build-only", action="store_true", help="build the database and stop")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    db = cached_database(args.db, args.events, args.seed)
    if args.build_only:
        return
    port = free_port()
    server = start_server(db, port, args.workers)
    if args.client_nice:
        # Lower the load generator's priority (not the server's): on shared cores, the kernel
        # otherwise switches to the waking client after every response the server writes.
        os.nice(args.client_nice)
    try:
        load = run_load(
            server, port, args.clients, args.duration, args.warmup, args.seed, args.only
        )
        result = asyncio.run(load)
    finally:
        server.terminate()
        server.wait(timeout=30)
    result |= {"events": args.events, "clients": args.clients, "workers": args.workers}
    result["client_nice"] = args.client_nice
    result["only"] = args.only
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"{args.events:,} events, {args.clients} clients, {args.workers} worker(s),"
        f" {result['seconds']} s: {result['requests_per_s']} requests/s"
    )
    print(
        f"CPU per request: server {result['server_cpu_ms_per_request']} ms, client"
        f" {result['client_cpu_ms_per_request']} ms; load average"
        f" {result['load_average_1min']:.1f} on {os.cpu_count()} cores; connections per server"
        f" process {'/'.join(map(str, result['connections_per_worker']))}"
    )
    print(f"{'kind':6} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for kind, row in result["kinds"].items():
        print(
            f"{kind:6} {row['requests']:>9} {row['p50_ms']:>8} {row['p95_ms']:>8}"
            f" {row['p99_ms']:>8} {row['errors']:>7}"
        )


if __name__ == "__main__":
    main()
