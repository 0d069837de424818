"""Turn the parts of a time expression into a TIMEX3 value, relative to a reference date.

Values follow TimeML's TIMEX3: ``2022-02-24``, ``2022-02``, ``2022``, ``2022-W08``,
``2022-Q1``, ``2022-SU``, ``199`` (the 1990s), ``19`` (the 20th century), ``P3Y``,
``PT2H``, ``PRESENT_REF``, ``2022-02-24T10:00``, ``2022-02-24TMO``, and for sets ``P1D`` or
``XXXX-WXX-1``. A relative expression without a reference date gets no value: it is never
guessed. The common cases are resolved here by rule; ``dateparser`` is only a cached fallback
for date formats the rules do not know (it is slow and misreads decades).
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, timedelta
from functools import lru_cache

from ..model import TimePrecision
from ._timex_lexicon import TimeLexicon
from ._timex_parse import VAGUE, TimexParts, parser_for

logger = logging.getLogger(__name__)

PAST, FUTURE = "past", "future"

# The month that stands for a season when deciding which year "last summer" means.
SEASON_MONTH = {"SP": 4, "SU": 7, "FA": 10, "WI": 1}
TIME_UNITS = {"TH": "H", "TM": "M", "TS": "S"}
YEARS_PER_UNIT = {"DE": 10, "CE": 100, "ML": 1000}
# Without a tense, a month (or a day of a month) this many months ahead is meant as coming;
# further ahead, news means the last one ("the November attack", read in May).
NEAR_FUTURE_MONTHS = 3
# Even in a past-tense clause a date this close ahead is the coming one ("payable Dec. 1"):
# the same date a year back would carry its year.
SOON_MONTHS = 2
_OUT_OF_CALENDAR = re.compile(r"^(?:-|0{4}|\d{5})")
"""A value whose year is negative, zero or past 9999: arithmetic left the calendar."""
_PRECISION_SHAPES = [
    (re.compile(r"^[\dX]{4}-[\dX]{2}-[\dX]{2}T"), TimePrecision.time),
    (re.compile(r"^[\dX]{4}-[\dX]{2}-[\dX]{2}$"), TimePrecision.day),
    (re.compile(r"^[\dX]{4}-W[\dX]{2}-\d"), TimePrecision.day),  # a day of a week
    (re.compile(r"^[\dX]{4}-W[\dX]{2}"), TimePrecision.week),
    (re.compile(r"^[\dX]{4}-[\dX]{2}$"), TimePrecision.month),
    (re.compile(r"^[\dX]{4}-[QH]\d$"), TimePrecision.quarter),
    (re.compile(r"^[\dX]{4}-(SP|SU|FA|WI)$"), TimePrecision.season),
    (re.compile(r"^[\dX]{4}$"), TimePrecision.year),
    (re.compile(r"^\d{3}$"), TimePrecision.decade),
    (re.compile(r"^\d{2}$"), TimePrecision.century),
    (re.compile(r"_REF$"), TimePrecision.reference),
    (re.compile(r"^P"), TimePrecision.duration),
]


def precision_of(value: str) -> TimePrecision | None:
    """The granularity a TIMEX3 value is given at (``2022-02`` -> month)."""
    for shape, precision in _PRECISION_SHAPES:
        if shape.search(value):
            return precision
    return None


class TimeResolver:
    """Resolve time expression texts with one lexicon's parser."""

    def __init__(self, lexicon: TimeLexicon) -> None:
        self.parser = parser_for(lexicon)

    def resolve(
        self, text: str, anchor: date | None, tense: str | None = None
    ) -> tuple[str | None, TimePrecision | None]:
        """Return (value, precision) of ``text``; ``tense`` ("past"/"future") breaks ties.

        A date that would fall outside the years 1-9999 ("next week" in a text dated
        9999-12-31, "200,000 weeks ago") cannot be a ``datetime.date``: the expression stays
        unresolved rather than failing the document.
        """
        try:
            value = resolve_parts(self.parser.parse(text), anchor, tense)
            if value is None and anchor is not None and any(c.isdigit() for c in text):
                value = _dateparser_value(text, anchor)
        except (OverflowError, ValueError) as exc:  # date arithmetic left the calendar
            logger.debug("time %r left unresolved: %s", text, exc)
            return None, None
        if value is not None and _OUT_OF_CALENDAR.match(value):
            logger.debug("time %r left unresolved: %s is outside the years 1-9999", text, value)
            return None, None
        return value, (precision_of(value) if value else None)


