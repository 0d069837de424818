"""The dashboard's reads on a large database: one request at a time, in process.

Uses the synthetic database of ``api_load.py`` (cached under the temp directory; built on first
use) and times each dashboard request the page makes — the configuration, the view with no
filter (the landing page), with a type, a week, a text filter naming a popular place, and the
timeline — repeated ``--repeat`` times; prints the median and the largest time and the response
size. The app runs in this process (Starlette's test client), so the figures are the server's
own work without network or client costs.

    python benchmarks/dashboard_view.py                  # 1,000,000 events
    python benchmarks/dashboard_view.py --events 100000 --json
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

from _synthetic_events import START_DAY, World, cached_database
from fastapi.testclient import TestClient

from sitroom.api import create_app
from sitroom.store import Store
from sitroom.web import DashboardSettings

DEFAULT_EVENTS = 1_000_000
DEFAULT_REPEAT = 3
SURGE_DAY = 55  # the synthetic feed's busiest day


def requests(seed: int) -> dict[str, str]:
    """The dashboard's requests by name; the text filter names the most popular place."""
    world = World(random.Random(seed))
    place = next(p["name"] for p in world.places if p["lat"] is not None)
    week = START_DAY + timedelta(days=SURGE_DAY)
    since, until = week.isoformat(), (week + timedelta(days=6)).isoformat()
    return {
        "config": "/dashboard/config",
        "view": "/dashboard/view",
        "view type": "/dashboard/view?type=ASSAULT",
        "view week": f"/dashboard/view?since={since}&until={until}",
        "view text": f"/dashboard/view?q={place}",
        "timeline": "/dashboard/timeline",
        "timeline type": "/dashboard/timeline?type=PROTEST",
    }


def measure(db: Path, seed: int, repeat: int) -> dict[str, dict[str, float]]:
    """Median and largest milliseconds and response bytes of each request."""
    results: dict[str, dict[str, float]] = {}
    with Store(db) as store:
        client = TestClient(create_app(store, dashboard=DashboardSettings()))
        for name, path in requests(seed).items():
            times, size = [], 0
            for _ in range(repeat):
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{path}: HTTP {response.status_code}: {response.text[:200]}")
                size = len(response.content)
            results[name] = {
                "median_ms": round(statistics.median(times), 1),
                "max_ms": round(max(times), 1),
                "bytes": size,
            }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=DEFAULT_EVENTS)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", type=Path, help="use this database instead of the cache")
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    db = cached_database(args.db, args.events, args.seed)
    results = measure(db, args.seed, args.repeat)
    if args.json:
        print(json.dumps({"events": args.events, "requests": results}))
        return
    print(f"{'request':16} {'median ms':>10} {'max ms':>10} {'bytes':>12}", file=sys.stdout)
    for name, r in results.items():
        print(f"{name:16} {r['median_ms']:10.1f} {r['max_ms']:10.1f} {r['bytes']:12,d}")


if __name__ == "__main__":
    main()
