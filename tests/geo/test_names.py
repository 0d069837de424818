"""Name keys: diacritic folding, romanisation skeletons and adjective stems."""

from __future__ import annotations

import pytest

from sitroom.geo.names import fold, is_latin_or_cyrillic, skeleton, stem


def test_fold_removes_diacritics_case_and_apostrophes() -> None:
    assert fold("Przemyśl") == fold("PRZEMYSL") == "przemysl"
    assert fold("Bila Tserkva") == fold("Bila-Tserkva")
    assert fold("Kam'yanets'") == "kamyanets"
    assert fold("the Hague") == "hague"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Kharkiv", "Kharkov"),
        ("Zhytomyr", "Zhitomir"),
        ("Odesa", "Odessa"),
        ("Horodnia", "Gorodnia"),
        ("Vasylkiv", "Vasilkov"),
    ],
)
def test_skeleton_joins_romanisations(one: str, other: str) -> None:
    assert skeleton(one) == skeleton(other)


def test_skeleton_keeps_distinct_names_apart() -> None:
    assert skeleton("Paris") != skeleton("Parys Mountain")
    assert skeleton("Minsk") != skeleton("Pinsk")


def test_skeleton_leaves_other_scripts_folded_only() -> None:
    assert skeleton("Житомир") == fold("Житомир") == "житомир"


def test_stem_drops_slavic_adjective_endings() -> None:
    assert stem("Shevchenkivskyi") == skeleton("Shevchenkiv")
    assert stem(["Shevchenkivsky", "district"][0]) == skeleton("Shevchenkiv")
    assert stem("Pokrovsk") == skeleton("Pokrovsk")  # -sk alone is not an adjective


def test_is_latin_or_cyrillic() -> None:
    assert is_latin_or_cyrillic("Łódź") and is_latin_or_cyrillic("Львів")
    assert not is_latin_or_cyrillic("キーウ")


@pytest.mark.parametrize(
    ("short", "long"),
    [("St. Albans", "Saint Albans"), ("Mt. Hollis", "Mount Hollis"), ("Ft Brandt", "Fort Brandt")],
)
def test_fold_spells_out_abbreviated_words(short: str, long: str) -> None:
    assert fold(short) == fold(long)


def test_fold_keeps_words_that_start_like_abbreviations() -> None:
    assert fold("Stanmore") == "stanmore" and fold("Ftelia") == "ftelia"
