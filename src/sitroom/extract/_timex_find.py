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

from ._timex_lexicon import TimeLexicon

B = r"(?<![\w'’.-])"  # left edge: not inside a word, a number or a contraction
E = r"(?![\w-])"  # right edge
YEAR = r"(?:1[5-9]\d\d|20\d\d)"
DAYNUM = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
DIRECTION = (
    r"this\s+past|this\s+coming|last|next|this|past|coming|previous|current|following|"
    r"same|latest|present|recent|upcoming"
)
TIMEZONE = r"(?-i:GMT|UTC|EST|EDT|CST|CDT|MST|MDT|PST|PDT|BST|CET|CEST|ET|PT)|local\s+time"
# Words before a bare plural unit that make it a time expression ("for years").
PLURAL_CUES = r"for|within|over|in|after|took|take|takes|lasted|spent|spend"
# Units a duration may be counted in; "second", "quarter" and "minute" are too often something
# else ("a second attack", "a quarter of the vote") unless a direction word is in front.
SAFE_UNITS = (
    "years|year|months|month|weeks|week|days|day|hours|hour|minutes|seconds|decades|decade|"
    "centuries|century|millennia|millennium|weekends"
)
ARTICLES = ("a", "an")
SINGULAR_UNITS = "day|week|weekend|month|quarter|year|decade|century|millennium"


class TimexFinder:
    """Compiled finding patterns for one lexicon; build with :func:`finder_for`."""

    def __init__(self, lexicon: TimeLexicon) -> None:
        self.patterns = [re.compile(p, re.IGNORECASE) for p in _patterns(lexicon)]

    def find(self, text: str) -> list[tuple[int, int]]:
        """Character spans of time expressions in ``text``, non-overlapping, in text order."""
        found: set[tuple[int, int]] = set()
        for pattern in self.patterns:
            for match in pattern.finditer(text):
                start, end = match.span("t") if "t" in pattern.groupindex else match.span()
                if end > start and match.group("t" if "t" in pattern.groupindex else 0):
                    found.add((start, end))
        return _longest_first(found)


def _longest_first(spans: set[tuple[int, int]]) -> list[tuple[int, int]]:
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if all(end <= s or start >= e for s, e in kept):
            kept.append((start, end))
    return sorted(kept)


