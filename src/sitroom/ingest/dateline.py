"""Find the wire-service dateline that opens a news story ("BEIRUT —", "KYIV, Ukraine (AP) —").

A dateline is an upper-case place (one to five words, joined by spaces or "/"), optionally
followed by ", Region", a short date ("Feb 3") and an "(AGENCY)", and ended by ":" or a dash.
A Title-Case place ("Kyiv (AFP) -") is accepted only with an agency, which no ordinary
sentence has. The text is never changed: callers get the span and decide what to do with it.
This module does not find bylines or datelines in the middle of a story.
"""

from __future__ import annotations

import re

MAX_PLACE_WORDS = 5
MAX_HEADING_LINES = 4
MAX_HEADING_CHARS = 300
SEARCH_CHARS = 1_000
TITLE_CASE_WORDS = 8  # looked at after a ":" to tell a headline from a story
TITLE_CASE_SHARE = 0.75
CAPITALS_CHARS = 40  # looked at after the separator: all capitals means a headline
TRANSCRIPT_SEARCH_CHARS = 3_000

# Upper-case words that open a story with ":" or a dash but are labels (or news agencies
# credited in a headline, "AP: ..."), not places.
LABELS = frozenset(
    {
        "ADVISORY",
        "AFP",
        "ALERT",
        "ANALYSIS",
        "AP",
        "BREAKING",
        "BYLINE",
        "COMMENT",
        "CORRECTED",
        "CORRECTION",
        "EDITORIAL",
        "EXCLUSIVE",
        "EXPLAINER",
        "FACTBOX",
        "FLASH",
        "INTERVIEW",
        "LIVE",
        "NEWS",
        "NOTE",
        "OPINION",
        "PHOTOS",
        "PREVIOUSLY",
        "REFILE",
        "RELATED",
        "REUTERS",
        "REVIEW",
        "TRANSCRIPT",
        "UPDATE",
        "UPDATED",
        "UPDATES",
        "UPI",
        "URGENT",
        "VIDEO",
        "WARNING",
        "WATCH",
    }
)

_MONTH = (
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
    r"|January|February|March|April|June|July|August|September|October|November|December"
)
# A word of a place name: a letter, then letters, digits, apostrophes, dots or hyphens
# ("PORT-AU-PRINCE", "N'DJAMENA", "ST.").
_PLACE_WORD = r"[^\W\d_][\w'’.\-]*"
_REGION_WORD = r"[^\W\d_a-z][\w'’.\-]*"
_DATELINE = re.compile(
    rf"""
    (?P<place>{_PLACE_WORD}(?:(?:\ |\s*/\s*){_PLACE_WORD}){{0,{MAX_PLACE_WORDS - 1}}})
    (?P<region>(?:,\ (?:{_REGION_WORD})(?:\ {_REGION_WORD}){{0,3}})*?)
    (?:,\ (?P<date>(?:{_MONTH})\ \d{{1,2}}(?:,\ \d{{4}})?|\d{{1,2}}\ (?:{_MONTH})))?
    (?:\ ?\((?P<agency>[^\W\d_][^()\n]{{0,29}})\))?
    [\ \u00a0]?(?P<separator>[:\-](?=\s)|(?:--|[—–])(?!-))  # "KYIV-based" is not "KYIV -"
    """,
    re.VERBOSE,
)
_SPEAKER_LINE = re.compile(r"^[^\W\d_a-z][^\W\d_a-z .'’-]*:", re.MULTILINE)
_SPLIT_PLACE = re.compile(r"[\s/,]+")


def find_dateline(text: str) -> tuple[int, int] | None:
    """Return the span of the dateline that opens ``text``, separator included, or None.

    Looks at the start of the text and, when it opens with a few short lines (a headline, a
    byline, "FULL TEXT."), at the start of each line after them.
    """
    for start in _line_starts(text[:SEARCH_CHARS]):
        match = _DATELINE.match(text, start)
        if match and _is_dateline(match):
            return match.start(), match.end()
    return None


def _line_starts(head: str) -> list[int]:
    """Offsets of the first non-blank line and of the lines after short (heading) lines."""
    starts = []
    offset = 0
    for line in head.split("\n"):
        stripped = line.strip()
        if stripped:
            starts.append(offset + len(line) - len(line.lstrip()))
            if len(starts) > MAX_HEADING_LINES or len(stripped) > MAX_HEADING_CHARS:
                break
        offset += len(line) + 1
    return starts


def _is_dateline(match: re.Match[str]) -> bool:
    place = match["place"]
    words = _SPLIT_PLACE.split(place)
    if any(word.strip(".") in LABELS for word in words):
        return False
    if sum(char.isalpha() for char in place) < 2:  # "Q:" and "A:" open interview transcripts
        return False
    if not all(word[0].isupper() for word in _SPLIT_PLACE.split(match["region"]) if word):
        return False
    if _continues_in_capitals(match):  # "UKRAINE CRISIS: LIVE UPDATES" is a headline
        return False
    if match["separator"] == ":" and (_continues_in_title_case(match) or _is_transcript(match)):
        return False  # "BOOM: Candidate Fires Back At Critics"; "ANCHOR: Good evening."
    if place.isupper():
        return True
    # "Kyiv (AFP) -": a Title-Case place only counts with an agency and a dash.
    return (
        match["agency"] is not None
        and match["separator"] != ":"
        and all(word[0].isupper() for word in words)
    )


def _continues_in_title_case(match: re.Match[str]) -> bool:
    following = match.string[match.end() : match.end() + SEARCH_CHARS].split("\n", 1)[0]
    words = [word for word in following.split()[:TITLE_CASE_WORDS] if word[0].isalpha()]
    capitalised = sum(word[0].isupper() for word in words)
    return len(words) >= 2 and capitalised >= TITLE_CASE_SHARE * len(words)


def _is_transcript(match: re.Match[str]) -> bool:
    """Several lines open with "NAME:": speakers in a transcript, not a dateline."""
    head = match.string[:TRANSCRIPT_SEARCH_CHARS]
    return len(_SPEAKER_LINE.findall(head)) >= 2


def _continues_in_capitals(match: re.Match[str]) -> bool:
    following = match.string[match.end() : match.end() + CAPITALS_CHARS].split("\n", 1)[0]
    return following.isupper()