def resolve_parts(p: TimexParts, anchor: date | None, tense: str | None) -> str | None:
    """The TIMEX3 value of parsed parts, or None when it would need a missing anchor."""
    if p.set_value or p.every:
        value = _set_value(p)
        if value is not None:
            return value
    if p.clock is not None or p.daypart is not None:
        day = _day_of(p, anchor, tense)
        return _with_time(day, p) if day is not None else None
    if p.month is not None and p.day is not None:
        day = _month_day(p, anchor, tense)
        return day.isoformat() if day is not None else None
    for resolver in (_quarter, _month, _season, _holiday):
        value = resolver(p, anchor, tense)
        if value is not None:
            return value
    if p.weekday is not None:
        day = _weekday(p.weekday, anchor, p.direction, tense)
        return day.isoformat() if day is not None else None
    if p.relative_day is not None:
        return (anchor + timedelta(days=p.relative_day)).isoformat() if anchor else None
    if p.decade or p.century:
        return p.decade or p.century
    if p.reference and p.number is None and p.direction is None and p.shift is None:
        return p.reference  # "these days" is a reference, not a count of days
    if p.unit == "WE" and p.number is None and not p.plural:
        return _weekend(anchor, p.direction, tense)
    if p.unit is not None:
        return _unit_value(p, anchor)
    if p.year is not None:
        return str(p.year)
    return p.reference


def _unit_value(p: TimexParts, anchor: date | None) -> str | None:
    """ "two years ago", "last week", "this year", "three years", "the past two months"."""
    unit = p.unit or ""
    if p.shift is not None and (p.number is not None or p.plural):
        if p.number in (None, VAGUE):
            return "PAST_REF" if p.shift < 0 else "FUTURE_REF"
        return _shifted(anchor, unit, round(float(p.number)) * p.shift)
    if p.year is not None and p.number is None:
        return str(p.year)
    if p.direction in (-1, 1) and unit in YEARS_PER_UNIT and p.number is None:
        return _duration(1, unit)  # "the past decade" is the ten years up to now
    if p.number is None and not p.plural and unit not in TIME_UNITS:
        return _shifted(anchor, unit, p.direction or 0)  # "last week", "the year"
    return _duration(p.number if p.number is not None else VAGUE, unit)