def _patterns(lex: TimeLexicon) -> list[str]:
    alt = lex.alternation
    month, weekday, daypart = alt("month"), alt("weekday"), alt("daypart")
    season, ordinal, unit = alt("season"), alt("ordinal"), alt("unit")
    number = alt("number")
    more = alt("number", exclude=ARTICLES)  # "seven a year ago" is no number "seven a"
    mods = lex["modifier"]
    position = "|".join(re.escape(w) for w in mods if mods[w] in ("START", "END", "MID"))
    quantity = "|".join(re.escape(w) for w in mods if mods[w] not in ("START", "END", "MID"))
    pos = rf"(?:(?:{position})[\s-]+)"
    qty = rf"(?:(?:{quantity})\s+)"
    num = (
        rf"(?:\d+(?:\.\d+)?(?:\s+\d/\d)?|(?:{number})(?:[\s-]+(?:{more}))*(?:\s+of)?)"
        rf"(?:\s+(?:to|or|and|-)\s+(?:\d+|{number}))?"
    )
    relday = alt("relative_day")
    return [
        # Dates: "Friday, Feb. 25, 2022", "25 February 2022", "2022-02-25", "2/25/2022"
        rf"{B}(?:(?:{weekday}),?\s+)?{pos}?(?:{month})\s*{DAYNUM}(?:,?\s+{YEAR})?{E}",
        rf"{B}(?:(?:{weekday}),?\s+)?(?:the\s+)?{DAYNUM}\s+(?:of\s+)?(?:{month})(?:,?\s+{YEAR})?{E}",
        rf"{B}\d{{4}}-[01]\d-[0-3]\d{E}|{B}[01]?\d/[0-3]?\d/(?:\d{{4}}|\d\d){E}",
        # Months: "May 2010", "late last July", "January this year"
        rf"{B}{pos}?(?:{month})(?:\s+of)?,?\s+{YEAR}{E}",
        rf"{B}{pos}?(?:(?:{DIRECTION})\s+)?(?:{month})(?:\s+(?:last|this|next)\s+year)?{E}",
        # Years, decades, centuries: "fiscal 1989", "mid-1996", "the early 1980s", "the '90s"
        rf"(?<![\w'’.,$])(?:(?:fiscal|calendar|the\s+year|{position})[\s-]+)?{YEAR}(?![\w%-]|[.,]\d)",
        rf"{B}(?:the\s+)?{pos}?(?:(?:1\d|20)\d0'?s|['’]\d0s){E}",
        rf"{B}(?:the\s+)?{pos}?(?:\d{{1,2}}(?:st|nd|rd|th)|{ordinal})[\s-]+century{E}",
        # Weekdays: "late Thursday", "last Friday", "Sunday night", "the early hours of Monday"
        rf"{B}{pos}?(?:(?:{daypart})\s+(?:on\s+)?)?(?:(?:{DIRECTION}|the\s+following|the\s+previous)\s+)?"
        rf"(?:{weekday})(?:\s+(?:{daypart}))?{E}",
        rf"{B}the\s+(?:early|small|wee)\s+hours\s+of\s+(?:{weekday}|{relday}){E}",
        # Days: "yesterday", "late yesterday", "tomorrow night", "this morning", "last night"
        rf"{B}(?:(?:{position}|earlier|later|{daypart})\s+)?(?:{relday})(?:\s+(?:{daypart}))?{E}",
        rf"{B}(?:{pos}?(?:last|this|tomorrow|yesterday)\s+)(?:{daypart}){E}",
        # Clock times: "8 pm", "10:35 a.m. Thursday", "15:00 GMT Saturday", "noon Friday"
        rf"{B}{qty}?(?:\d{{1,2}}(?::[0-5]\d){{1,2}}(?:\s*[ap]\.?\s?m\b\.?)?|\d{{1,2}}\s*[ap]\.?\s?m\b\.?"
        rf"|noon|midnight|midday)(?:\s+(?:{TIMEZONE}))?(?:,?\s+(?:on\s+)?(?:{weekday}|{relday}|"
        rf"(?:{month})\s*{DAYNUM}))?(?![\w-])",
        # Relative periods: "this week", "earlier this year", "the end of the month", "year-end"
        rf"{B}(?:(?:{position}|earlier|later)\s+)?(?:(?:the\s+)?(?:{DIRECTION})\s+)(?:{SINGULAR_UNITS}|{season}){E}",
        rf"{B}(?:{position})\s+the\s+(?:{SINGULAR_UNITS}){E}|{B}(?:the\s+)?year[\s-]end{E}|{B}the\s+weekend{E}",
        # Shifts: "two years ago", "a year earlier", "years ago", "three weeks from now"
        rf"{B}{qty}?(?:{num}[\s-]+)?(?:{unit})\s+(?:ago|earlier|later|from\s+now|hence){E}",
        # Durations: "three years", "the past two years", "nearly a decade", "two-year", "90 days"
        rf"{B}(?:(?:the|a|an)\s+)?(?:(?:{DIRECTION}|first|final|initial|remaining|entire|whole|full)\s+)?"
        rf"{qty}?{num}(?:\s+(?:more|additional|extra|straight|consecutive|full|long|trading|business))?"
        rf"\s+(?:{SAFE_UNITS})(?![\w-])(?!\s+old{E})",
        rf"{B}{qty}?{num}-(?:{SAFE_UNITS})(?:-long)?(?![\w-])",
        rf"{B}(?:the\s+)?(?:{DIRECTION}|first|final)\s+(?:{num}\s+)?(?:{unit}){E}",
        rf"(?<![\w-])(?:{PLURAL_CUES})\s+(?P<t>years|months|weeks|days|hours|decades|centuries){E}",
        # Quarters and halves: "the third quarter", "fiscal second-quarter", "the first half of 2021"
        rf"{B}(?:(?:the|fiscal|this\s+year's|last\s+year's|next\s+year's)\s+)*(?:{ordinal}|[1-4]"
        rf"(?:st|nd|rd|th))[\s-]+(?:fiscal[\s-]+)?(?:quarter|half)(?:\s+of\s+(?:(?:fiscal\s+)?{YEAR}|"
        rf"this\s+year|last\s+year|next\s+year))?{E}",
        rf"{B}(?-i:Q[1-4])(?:\s+{YEAR})?{E}",
        # Seasons need a determiner or a year: "the fall of Kabul" is no season
        rf"{B}{pos}?(?:(?:{DIRECTION}|the)\s+)(?:{season})(?:\s+(?:of\s+)?{YEAR}|(?!\s+of\s))(?![\w-])",
        rf"{B}{pos}?(?:{season})\s+(?:of\s+)?{YEAR}{E}",
        # References, sets, holidays: "now", "the past", "daily", "every Monday", "Christmas"
        rf"{B}(?:{alt('reference')}){E}",
        rf"{B}(?:{alt('set')}){E}",
        rf"{B}(?:every|each)\s+(?:other\s+)?(?:{num}\s+)?(?:{unit}|{weekday}|{month}|{daypart}|{season}){E}",
        rf"{B}(?:{alt('holiday')})(?:\s+{YEAR})?{E}",
    ]


@lru_cache(maxsize=4)
def finder_for(lexicon: TimeLexicon) -> TimexFinder:
    """The finder for ``lexicon`` (compiled once per lexicon)."""
    return TimexFinder(lexicon)
