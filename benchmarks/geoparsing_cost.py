"""What the place components cost over the bare spaCy pass, and what the gazetteer costs.

Parses the articles of a geoparsing corpus (default: GeoWebNews) with the bare spaCy model,
then times ``sitroom_places`` alone on the same parsed docs (entities already grouped, as in
the pipeline), with a fresh gazetteer whose look-up cache starts empty. It also reports the
gazetteer's size, the time to open it and the resident memory it adds.

    python benchmarks/geoparsing_cost.py --data ../shared/datasets/geoparsing/GWN.xml --json
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path
from typing import Any

import spacy

from sitroom.evaluate._geoxml import read_geoparsing
from sitroom.geo import Gazetteer, default_path
from sitroom.pipeline import DEFAULT_MODEL, load_nlp

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets" / "geoparsing"


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(data: Path, repeat: int = 3) -> dict[str, Any]:
    """Time bare spaCy and sitroom_places on the texts of ``data``; best of ``repeat`` runs."""
    texts = [a.text for a in read_geoparsing(data)]
    bare = spacy.load(DEFAULT_MODEL)
    bare_seconds = min(_timed(lambda: list(bare.pipe(texts))) for _ in range(repeat))
    nlp = load_nlp(components=("sitroom_entities", "sitroom_places"))
    with nlp.select_pipes(disable=["sitroom_places"]):
        docs = list(nlp.pipe(texts))
    rss_before = _rss_mb()
    started = time.perf_counter()
    gazetteer = Gazetteer(default_path())
    gazetteer.lookup("london")
    open_seconds = time.perf_counter() - started
    component = nlp.get_pipe("sitroom_places")
    runs = []
    for _ in range(repeat):
        component.gazetteer = Gazetteer(default_path())  # cold look-up cache every run
        runs.append(_timed(lambda: [component(doc) for doc in docs]))
    places_seconds = min(runs)
    return {
        "data": str(data),
        "documents": len(texts),
        "characters": sum(map(len, texts)),
        "bare_spacy_seconds": round(bare_seconds, 3),
        "places_seconds": round(places_seconds, 3),
        "places_over_bare": round(places_seconds / bare_seconds, 4),
        "gazetteer_path": str(default_path()),
        "gazetteer_mb": round(default_path().stat().st_size / 2**20, 1),
        "gazetteer_open_seconds": round(open_seconds, 4),
        "rss_added_by_gazetteer_mb": round(_rss_mb() - rss_before, 1),
        "rss_total_mb": round(_rss_mb(), 1),
    }


def _timed(function: Any) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA / "GWN.xml")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = measure(args.data, args.repeat)
    print(json.dumps(report, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