def _shifted(anchor: date | None, unit: str, n: int) -> str | None:
    """The period ``n`` units away from ``anchor``, at the unit's granularity."""
    if anchor is None:
        return None
    if unit == "D":
        return (anchor + timedelta(days=n)).isoformat()
    if unit in ("W", "WE"):
        year, week, _ = (anchor + timedelta(weeks=n)).isocalendar()
        return f"{year}-W{week:02d}" + ("-WE" if unit == "WE" else "")
    if unit in ("M", "Q"):
        months = n * (3 if unit == "Q" else 1)
        total = anchor.year * 12 + anchor.month - 1 + months
        year, month = divmod(total, 12)
        return f"{year:04d}-Q{month // 3 + 1}" if unit == "Q" else f"{year:04d}-{month + 1:02d}"
    if unit == "Y":
        return f"{anchor.year + n:04d}"  # four digits: "0524" is a year, "524" a decade
    if unit in YEARS_PER_UNIT and n == 0:  # "this decade" -> 202, "this century" -> 20
        return str(anchor.year // YEARS_PER_UNIT[unit])
    if unit in YEARS_PER_UNIT:  # "a decade ago" -> the year, as for "ten years ago"
        return f"{anchor.year + YEARS_PER_UNIT[unit] * n:04d}"
    return anchor.isoformat() if unit in TIME_UNITS else None


def _weekend(anchor: date | None, direction: int | None, tense: str | None) -> str | None:
    """ "this weekend" is the anchor's week; "the weekend" the last one, unless ahead."""
    if anchor is None:
        return None
    if direction == 0:
        saturday = anchor + timedelta(days=6 - anchor.isoweekday())
    else:
        early_in_week = anchor.isoweekday() <= 3  # on a Tuesday "the weekend" is behind
        if direction is None and tense is None:
            tense = PAST if early_in_week else FUTURE
        saturday = _weekday(6, anchor, direction, tense) or anchor
    year, week, _ = saturday.isocalendar()
    return f"{year}-W{week:02d}-WE"


def _duration(number: float | str, unit: str) -> str | None:
    """``P3Y``, ``PT2H``, ``PXM``, ``P2Y6M`` for 2 1/2 years, ``PT5H30M``."""
    code = TIME_UNITS.get(unit, unit)
    prefix = "PT" if unit in TIME_UNITS else "P"
    if unit == "WE":
        return None
    if number == VAGUE:
        return f"{prefix}X{code}"
    n = float(number)
    if unit in YEARS_PER_UNIT:  # TimeML writes "two decades" as P20Y
        n, code = n * YEARS_PER_UNIT[unit], "Y"
    if n.is_integer():
        return f"{prefix}{int(n)}{code}"
    whole, part = int(n), n - int(n)
    if unit in ("Y", "TH"):  # TimeML writes the fraction in the next unit down
        sub = "M"
        return f"{prefix}{whole}{code}{round(part * (12 if unit == 'Y' else 60))}{sub}"
    return f"{prefix}{round(n, 1)}{code}"


def _set_value(p: TimexParts) -> str | None:
    """ "daily" -> P1D, "every Monday" -> XXXX-WXX-1, "each July" -> XXXX-07."""
    if p.set_value:
        return p.set_value
    if not p.every:
        return None
    if p.weekday is not None:
        return f"XXXX-WXX-{p.weekday}" + (f"T{p.daypart}" if p.daypart else "")
    if p.daypart is not None:
        return f"XXXX-XX-XXT{p.daypart}"
    if p.month is not None:
        return f"XXXX-{p.month:02d}"
    if p.season is not None:
        return f"XXXX-{p.season}"
    if p.unit is not None:
        number = p.number if p.number not in (None, VAGUE) else 1
        return _duration(number or 1, p.unit)
    return None


def _day_of(p: TimexParts, anchor: date | None, tense: str | None) -> date | None:
    """The day a time of day belongs to: named, weekday, yesterday/today, else the anchor."""
    if p.month is not None and p.day is not None:
        return _month_day(p, anchor, tense)
    if p.weekday is not None:
        return _weekday(p.weekday, anchor, p.direction, tense)
    if anchor is None:
        return None
    if p.relative_day is not None:
        return anchor + timedelta(days=p.relative_day)
    if p.direction == -1:  # "last night"
        return anchor - timedelta(days=1)
    return anchor


def _with_time(day: date, p: TimexParts) -> str:
    if p.clock is None:
        return f"{day.isoformat()}T{p.daypart}"
    hour, minute, second = p.clock
    text = f"{day.isoformat()}T{hour:02d}:{minute:02d}"
    return text + (f":{second:02d}" if second is not None else "")


def _weekday(
    weekday: int, anchor: date | None, direction: int | None, tense: str | None
) -> date | None:
    """Nearest such day back (past tense, default) or ahead (future tense, "next")."""
    if anchor is None:
        return None
    back = (anchor.isoweekday() - weekday) % 7
    ahead = (weekday - anchor.isoweekday()) % 7
    if direction == -1:
        return anchor - timedelta(days=back or 7)
    if direction == 1:
        return anchor + timedelta(days=ahead or 7)
    if tense == FUTURE:
        return anchor + timedelta(days=ahead)
    return anchor - timedelta(days=back)


def _year_for(month: int, p: TimexParts, anchor: date, tense: str | None) -> int:
    """Which year a month (or season) without one means, seen from ``anchor``."""
    if p.unit == "Y" and p.direction is not None:  # "July last year", "January this year"
        return anchor.year + p.direction
    if p.direction == -1:
        return anchor.year if month < anchor.month else anchor.year - 1
    if p.direction == 1:
        return anchor.year if month > anchor.month else anchor.year + 1
    if p.direction == 0:
        return anchor.year
    ahead = (month - anchor.month) % 12
    if tense == FUTURE or ahead <= (NEAR_FUTURE_MONTHS if tense is None else SOON_MONTHS):
        return anchor.year + (month < anchor.month)
    return anchor.year - (month > anchor.month)


def _month_day(p: TimexParts, anchor: date | None, tense: str | None) -> date | None:
    """A month and day; without a year, the latest one before the anchor unless the clause
    is in the future tense or the day is only weeks ahead."""
    assert p.month is not None and p.day is not None
    years = [p.year] if p.year else []
    if not years and anchor is not None:
        years = [anchor.year - 1, anchor.year, anchor.year + 1]
    candidates = []
    for year in years:
        try:
            candidates.append(date(year, p.month, p.day))
        except ValueError:
            continue
    if anchor is None or len(candidates) <= 1:
        return candidates[0] if candidates else None
    ahead = [day for day in candidates if day >= anchor]
    behind = [day for day in candidates if day <= anchor]
    if ahead and (tense == FUTURE or not behind):
        return ahead[0]
    months = NEAR_FUTURE_MONTHS if tense is None else SOON_MONTHS
    if ahead and (ahead[0] - anchor).days <= months * 31:
        return ahead[0]
    return behind[-1]


def _month(p: TimexParts, anchor: date | None, tense: str | None) -> str | None:
    if p.month is None:
        return None
    if p.year is not None:
        return f"{p.year}-{p.month:02d}"
    return f"{_year_for(p.month, p, anchor, tense)}-{p.month:02d}" if anchor else None


def _season(p: TimexParts, anchor: date | None, tense: str | None) -> str | None:
    if p.season is None:
        return None
    if p.year is not None:
        return f"{p.year}-{p.season}"
    if anchor is None:
        return None
    return f"{_year_for(SEASON_MONTH[p.season], p, anchor, tense)}-{p.season}"


def _quarter(p: TimexParts, anchor: date | None, tense: str | None) -> str | None:
    """ "the third quarter" -> 2022-Q3 (the nearest), "the first half of 2021" -> 2021-H1."""
    if p.quarter is None:
        return None
    if p.year is not None:
        return f"{p.year}-{p.quarter}"
    if anchor is None:
        return None
    month = int(p.quarter[1]) * (3 if p.quarter[0] == "Q" else 6) - 1
    return f"{_year_for(month, p, anchor, tense)}-{p.quarter}"


def _holiday(p: TimexParts, anchor: date | None, tense: str | None) -> str | None:
    if p.holiday is None:
        return None
    month, day = (int(x) for x in p.holiday.split("-"))
    found = _month_day(
        TimexParts(year=p.year, month=month, day=day, direction=p.direction), anchor, tense
    )
    return found.isoformat() if found is not None else None


@lru_cache(maxsize=4096)
def _dateparser_value(text: str, anchor: date) -> str | None:
    """Last resort for unusual date formats; cached because dateparser is slow."""
    result = _date_data_parser(anchor).get_date_data(text)
    found: datetime | None = result.date_obj
    if found is None:
        return None
    period = result.period
    if period == "year":
        return str(found.year)
    if period == "month":
        return f"{found.year}-{found.month:02d}"
    if period == "week":
        year, week, _ = found.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "time" and (found.hour or found.minute):
        return found.strftime("%Y-%m-%dT%H:%M")
    return found.date().isoformat()


@lru_cache(maxsize=64)
def _date_data_parser(anchor: date):  # type: ignore[no-untyped-def]
    from dateparser.date import DateDataParser

    settings = {
        "RELATIVE_BASE": datetime(anchor.year, anchor.month, anchor.day),
        "PREFER_DATES_FROM": "current_period",
        "RETURN_TIME_AS_PERIOD": True,
    }
    return DateDataParser(languages=["en"], settings=settings)
