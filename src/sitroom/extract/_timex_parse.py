"""Read the calendar parts of a time expression's text: year, month, weekday, unit, number...

``TimexParser(lexicon).parse(text)`` returns :class:`TimexParts`; turning the parts into a
TIMEX3 value against a reference date is the job of ``_timex_value``. The parser works on the
text alone, so it serves spans found by the rules, spans found by spaCy's NER and the public
``normalise_time`` alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from ._timex_lexicon import TimeLexicon

VAGUE = "X"
PARSE_CACHE_SIZE = 4096
"""Distinct expression texts whose parts are kept (the cache starts over when full)."""


@dataclass
class TimexParts:
    """What a time expression says, part by part; ``None`` where it says nothing."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    season: str | None = None
    daypart: str | None = None
    clock: tuple[int, int, int | None] | None = None
    quarter: str | None = None
    decade: str | None = None
    century: str | None = None
    relative_day: int | None = None
    number: float | str | None = None
    unit: str | None = None
    plural: bool = False
    direction: int | None = None
    shift: int | None = None
    reference: str | None = None
    every: bool = False
    set_value: str | None = None
    holiday: str | None = None

    @property
    def is_empty(self) -> bool:
        """Whether no time word or number was recognised at all."""
        return not any(value not in (None, False) for value in vars(self).values())


