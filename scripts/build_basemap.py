"""Build the dashboard's offline basemap: simplified world country outlines as GeoJSON.

Source: Natural Earth 1:110m Admin 0 countries (public domain), as shipped inside the
``geopandas==0.14.4`` wheel (``geopandas/datasets/naturalearth_lowres``; later geopandas
versions dropped it). The wheel is fetched with ``pip download`` (no geopandas install), its
shapefile is read with the small pure-Python reader below, rings are simplified
(Douglas-Peucker) and coordinates rounded, so the file stays small enough to ship.

Usage (from the repository root; writes src/sitroom/web/static/world_countries.geojson):

    .venv/bin/python scripts/build_basemap.py
    .venv/bin/python scripts/build_basemap.py --shp path/to/naturalearth_lowres.shp
"""

from __future__ import annotations

import argparse
import json
import math
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "src" / "sitroom" / "web" / "static" / "world_countries.geojson"
WHEEL = "geopandas==0.14.4"
SHP_IN_WHEEL = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"
TOLERANCE_DEG = 0.08
"""Douglas-Peucker tolerance: well under a pixel at the zoom levels an outline map is used at."""
DECIMALS = 2
MIN_RING_POINTS = 4

Ring = list[tuple[float, float]]


def read_shapes(shp: bytes) -> list[list[Ring]]:
    """Polygon records of a .shp file (type 5) as lists of rings of (lon, lat)."""
    shapes: list[list[Ring]] = []
    offset = 100  # the file header
    while offset < len(shp):
        _number, words = struct.unpack(">2i", shp[offset : offset + 8])
        body = shp[offset + 8 : offset + 8 + words * 2]
        offset += 8 + words * 2
        (kind,) = struct.unpack("<i", body[:4])
        if kind == 0:  # a null shape
            shapes.append([])
            continue
        if kind != 5:
            raise ValueError(f"shape type {kind} is not a polygon (5)")
        n_parts, n_points = struct.unpack("<2i", body[36:44])
        parts = list(struct.unpack(f"<{n_parts}i", body[44 : 44 + 4 * n_parts]))
        start = 44 + 4 * n_parts
        flat = struct.unpack(f"<{2 * n_points}d", body[start : start + 16 * n_points])
        points = list(zip(flat[::2], flat[1::2], strict=True))
        bounds = [*parts, n_points]
        shapes.append([points[bounds[i] : bounds[i + 1]] for i in range(n_parts)])
    return shapes


def read_dbf(dbf: bytes) -> list[dict[str, str]]:
    """The records of a dBase III file as dicts of stripped strings."""
    n_records, header_len, record_len = struct.unpack("<I2H", dbf[4:12])
    fields: list[tuple[str, int]] = []
    position = 32
    while dbf[position] != 0x0D:
        name = dbf[position : position + 11].split(b"\0")[0].decode("ascii")
        fields.append((name, dbf[position + 16]))
        position += 32
    records = []
    for i in range(n_records):
        row = dbf[header_len + i * record_len : header_len + (i + 1) * record_len]
        cursor, record = 1, {}  # byte 0 is the deletion flag
        for name, length in fields:
            record[name] = row[cursor : cursor + length].decode("utf-8", "replace").strip()
            cursor += length
        records.append(record)
    return records


def _distance(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return math.hypot(x - x1, y - y1)
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / math.hypot(dx, dy)


def simplify(points: Ring, tolerance: float) -> Ring:
    """Douglas-Peucker, iterative (rings can be long enough to exhaust recursion)."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        index, worst = 0, -1.0
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > worst:
                index, worst = i, d
        if worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def signed_area(ring: Ring) -> float:
    """Shoelace area; negative for a clockwise ring (an outer ring in a shapefile)."""
    pairs = zip(ring, ring[1:] + ring[:1], strict=True)
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairs) / 2


def to_multipolygon(rings: list[Ring]) -> list[list[list[list[float]]]]:
    """Shapefile rings (outer clockwise, holes after their outer) to GeoJSON MultiPolygon."""
    polygons: list[list[list[list[float]]]] = []
    for ring in rings:
        small = [(round(x, DECIMALS), round(y, DECIMALS)) for x, y in simplify(ring, TOLERANCE_DEG)]
        small = [p for i, p in enumerate(small) if i == 0 or p != small[i - 1]]
        if len(small) < MIN_RING_POINTS:
            continue
        coords = [[x, y] for x, y in small]
        if signed_area(ring) < 0 or not polygons:
            polygons.append([coords[::-1]])  # RFC 7946: outer rings counter-clockwise
        else:
            polygons[-1].append(coords[::-1])
    return polygons


def build(shp: bytes, dbf: bytes) -> dict[str, object]:
    """The FeatureCollection: one MultiPolygon per country, with its name and ISO 3166 alpha-3."""
    features = []
    for rings, record in zip(read_shapes(shp), read_dbf(dbf), strict=True):
        polygons = to_multipolygon(rings)
        if not polygons:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {"name": record.get("name", ""), "iso_a3": record.get("iso_a3")},
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
            }
        )
    features.sort(key=lambda f: str(f["properties"]["name"]))  # type: ignore[index]
    return {"type": "FeatureCollection", "features": features}


def _from_wheel() -> tuple[bytes, bytes]:
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", WHEEL, "-d", folder],
            check=True,
        )
        wheel = next(Path(folder).glob("geopandas-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            return archive.read(SHP_IN_WHEEL + ".shp"), archive.read(SHP_IN_WHEEL + ".dbf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shp", type=Path, help="a naturalearth_lowres.shp (its .dbf beside it)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    if args.shp:
        shp, dbf = args.shp.read_bytes(), args.shp.with_suffix(".dbf").read_bytes()
    else:
        shp, dbf = _from_wheel()
    collection = build(shp, dbf)
    args.out.write_text(json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8")
    count = len(collection["features"])  # type: ignore[arg-type]
    print(f"{args.out}: {count} countries, {args.out.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
