"""Inputs that once broke a fuzz target, and the seed corpus, replayed through the targets.

Each file under ``tests/fuzz/regressions/TARGET/`` is an input (as atheris saved it, or written
by hand to pin a found bug in a readable form) that made ``fuzz.targets`` fail before a fix;
the seed corpus ``fuzz/corpus/TARGET/`` must pass too, so the targets themselves stay honest.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fuzz.targets import SIMPLE_TARGETS, TARGET_NAMES, analyse, split_input

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
REGRESSIONS = HERE / "regressions"
CORPUS = REPO / "fuzz" / "corpus"


def _inputs(root: Path, targets: tuple[str, ...]) -> list[tuple[str, Path]]:
    return [
        (target, path)
        for target in targets
        for path in sorted((root / target).glob("*"))
        if path.is_file()
    ]


SIMPLE = tuple(SIMPLE_TARGETS)
SIMPLE_INPUTS = _inputs(REGRESSIONS, SIMPLE) + _inputs(CORPUS, SIMPLE)
PIPELINE_INPUTS = _inputs(REGRESSIONS, ("pipeline",)) + _inputs(CORPUS, ("pipeline",))


def _id(case: tuple[str, Path]) -> str:
    return f"{case[0]}/{case[1].parent.parent.name}/{case[1].name}"


def test_fuzz_every_target_has_seeds() -> None:
    for target in TARGET_NAMES:
        assert list((CORPUS / target).glob("*")), f"no seed corpus for {target}"


@pytest.mark.parametrize("case", SIMPLE_INPUTS, ids=[_id(c) for c in SIMPLE_INPUTS])
def test_fuzz_regression_ingest_and_segment(case: tuple[str, Path]) -> None:
    target, path = case
    SIMPLE_TARGETS[target](path.read_bytes())


@pytest.mark.parametrize("case", PIPELINE_INPUTS, ids=[_id(c) for c in PIPELINE_INPUTS])
def test_fuzz_regression_pipeline(case: tuple[str, Path], pipeline) -> None:
    analyse(case[1].read_bytes(), pipeline)


def test_fuzz_regressions_hold_the_found_overflow() -> None:
    # The first bug atheris found: relative dates near year 9999 overflowed datetime.date and
    # failed the whole document. The saved input must keep exercising that corner.
    published, text = split_input(
        (REGRESSIONS / "pipeline" / "overflow_next_week_in_year_9999.bin").read_bytes()
    )
    assert published == "9999-12-31" and "Next week" in text


@pytest.mark.parametrize(
    ("text", "anchor"),
    [
        ("900000 weeks ago", date(2022, 2, 25)),
        ("5000000 days ago", date(2022, 2, 25)),
        ("next week", date(9999, 12, 31)),
        ("yesterday", date(1, 1, 1)),
        ("200,000 weeks ago", date(2022, 2, 25)),  # was read as "000 weeks"
        ("900000 years ago", date(2022, 2, 25)),  # year arithmetic gave "-897978"
        ("12,000 years ago", date(2022, 2, 25)),
        ("10 millennia from now", date(2022, 2, 25)),  # "12022" is no year
        ("the year 10000", date(2022, 2, 25)),  # was "this year": the number was ignored
    ],
)
def test_time_resolver_leaves_dates_beyond_the_calendar_unresolved(text: str, anchor: date) -> None:
    from sitroom.extract._timex_lexicon import time_words_v1
    from sitroom.extract._timex_value import TimeResolver

    assert TimeResolver(time_words_v1()).resolve(text, anchor) == (None, None)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2,000 years ago", "0022"),  # four digits: "22" would be a century
        ("1,500 years ago", "0522"),  # and "522" a decade
        ("3 weeks ago", "2022-W05"),
        ("14 months ago", "2020-12"),
    ],
)
def test_time_resolver_reads_thousands_and_writes_four_digit_years(text: str, value: str) -> None:
    from sitroom.extract._timex_lexicon import time_words_v1
    from sitroom.extract._timex_value import TimeResolver

    assert TimeResolver(time_words_v1()).resolve(text, date(2022, 2, 25))[0] == value
