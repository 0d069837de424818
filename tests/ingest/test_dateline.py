"""Wire datelines: what counts, what does not, and the span returned."""

from __future__ import annotations

import pytest

from sitroom.ingest import find_dateline


@pytest.mark.parametrize(
    ("text", "dateline"),
    [
        ("MOSCOW/KYIV: Talks stalled again on Friday.", "MOSCOW/KYIV:"),
        ("KYIV, Ukraine (AP) — Air raid sirens sounded overnight.", "KYIV, Ukraine (AP) —"),
        ("WASHINGTON (Reuters) - The Treasury announced new measures.", "WASHINGTON (Reuters) -"),
        (
            "GAZA CITY, Feb 3 (Reuters) - Aid trucks waited at the gate.",
            "GAZA CITY, Feb 3 (Reuters) -",
        ),
        ("BEIRUT — Smoke rose over the southern suburbs.", "BEIRUT —"),
        ("UNITED NATIONS, March 5 (AP) — The council met again.", "UNITED NATIONS, March 5 (AP) —"),
        ("ST. PETERSBURG, Russia — A warehouse fire burned all night.", "ST. PETERSBURG, Russia —"),
        ("PORT-AU-PRINCE, Haiti (AP) — Schools stayed shut.", "PORT-AU-PRINCE, Haiti (AP) —"),
        ("THE HAGUE, Netherlands (AP) — Judges heard the case.", "THE HAGUE, Netherlands (AP) —"),
        ("RAMALLAH, West Bank (AP) — Shops closed early.", "RAMALLAH, West Bank (AP) —"),
        ("BOGOTÁ, Colombia — Rebels freed two hostages.", "BOGOTÁ, Colombia —"),
        ("LONDON, Feb. 3 (Reuters) - Britain said it would help.", "LONDON, Feb. 3 (Reuters) -"),
        ("NAIROBI, 3 February (Reuters) - Rains eased.", "NAIROBI, 3 February (Reuters) -"),
        (
            "KHARTOUM, Sudan, May 2 (Reuters) - Fighting resumed.",
            "KHARTOUM, Sudan, May 2 (Reuters) -",
        ),
        ("WASHINGTON--The Pentagon said the drills would go ahead.", "WASHINGTON--"),
        ("Manila (AFP) - Typhoon warnings were raised.", "Manila (AFP) -"),
        ("CHARLESTON, S.C.\u00a0— Polls opened at seven.", "CHARLESTON, S.C.\u00a0—"),
    ],
)
def test_find_dateline_recognises(text: str, dateline: str) -> None:
    span = find_dateline(text)
    assert span is not None
    assert text[span[0] : span[1]] == dateline


@pytest.mark.parametrize(
    "text",
    [
        "US officials said: the talks failed.",
        "NATO said on Friday that allies had agreed.",
        "NATO said on Friday: more troops.",
        "Moscow: the Kremlin rejected the offer.",  # Title-Case place without an agency
        "Ukraine war: what we know so far",
        "Q: What happened next?",
        "BREAKING: Strikes reported near the port.",
        "UPDATE: more to follow.",
        "EDITOR'S NOTE: This story contains graphic details.",
        "UKRAINE CRISIS: LIVE UPDATES",  # an all-capitals headline
        "The KYIV office said: nothing new.",
        "KYIV-based analysts said the front was quiet.",
        "Officials said. BEIRUT — Smoke rose.",  # not at the start
        "I — like many others — was tired.",
        "ANCHOR: Good evening.\nREPORTER: Sirens sounded here tonight.",  # a transcript
        "PREVIOUSLY: The council met on Monday.",
        "",
    ],
)
def test_find_dateline_ignores(text: str) -> None:
    assert find_dateline(text) is None


def test_find_dateline_after_leading_whitespace() -> None:
    text = "\n\n  BEIRUT — Smoke rose."
    assert find_dateline(text) == (4, 12)


def test_find_dateline_after_a_headline_line() -> None:
    text = "Strikes hit port city\nBy Jane Example\nBEIRUT — Smoke rose over the port."
    span = find_dateline(text)
    assert span is not None
    assert text[span[0] : span[1]] == "BEIRUT —"


def test_find_dateline_after_headline_and_label_ending_in_periods() -> None:
    text = "Storm closes the ports.\n\nFULL TEXT.\n\nLISBON - Ferries stayed in harbour all day."
    span = find_dateline(text)
    assert span is not None
    assert text[span[0] : span[1]] == "LISBON -"


def test_find_dateline_not_after_a_paragraph() -> None:
    paragraph = "Smoke rose over the port on Tuesday as crews fought fires. " * 6
    assert find_dateline(paragraph + "\nBEIRUT — More strikes followed.") is None


def test_find_dateline_only_in_the_first_lines() -> None:
    text = "Headline\nBy A. Writer\nPhotos\nUpdated\nShare\nBEIRUT — Smoke rose."
    assert find_dateline(text) is None