class TimexParser:
    """Compiled patterns for one lexicon; build with :func:`parser_for`."""

    def __init__(self, lexicon: TimeLexicon) -> None:
        self.lexicon = lexicon
        alt = lexicon.alternation
        more = alt("number", exclude=("a", "an"))
        # Words between a number and its unit that leave the unit alone ("two more weeks").
        fillers = "|".join(re.escape(w) for w in sorted(lexicon.cues("unit_filler")))
        # Thousands separators first: "200,000 weeks" is not "000 weeks".
        digits = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:\s+\d/\d)?"
        number = rf"{digits}|(?:{alt('number')})(?:[\s-]+(?:{more}))*"
        self.re_month = re.compile(rf"(?<![a-z])({alt('month')})(?![a-z])")
        self.re_month_day = re.compile(
            rf"(?<![a-z])({alt('month')})\s*(\d{{1,2}})(?:st|nd|rd|th)?(?![\d:])"
        )
        self.re_day_month = re.compile(
            rf"(?<![\d:])(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({alt('month')})(?![a-z])"
        )
        self.re_weekday = re.compile(rf"(?<![a-z])({alt('weekday')})(?![a-z])")
        self.re_season = re.compile(rf"(?<![a-z])({alt('season')})(?![a-z])")
        self.re_daypart = re.compile(rf"(?<![a-z])({alt('daypart')})(?![a-z-])")
        self.re_unit = re.compile(rf"(?<![a-z])({alt('unit')})(?![a-z])")
        self.re_number_unit = re.compile(
            rf"(?<![a-z\d])({number})(?:\s+(?:{fillers}))*[\s-]+({alt('unit')})(?![a-z])"
            rf"(?!\s+(?:{alt('unit')})(?![a-z]))"  # "a second day" counts days, not seconds
        )
        self.re_direction = re.compile(rf"(?<![a-z])({alt('direction')})(?![a-z])")
        self.re_shift = re.compile(rf"(?<![a-z])({alt('shift')})(?![a-z])")
        self.re_relative_day = re.compile(rf"(?<![a-z])({alt('relative_day')})(?![a-z])")
        self.re_set = re.compile(rf"(?<![a-z])({alt('set')})(?![a-z])")
        self.re_holiday = re.compile(rf"(?<![a-z])({alt('holiday')})(?![a-z])")
        self.re_reference = re.compile(rf"(?<![a-z])({alt('reference')})(?![a-z])")
        self.re_quarter = re.compile(
            rf"(?<![a-z])({alt('ordinal')}|[1-4](?:st|nd|rd|th))[\s-]+(?:fiscal[\s-]+)?"
            rf"(quarter|half)(?![a-z])|(?<![a-z])q([1-4])(?![a-z\d])"
        )
        self.re_century = re.compile(
            rf"(?<![a-z\d])(\d{{1,2}}(?:st|nd|rd|th)|{alt('ordinal')})[\s-]+centur"
        )
        self.number_words = {w: v for w, v in lexicon["number"].items()}
        self._parsed: dict[str, TimexParts] = {}

    def parse(self, text: str) -> TimexParts:
        """Split ``text`` into its calendar parts (case-insensitive).

        The same expressions come back in document after document ("Monday", "last year"):
        each text is parsed once, and every caller gets its own copy of the parts.
        """
        parts = self._parsed.get(text)
        if parts is None:
            if len(self._parsed) >= PARSE_CACHE_SIZE:
                self._parsed.clear()
            parts = self._parsed[text] = self._parse(text)
        return replace(parts)

    def _parse(self, text: str) -> TimexParts:
        t = " ".join(text.lower().replace("\u2019", "'").split())
        parts = TimexParts()
        self._calendar(t, parts)
        self._clock(t, parts)
        self._units(t, parts)
        self._words(t, parts)
        return parts

    def _calendar(self, t: str, parts: TimexParts) -> None:
        lex = self.lexicon
        if m := re.search(r"(?<!\d)(\d{4})-(\d{2})(?:-(\d{2}))?(?!\d)", t):
            parts.year, parts.month = int(m[1]), int(m[2])
            parts.day = int(m[3]) if m[3] else None
        elif m := re.search(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?![\d/])", t):
            year = int(m[3])
            parts.year = year if year > 99 else (1900 + year if year > 30 else 2000 + year)
            parts.month, parts.day = int(m[1]), int(m[2])
        if m := re.search(r"(?<![\d$.,])(1\d|20)(\d)0'?s(?![a-z])", t):
            parts.decade = m[1] + m[2]
        elif m := re.search(r"(?<![\d\w])'(\d)0s(?![a-z])", t):
            parts.decade = ("20" if m[1] in "01" else "19") + m[1]
        elif m := re.search(r"(?<![\d$.,:/])(1\d{3}|20\d{2})(?![\d,%]|\.\d)", t):
            parts.year = parts.year or int(m[1])
        elif m := re.search(r"\byear\s+(\d{5,})(?!\d)", t):
            parts.year = int(m[1])  # "the year 10000": past the calendar, left unresolved
        if m := self.re_century.search(t):
            n = int(m[1][:-2]) if m[1][0].isdigit() else int(lex["ordinal"][m[1]])
            parts.century = f"{n - 1:02d}"
        if parts.month is None:
            if m := self.re_month_day.search(t):
                parts.month, parts.day = int(lex["month"][m[1]]), int(m[2])
            elif m := self.re_day_month.search(t):
                parts.month, parts.day = int(lex["month"][m[2]]), int(m[1])
            elif m := self.re_month.search(t):
                parts.month = int(lex["month"][m[1]])
        if parts.day is not None and not 1 <= parts.day <= 31:
            parts.day = None
        if m := self.re_weekday.search(t):
            parts.weekday = int(lex["weekday"][m[1]])
        if m := self.re_season.search(t):
            parts.season = lex["season"][m[1]]
        if m := self.re_holiday.search(t):
            parts.holiday = lex.lookup("holiday", m[1])
        if m := self.re_quarter.search(t):
            if m[3]:
                parts.quarter = f"Q{m[3]}"
            else:
                n = int(m[1][0]) if m[1][0].isdigit() else int(lex["ordinal"].get(m[1], "0"))
                quarter = m[2] == "quarter"
                if 1 <= n <= (4 if quarter else 2):
                    parts.quarter = f"Q{n}" if quarter else f"H{n}"

    def _clock(self, t: str, parts: TimexParts) -> None:
        if m := re.search(
            r"(?<![\d:.])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*([ap])\.?\s?m\b\.?", t
        ):
            hour = int(m[1]) % 12 + (12 if m[4] == "p" else 0)
            parts.clock = (hour, int(m[2] or 0), int(m[3]) if m[3] else None)
        elif m := re.search(r"(?<![\d:.])([01]?\d|2[0-4]):([0-5]\d)(?::([0-5]\d))?(?![\d:])", t):
            parts.clock = (int(m[1]), int(m[2]), int(m[3]) if m[3] else None)
        if m := self.re_daypart.search(t):
            value = self.lexicon["daypart"][m[1]]
            if ":" in value and parts.clock is None:
                hours, minutes = value.split(":")
                parts.clock = (int(hours), int(minutes), None)
            elif ":" not in value:
                parts.daypart = value
        if "tonight" in t and parts.daypart is None:
            parts.daypart = "NI"

    def _units(self, t: str, parts: TimexParts) -> None:
        if m := self.re_number_unit.search(t):
            parts.number = self._number(m[1])
            parts.unit = self.lexicon.lookup("unit", m[2])
            parts.plural = m[2].endswith(("s", "ia"))
            unit_end = m.end()
        elif found := list(self.re_unit.finditer(t)):
            # The last unit word is the head: "the second quarter", "the early hours".
            m = found[-1]
            parts.unit = self.lexicon.lookup("unit", m[1])
            parts.plural = m[1].endswith(("s", "ia"))
            unit_end = m.end()
        else:
            return
        if m := self.re_shift.search(t, unit_end):
            parts.shift = int(self.lexicon.lookup("shift", m[1]) or 0)

    def _words(self, t: str, parts: TimexParts) -> None:
        lex = self.lexicon
        if "this past" in t or "this last" in t:
            parts.direction = -1
        elif "this coming" in t or "this next" in t:
            parts.direction = 1
        elif m := self.re_direction.search(t):
            parts.direction = int(lex["direction"][m[1]])
        if m := self.re_relative_day.search(t):
            parts.relative_day = int(lex["relative_day"][m[1]])
        if m := self.re_set.search(t):
            parts.set_value = lex["set"][m[1]]
        parts.every = bool(re.search(r"(?<![a-z])(every|each|per)(?![a-z])", t))
        if m := self.re_reference.search(t):
            parts.reference = lex.lookup("reference", m[1])

    def _number(self, text: str) -> float | str:
        """``"24"`` -> 24, ``"twenty-four"`` -> 24, ``"2 1/2"`` -> 2.5, ``"several"`` -> X."""
        if text[0].isdigit():
            whole, _, fraction = text.partition(" ")
            value = float(whole.replace(",", ""))
            if fraction:
                numerator, denominator = fraction.split("/")
                value += int(numerator) / int(denominator)
            return value
        words = re.split(r"[\s-]+", text)
        if len(words) > 1 and words[0] in ("a", "an"):
            words = words[1:]  # "a dozen", "a couple", "a few"
        total = 0.0
        for word in words:
            found = self.number_words.get(word)
            if found is None or found == VAGUE:
                return VAGUE
            number = float(found)
            total = total * number if number == 100 and total else total + number
        return total


@lru_cache(maxsize=4)
def parser_for(lexicon: TimeLexicon) -> TimexParser:
    """The parser for ``lexicon`` (compiled once per lexicon)."""
    return TimexParser(lexicon)
