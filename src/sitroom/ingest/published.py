"""Publication dates as ISO 8601, keeping the precision they were given with.

``2022-02-25`` stays a date; ``Fri, 25 Feb 2022 10:30:00 GMT`` becomes
``2022-02-25T10:30:00+00:00``; a time without a zone stays naive rather than being guessed
to be UTC. Relative expressions ("yesterday", "2 hours ago") are refused: they would make
the result depend on the day the file was read.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

# dateparser without its "relative-time" and "timestamp" parsers: only absolute dates.
_DATEPARSER_SETTINGS: dict[str, Any] = {
    "PARSERS": ["custom-formats", "absolute-time"],
    "REQUIRE_PARTS": ["day", "month", "year"],
    "STRICT_PARSING": True,
}
_DATEPARSER_LANGUAGES = ["en"]
_HAS_TIME_OF_DAY = re.compile(r"\d:\d\d|\d\s*[ap]\.?m\b", re.IGNORECASE)
_MAX_LENGTH = 100
_RFC2822 = re.compile(
    r"(?:[A-Za-z]{3}, )?\d{1,2} [A-Za-z]{3} \d{4} \d{2}:\d{2}(?::\d{2})? (?:[+-]\d{4}|[A-Z]{1,3})$"
)

_ISO_SHAPE = re.compile(r"^[+-]?\d{4,}-\d{2}-\d{2}(?:$|[T ])")

ISO_EXAMPLE = "2022-02-25 or 2022-02-25T10:30:00+00:00"


def normalise_published(value: str) -> str:
    """Return ``value`` as an ISO 8601 date or datetime, or raise ``ValueError``.

    Accepts ISO 8601, RFC 2822 (feeds, e-mail) and absolute English dates such as
    "25 February 2022" or "Feb 25, 2022 10:30 AM EST". A date-only input gives a date-only
    output; a datetime keeps its UTC offset if it has one.
    """
    text = " ".join(value.split())
    if not text:
        raise ValueError(f"the publication date is empty; give a date such as {ISO_EXAMPLE}")
    iso = _from_iso(text)
    if iso is None and _ISO_SHAPE.match(text):
        # "2022-13-01" is a broken ISO date, not a day-month swap for dateparser to read.
        raise ValueError(
            f"{value!r} is shaped like ISO 8601 (year-month-day) but is not a valid date or "
            f"time; use e.g. {ISO_EXAMPLE}"
        )
    parsed = (
        iso or _from_rfc2822(text) or (_from_dateparser(text) if len(text) <= _MAX_LENGTH else None)
    )
    if parsed is None:
        raise ValueError(
            f"cannot read {value!r} as a publication date with day, month and year; "
            f"use ISO 8601, e.g. {ISO_EXAMPLE}"
        )
    if isinstance(parsed, datetime):
        return parsed.isoformat(timespec="seconds")
    return parsed.isoformat()


def _from_iso(text: str) -> date | datetime | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _from_rfc2822(text: str) -> datetime | None:
    # The e-mail parser is lenient ("10:30 PM" would lose its PM), so only exact shapes.
    if not _RFC2822.match(text):
        return None
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _from_dateparser(text: str) -> date | datetime | None:
    import dateparser  # imported here: it is slow to import and rarely needed

    parsed = dateparser.parse(text, languages=_DATEPARSER_LANGUAGES, settings=_DATEPARSER_SETTINGS)
    if parsed is None:
        return None
    if _HAS_TIME_OF_DAY.search(text):
        return parsed
    return parsed.date()
