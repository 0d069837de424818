"""Find time expressions in text with regular expressions built from the time word table.

The patterns follow TimeML's TIMEX3 extents: modifiers that are part of the expression stay in
("late Thursday", "the past two years", "nearly three years", "early 2011"), prepositions stay
out ("since 2014" -> "2014"), and a range is two expressions ("2009-2010"). Each pattern
either matches whole or marks the expression with a group named ``t`` (``for years`` ->
``years``). :meth:`TimexFinder.find` returns non-overlapping character spans, longest first.
The component checks them against the parse (``May`` the modal verb is no month).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ._timex_lexicon import TimeLexicon, word_alternation

B = r"(?<![\w'’.-])"  # left edge: not inside a word, a number or a contraction
E = r"(?![\w-])"  # right edge
YEAR = r"(?:1[5-9]\d\d|20\d\d)"
DAYNUM = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
CLOCK = (
    r"(?:\d{1,2}(?::[0-5]\d){1,2}(?:\s*[ap]\.?\s?m\b\.?)?|\d{1,2}\s*[ap]\.?\s?m\b\.?"
    r"|noon|midnight|midday)"
)
ARTICLES = ("a", "an")
TRIGGER_KINDS = (
    "daypart",
    "holiday",
    "month",
    "reference",
    "relative_day",
    "season",
    "set",
    "unit",
    "weekday",
)
# Characters around a trigger word searched for an expression; the longest lead-in
# ("no more than the past", "the early hours of") is shorter.
WINDOW = 40
POSITION_MODS = ("START", "END", "MID")
# Units a duration may be counted in; "second", "quarter" and "minute" are too often something
# else ("a second attack", "a quarter of the vote") unless a direction word is in front.
SAFE_UNITS = (
    "years|year|months|month|weeks|week|days|day|hours|hour|minutes|seconds|decades|decade|"
    "centuries|century|millennia|millennium|weekends"
)
SINGULAR_UNITS = "day|week|weekend|month|quarter|year|decade|century|millennium"
PLURAL_UNITS = "years|months|weeks|days|hours|decades|centuries"


class TimexFinder:
    """Compiled finding patterns for one lexicon; build with :func:`finder_for`."""

    def __init__(self, lexicon: TimeLexicon) -> None:
        fragments = _fragments(lexicon)
        patterns = (
            _date_patterns(fragments)
            + _day_patterns(fragments)
            + _period_patterns(fragments)
            + _word_patterns(fragments)
        )
        self.patterns = [re.compile(p, re.IGNORECASE) for p in patterns]
        # Every expression holds a digit or one of these words; the patterns only run near them.
        triggers = lexicon.alternation(*TRIGGER_KINDS)
        self.trigger = re.compile(rf"\d|(?<!\w)(?:{triggers})", re.IGNORECASE)

    def find(self, text: str) -> list[tuple[int, int]]:
        """Character spans of time expressions in ``text``, non-overlapping, in text order."""
        found: set[tuple[int, int]] = set()
        for window_start, window_end in self._windows(text):
            for pattern in self.patterns:
                group = "t" if "t" in pattern.groupindex else 0
                for match in pattern.finditer(text, window_start, window_end):
                    start, end = match.span(group)
                    if end > start:
                        found.add((start, end))
        return _longest_first(found)

    def _windows(self, text: str) -> list[tuple[int, int]]:
        """Stretches of ``text`` around trigger words, cut at whitespace, merged."""
        windows: list[tuple[int, int]] = []
        for match in self.trigger.finditer(text):
            start = max(0, match.start() - WINDOW)
            end = min(len(text), match.end() + WINDOW)
            if windows and start <= windows[-1][1]:
                windows[-1] = (windows[-1][0], end)
            else:
                windows.append((start, end))
        return [(_space_before(text, start), _space_after(text, end)) for start, end in windows]


def _space_before(text: str, index: int) -> int:
    return text.rfind(" ", 0, index) + 1 if index > 0 else 0


def _space_after(text: str, index: int) -> int:
    found = text.find(" ", index)
    return len(text) if found < 0 else found


def _longest_first(spans: set[tuple[int, int]]) -> list[tuple[int, int]]:
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if all(end <= s or start >= e for s, e in kept):
            kept.append((start, end))
    return sorted(kept)


def _fragments(lex: TimeLexicon) -> dict[str, str]:
    """Regex fragments for the word classes of ``lex``, by name."""
    alt = lex.alternation
    mods = lex["modifier"]
    number, more = alt("number"), alt("number", exclude=ARTICLES)
    timezones = lex["timezone"]
    position = word_alternation(w for w in mods if mods[w] in POSITION_MODS)
    quantity = word_alternation(w for w in mods if mods[w] not in POSITION_MODS)
    return {
        "month": alt("month"),
        "weekday": alt("weekday"),
        "daypart": alt("daypart"),
        "season": alt("season"),
        "ordinal": alt("ordinal"),
        "unit": alt("unit"),
        "relday": alt("relative_day"),
        "direction": rf"this\s+past|this\s+coming|{alt('direction')}",
        "position": position,
        "pos": rf"(?:(?:{position})[\s-]+)",
        "qty": rf"(?:(?:{quantity})\s+)",
        # "seven a year ago" is no number "seven a"; "two to three weeks" is one expression
        "num": (
            rf"(?:\d+(?:\.\d+)?(?:\s+\d/\d)?|(?:{number})(?:[\s-]+(?:{more}))*(?:\s+of)?)"
            rf"(?:\s+(?:to|or|and|-)\s+(?:\d+|{number}))?"
        ),
        "filler": word_alternation(lex.cues("unit_filler")),
        "plural_cue": word_alternation(lex.cues("plural_before")),
        "timezone": rf"(?-i:{word_alternation(w for w in timezones if w.isupper())})"
        + "".join(f"|{word_alternation([w])}" for w in timezones if not w.isupper()),
        "reference": alt("reference"),
        "set": alt("set"),
        "holiday": alt("holiday"),
    }


def _date_patterns(w: dict[str, str]) -> list[str]:
    """Dates, months, years, decades and centuries."""
    month, weekday, pos = w["month"], w["weekday"], w["pos"]
    return [
        # "Friday, Feb. 25, 2022", "25 February 2022", "2022-02-25", "2/25/2022"
        rf"{B}(?:(?:{weekday}),?\s+)?{pos}?(?:{month})\s*{DAYNUM}(?:,?\s+{YEAR})?{E}",
        rf"{B}(?:(?:{weekday}),?\s+)?(?:the\s+)?{DAYNUM}\s+(?:of\s+)?(?:{month})(?:,?\s+{YEAR})?{E}",
        rf"{B}\d{{4}}-[01]\d-[0-3]\d{E}|{B}[01]?\d/[0-3]?\d/(?:\d{{4}}|\d\d){E}",
        # "May 2010", "late last July", "January this year"
        rf"{B}{pos}?(?:{month})(?:\s+of)?,?\s+{YEAR}{E}",
        rf"{B}{pos}?(?:(?:{w['direction']})\s+)?(?:{month})(?:\s+(?:last|this|next)\s+year)?{E}",
        # "fiscal 1989", "mid-1996", "the early 1980s", "the '90s", "the 20th century"
        rf"(?<![\w'’.,$])(?:(?:fiscal|calendar|the\s+year|{w['position']})[\s-]+)?{YEAR}"
        rf"(?![\w%-]|[.,]\d)",
        rf"{B}(?:the\s+)?{pos}?(?:(?:1\d|20)\d0'?s|['’]\d0s){E}",
        rf"{B}(?:the\s+)?{pos}?(?:\d{{1,2}}(?:st|nd|rd|th)|{w['ordinal']})[\s-]+century{E}",
    ]


def _day_patterns(w: dict[str, str]) -> list[str]:
    """Weekdays, yesterday/today/tomorrow, parts of the day and clock times."""
    weekday, daypart, relday, pos = w["weekday"], w["daypart"], w["relday"], w["pos"]
    return [
        # "late Thursday", "last Friday", "Sunday night", "the early hours of Monday"
        rf"{B}{pos}?(?:(?:{daypart})\s+(?:on\s+)?)?(?:(?:{w['direction']}|the\s+following|"
        rf"the\s+previous)\s+)?(?:{weekday})(?:\s+(?:{daypart}))?{E}",
        rf"{B}the\s+(?:early|small|wee)\s+hours\s+of\s+(?:{weekday}|{relday}){E}",
        # "late yesterday", "mid-afternoon yesterday", "tomorrow night", "last night"
        rf"{B}(?:(?:{w['position']}|earlier|later|{daypart})\s+)?(?:{relday})"
        rf"(?:\s+(?:{daypart}))?{E}",
        rf"{B}(?:{pos}?(?:last|this|tomorrow|yesterday)\s+)(?:{daypart}){E}",
        # "8 pm", "10:35 a.m. Thursday", "15:00 GMT Saturday", "noon Friday"
        rf"{B}{w['qty']}?{CLOCK}(?:\s+(?:{w['timezone']}))?(?:,?\s+(?:on\s+)?(?:{weekday}|"
        rf"{relday}|(?:{w['month']})\s*{DAYNUM}))?(?![\w-])",
    ]


def _period_patterns(w: dict[str, str]) -> list[str]:
    """Relative periods, shifts, durations and quarters."""
    direction, num, qty, unit = w["direction"], w["num"], w["qty"], w["unit"]
    return [
        # "this week", "earlier this year", "the end of the month", "year-end", "the weekend"
        rf"{B}(?:(?:{w['position']}|earlier|later)\s+)?(?:(?:the\s+)?(?:{direction})\s+)"
        rf"(?:{SINGULAR_UNITS}|{w['season']}){E}",
        rf"{B}(?:{w['position']})\s+the\s+(?:{SINGULAR_UNITS}){E}|{B}(?:the\s+)?year[\s-]end{E}"
        rf"|{B}the\s+weekend{E}",
        # "two years ago", "a year earlier", "years ago", "three weeks from now"
        rf"{B}{qty}?(?:{num}[\s-]+)?(?:{unit})\s+(?:ago|earlier|later|from\s+now|hence){E}",
        # "three years", "the past two years", "nearly a decade", "two-year", "for years"
        rf"{B}(?:(?:the|a|an)\s+)?(?:(?:{direction}|first|final|initial|remaining|entire|whole|"
        rf"full)\s+)?{qty}?{num}(?:\s+(?:{w['filler']}))?\s+(?:{SAFE_UNITS})(?![\w-])"
        rf"(?!\s+old{E})",
        rf"{B}{qty}?{num}-(?:{SAFE_UNITS})(?:-long)?(?![\w-])",
        rf"{B}(?:the\s+)?(?:{direction}|first|final)\s+(?:{num}\s+)?(?:{unit}){E}",
        rf"(?<![\w-])(?:{w['plural_cue']})\s+(?P<t>{PLURAL_UNITS}){E}",
        # "the third quarter", "fiscal second-quarter", "the first half of 2021", "Q3 2022"
        rf"{B}(?:(?:the|fiscal|this\s+year's|last\s+year's|next\s+year's)\s+)*"
        rf"(?:{w['ordinal']}|[1-4](?:st|nd|rd|th))[\s-]+(?:fiscal[\s-]+)?(?:quarter|half)"
        rf"(?:\s+of\s+(?:(?:fiscal\s+)?{YEAR}|this\s+year|last\s+year|next\s+year))?{E}",
        rf"{B}(?-i:Q[1-4])(?:\s+{YEAR})?{E}",
    ]


def _word_patterns(w: dict[str, str]) -> list[str]:
    """Seasons, references, sets and holidays."""
    season, pos = w["season"], w["pos"]
    return [
        # A season needs a determiner or a year: "the fall of Kabul" is no season
        rf"{B}{pos}?(?:(?:{w['direction']}|the)\s+)(?:{season})(?:\s+(?:of\s+)?{YEAR}|"
        rf"(?!\s+of\s))(?![\w-])",
        rf"{B}{pos}?(?:{season})\s+(?:of\s+)?{YEAR}{E}",
        # "now", "the past", "daily", "every Monday", "Christmas"
        rf"{B}(?:{w['reference']}){E}",
        rf"{B}(?:{w['set']}){E}",
        rf"{B}(?:every|each)\s+(?:other\s+)?(?:{w['num']}\s+)?(?:{w['unit']}|{w['weekday']}|"
        rf"{w['month']}|{w['daypart']}|{season}){E}",
        rf"{B}(?:{w['holiday']})(?:\s+{YEAR})?{E}",
    ]


@lru_cache(maxsize=4)
def finder_for(lexicon: TimeLexicon) -> TimexFinder:
    """The finder for ``lexicon`` (compiled once per lexicon)."""
    return TimexFinder(lexicon)
