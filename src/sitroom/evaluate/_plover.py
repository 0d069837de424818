"""Readers for the two event gold sets: the PLOVER GSR and the event-location set.

PLOVER GSR (``PLOVER_GSR_CAMEO.txt``): a JSON list of records with ``id``, ``event`` (a PLOVER
type; the older ``FIGHT`` is read as ``ASSAULT``), ``text`` and ``source``/``target`` lists of
``{"actorText", ...}`` (or "" when absent); the ``DOCUMENT`` record is documentation. It has no
train split, so records alternate by id order: the even ones are ``dev`` (for tuning), the odd
ones ``test`` (for reporting).

Event location (``event_location_labeled_text.jsonl.zip``, Halterman 2019): one archive member
holding a JSON list (or JSON lines) of sentences with ``tokens`` and ``spans`` (one ``VERB``
and zero or more ``LOCATION``, each with inclusive ``token_start``/``token_end``). Only the
re-annotated gold (``source`` = ``RELABEL``) is read; it has no train split, so sentences
alternate in file order as well (even ``dev``, odd ``test``).
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import EvaluationDataError

SPLITS = frozenset({"dev", "test", "all"})
FOLDED_TYPES = {"FIGHT": "ASSAULT"}
DOCUMENTATION = "DOCUMENT"
GOLD_SOURCE = "RELABEL"


@dataclass(frozen=True)
class PloverRecord:
    """One coded sentence: its type (FIGHT folded), text and actor/target texts."""

    id: str
    type: str
    text: str
    actors: tuple[str, ...]
    targets: tuple[str, ...]


@dataclass(frozen=True)
class LocationExample:
    """One sentence, the character span of its verb and the character spans of its places."""

    text: str
    verb: tuple[int, int]
    tokens: tuple[tuple[int, int], ...]
    locations: frozenset[int]


def read_plover(path: Path, *, split: str = "test") -> list[PloverRecord]:
    """Read the PLOVER GSR, keeping ``split`` (``dev``, ``test`` or ``all``)."""
    if split not in SPLITS:
        raise EvaluationDataError(f"split {split!r} is not one of {sorted(SPLITS)}")
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EvaluationDataError(f"cannot read PLOVER gold {str(path)!r}: {exc}") from exc
    if not isinstance(rows, list):
        raise EvaluationDataError(f"{str(path)!r} is not a JSON list of PLOVER records")
    records = [_record(path, row) for row in rows if row.get("event") != DOCUMENTATION]
    records.sort(key=lambda r: r.id)
    if split != "all":
        records = [r for i, r in enumerate(records) if (i % 2 == 1) == (split == "test")]
    if not records:
        raise EvaluationDataError(f"{str(path)!r} holds no PLOVER records")
    return records


def _record(path: Path, row: dict[str, Any]) -> PloverRecord:
    try:
        kind = str(row["event"])
        return PloverRecord(
            id=str(row["id"]),
            type=FOLDED_TYPES.get(kind, kind),
            text=str(row["text"]),
            actors=_actor_texts(row.get("source")),
            targets=_actor_texts(row.get("target")),
        )
    except KeyError as exc:
        raise EvaluationDataError(f"{path}: record {row.get('id')!r} lacks {exc}") from exc


def _actor_texts(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(a["actorText"]) for a in value if isinstance(a, dict) and a.get("actorText"))


def read_event_locations(path: Path, *, split: str = "all") -> list[LocationExample]:
    """Read the gold sentences of the event-location archive (or an unzipped file), keeping
    ``split``: ``dev`` (even sentences in file order), ``test`` (odd ones) or ``all``."""
    if split not in SPLITS:
        raise EvaluationDataError(f"split {split!r} is not one of {sorted(SPLITS)}")
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                members = [n for n in archive.namelist() if not n.startswith("__MACOSX")]
                text = archive.read(members[0]).decode("utf-8")
        else:
            text = path.read_text(encoding="utf-8")
    except (OSError, IndexError, zipfile.BadZipFile) as exc:
        raise EvaluationDataError(f"cannot read event-location gold {str(path)!r}: {exc}") from exc
    try:
        rows = json.loads(text)
    except ValueError:
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    examples = [_example(row) for row in rows if row.get("source") == GOLD_SOURCE]
    found = [e for e in examples if e is not None]
    if split != "all":
        found = [e for i, e in enumerate(found) if (i % 2 == 1) == (split == "test")]
    if not found:
        raise EvaluationDataError(f"{str(path)!r} holds no RELABEL gold sentences")
    return found


def _example(row: dict[str, Any]) -> LocationExample | None:
    tokens = tuple((int(t["start"]), int(t["end"])) for t in row.get("tokens", ()))
    spans = row.get("spans") or []
    verbs = [s for s in spans if s.get("label") == "VERB"]
    if not tokens or len(verbs) != 1:
        return None
    verb = verbs[0]
    first, last = tokens[verb["token_start"]], tokens[verb["token_end"]]
    locations = frozenset(
        i
        for s in spans
        if s.get("label") == "LOCATION"
        for i in range(s["token_start"], s["token_end"] + 1)
    )
    return LocationExample(str(row["text"]), (first[0], last[1]), tokens, locations)
