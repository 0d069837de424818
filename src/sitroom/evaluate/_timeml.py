"""Read TimeML ``.tml`` files: the plain TEXT, its TIMEX3 annotations and the creation time.

Only what the time scorer needs: EVENT, SIGNAL and other tags inside ``<TEXT>`` are dropped and
their text kept, so offsets index the tag-free text that the pipeline sees. The document
creation time (the TIMEX3 with ``functionInDocument="CREATION_TIME"``, usually in ``<DCT>``)
is returned apart and never scored.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from ..errors import EvaluationDataError

CREATION_TIME = "CREATION_TIME"


@dataclass(frozen=True)
class Timex:
    """One gold TIMEX3: character offsets into the document's plain text, value and type."""

    start: int
    end: int
    text: str
    value: str
    type: str
    tid: str = ""


@dataclass
class TimeMLDocument:
    """A TimeML document reduced to its plain text, gold timexes and creation date."""

    name: str
    text: str
    creation_value: str | None
    timexes: list[Timex] = field(default_factory=list)

    @property
    def creation_date(self) -> date | None:
        """The creation time as a date (``1998-02-06T22:29:00`` -> 1998-02-06), if it has one."""
        if not self.creation_value or len(self.creation_value) < 10:
            return None
        try:
            return date.fromisoformat(self.creation_value[:10])
        except ValueError:
            return None


def read_timeml(path: Path) -> TimeMLDocument:
    """Parse one ``.tml`` file; raise :class:`EvaluationDataError` if it is not TimeML."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise EvaluationDataError(f"{path}: not a readable TimeML file ({exc})") from exc
    text_el = root.find("TEXT")
    if text_el is None:
        raise EvaluationDataError(f"{path}: no <TEXT> element; is this a TimeML .tml file?")
    parts: list[str] = []
    timexes: list[Timex] = []
    _walk(text_el, parts, timexes, offset=0)
    text = "".join(parts)
    timexes = sorted((replace(t, text=text[t.start : t.end]) for t in timexes), key=_offsets)
    return TimeMLDocument(
        name=path.name, text=text, creation_value=_creation_value(root), timexes=timexes
    )


def _walk(element: ET.Element, parts: list[str], timexes: list[Timex], offset: int) -> int:
    """Append ``element``'s text (without tags) to ``parts``; return the new offset."""
    start = offset
    if element.text:
        parts.append(element.text)
        offset += len(element.text)
    for child in element:
        offset = _walk(child, parts, timexes, offset)
        if child.tail:
            parts.append(child.tail)
            offset += len(child.tail)
    is_dct = element.get("functionInDocument") == CREATION_TIME
    if element.tag == "TIMEX3" and not is_dct and offset > start:
        timexes.append(
            Timex(
                start=start,
                end=offset,
                text="",
                value=element.get("value", ""),
                type=element.get("type", ""),
                tid=element.get("tid", ""),
            )
        )
    return offset


def _creation_value(root: ET.Element) -> str | None:
    for timex in root.iter("TIMEX3"):
        if timex.get("functionInDocument") == CREATION_TIME:
            return timex.get("value")
    return None


def _offsets(timex: Timex) -> tuple[int, int]:
    return timex.start, timex.end
