"""Read attribution gold data: GenderGapTracker's annotation table and PolNeAR's brat files.

Both readers return :class:`GoldDocument` objects: the text and its gold attributions as
character spans. The GenderGapTracker table is an ``.xlsx`` file, read here with the standard
library (it is zipped XML), so no spreadsheet package is needed.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from ..errors import EvaluationDataError

Spans = tuple[tuple[int, int], ...]

GENDERGAP_TABLE = "AnnotationTable_byArticle_withReplacementArticles.xlsx"
_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_TEXT_COLUMN = "articleBodyText"
_QUOTES_COLUMN = "quotations"
_ID_COLUMN = "_id"
# The table separates paragraphs with a line holding a lone full stop; blanking it (same length,
# so the gold offsets stay valid) lets the segmenter see ordinary paragraphs.
_PARAGRAPH_DOT = re.compile(r"\n[ \t]*\.[ \t]*(?=\n)")
_SPLIT_LIST = re.compile(r"\}\s*\]?\s*\[\s*\{")
_SPAN = re.compile(r"\(\s*(\d+)\s*,\s*(\d+)\s*\)")
_OBJECT_ID = re.compile(r"[0-9a-f]{24}")


@dataclass(frozen=True)
class GoldAttribution:
    """One annotated attribution: spans per role (PolNeAR content may be discontinuous)."""

    content: Spans
    source: Spans = ()
    cue: Spans = ()
    reference: str | None = None  # the resolved speaker name (GenderGapTracker only)


@dataclass
class GoldDocument:
    """A gold document: an identifier, the text the offsets index, its attributions."""

    id: str
    text: str
    attributions: list[GoldAttribution] = field(default_factory=list)


# --- GenderGapTracker --------------------------------------------------------------------------


def read_gendergap(folder: Path) -> list[GoldDocument]:
    """Read the GenderGapTracker gold table in ``folder`` (its articles, in table order)."""
    table = folder / GENDERGAP_TABLE
    if not table.is_file():
        raise EvaluationDataError(
            f"{table} not found: pass the folder holding {GENDERGAP_TABLE} "
            f"(e.g. ../shared/datasets/attribution/gendergap)"
        )
    rows = _xlsx_rows(table)
    if not rows:
        raise EvaluationDataError(f"{table} holds no rows; is it the GenderGapTracker table?")
    header = {column: name for column, name in rows[0].items()}
    documents = []
    for row in rows[1:]:
        record = {header[c]: v for c, v in row.items() if c in header}
        text = record.get(_TEXT_COLUMN)
        if not text:
            continue
        text = _PARAGRAPH_DOT.sub(lambda m: "\n" * len(m.group()), text)
        quotes = _quote_list(record.get(_QUOTES_COLUMN) or "[]", record.get(_ID_COLUMN))
        if _is_object_id(text):
            # one replacement article's text is only its id (shipped nowhere): its quotes index
            # a text we do not have, so it stays (the dev/test split is by position) unscored
            quotes = []
        documents.append(
            GoldDocument(str(record.get(_ID_COLUMN)), text, _gendergap_quotes(text, quotes))
        )
    return documents


def _is_object_id(text: str) -> bool:
    """True for a bare MongoDB object id (24 hex digits) standing where the text should be."""
    return _OBJECT_ID.fullmatch(text.strip()) is not None


def _quote_list(value: str, row_id: object) -> list[dict[str, str]]:
    """The quotations cell as a list; one cell of the table splits its list in two."""
    try:
        return list(json.loads(value))
    except json.JSONDecodeError:
        pass
    try:
        return list(json.loads(_SPLIT_LIST.sub("},{", value)))
    except json.JSONDecodeError as exc:
        raise EvaluationDataError(f"row {row_id}: cannot parse the quotations: {exc}") from exc


def _gendergap_quotes(text: str, quotes: list[dict[str, str]]) -> list[GoldAttribution]:
    gold = []
    for quote in quotes:
        content = _parse_span(quote.get("quote_index", ""))
        if content is None:
            continue
        content = _anchor(text, quote.get("quote", ""), content)
        shift = content[0] - (_parse_span(quote.get("quote_index", "")) or content)[0]
        source = _parse_span(quote.get("speaker_index", ""))
        if source is not None:
            source = _anchor(text, quote.get("speaker", ""), _moved(source, shift))
        cue = _parse_span(quote.get("verb_index", ""))
        if cue is not None:
            cue = _anchor(text, quote.get("verb", ""), _moved(cue, shift))
        gold.append(
            GoldAttribution(
                (content,),
                (source,) if source else (),
                (cue,) if cue else (),
                (quote.get("reference") or "").strip() or None,
            )
        )
    return gold


def _moved(span: tuple[int, int], shift: int) -> tuple[int, int]:
    return span[0] + shift, span[1] + shift


def _anchor(text: str, string: str, span: tuple[int, int]) -> tuple[int, int]:
    """``span`` moved onto the occurrence of ``string`` nearest to it (unchanged if absent)."""
    string = string.strip()
    if not string or text[span[0] : span[1]].strip() == string:
        return span
    best = None
    position = text.find(string)
    while position >= 0:
        if best is None or abs(position - span[0]) < abs(best - span[0]):
            best = position
        position = text.find(string, position + 1)
    return span if best is None else (best, best + len(string))


def _parse_span(value: str) -> tuple[int, int] | None:
    match = _SPAN.search(value or "")
    if not match:
        return None
    start, end = int(match.group(1)), int(match.group(2))
    return (start, end) if end > start else None


def _xlsx_rows(path: Path) -> list[dict[str, str]]:
    """The first sheet of an ``.xlsx`` file as rows of {column letter: text}."""
    try:
        with zipfile.ZipFile(path) as archive:
            shared = _shared_strings(archive)
            sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as exc:
        raise EvaluationDataError(f"cannot read {path} as an xlsx table: {exc}") from exc
    rows = []
    for row in sheet.iter(f"{_SHEET_NS}row"):
        cells = {}
        for cell in row.findall(f"{_SHEET_NS}c"):
            column = re.match(r"[A-Z]+", cell.get("r", "")) if cell.get("r") else None
            value = cell.find(f"{_SHEET_NS}v")
            if column is None:
                continue
            if value is not None and value.text is not None:
                is_shared = cell.get("t") == "s"
                cells[column.group()] = shared[int(value.text)] if is_shared else value.text
            else:
                inline = cell.find(f"{_SHEET_NS}is")
                if inline is not None:
                    cells[column.group()] = "".join(
                        t.text or "" for t in inline.iter(f"{_SHEET_NS}t")
                    )
        rows.append(cells)
    return rows


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    root = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
    return [
        "".join(t.text or "" for t in item.iter(f"{_SHEET_NS}t"))
        for item in root.findall(f"{_SHEET_NS}si")
    ]


# --- PolNeAR -----------------------------------------------------------------------------------


def read_polnear(folder: Path, split: str) -> list[GoldDocument]:
    """Read one PolNeAR split (``train``, ``dev`` or ``test``) under ``folder``.

    An article annotated by several annotators is read once, from the first annotation file.
    """
    split_dir = folder / split
    if not (split_dir / "text").is_dir() or not (split_dir / "attributions").is_dir():
        raise EvaluationDataError(
            f"{split_dir} has no text/ and attributions/ folders: pass the PolNeAR data folder "
            f"(e.g. ../shared/datasets/attribution/polnear) and a split of train, dev, test"
        )
    chosen: dict[str, Path] = {}
    for ann in sorted((split_dir / "attributions").glob("*.ann")):
        chosen.setdefault(ann.stem.rsplit("_", 1)[0], ann)
    documents = []
    for name, ann in sorted(chosen.items()):
        text_path = split_dir / "text" / f"{name}.txt"
        if not text_path.is_file():
            continue
        text = text_path.read_text(encoding="utf-8")
        documents.append(GoldDocument(name, text, _brat_attributions(ann)))
    return documents


def _brat_attributions(path: Path) -> list[GoldAttribution]:
    spans: dict[str, Spans] = {}
    events: list[list[tuple[str, str]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            _, _, offsets = parts[1].partition(" ")
            spans[parts[0]] = tuple(
                (int(a), int(b)) for a, b in (piece.split() for piece in offsets.split(";"))
            )
        elif line.startswith("E") and len(parts) >= 2:
            pieces = [item.split(":", 1) for item in parts[1].split()]
            events.append([(r[0], r[1]) for r in pieces if len(r) == 2])
    gold = []
    for roles in events:
        if not roles or not roles[0][0].startswith("Attribution"):
            continue  # "Discard"/"Discuss" notes are not attributions
        by_role: dict[str, list[tuple[int, int]]] = {}
        for role, target in roles[1:]:
            by_role.setdefault(role, []).extend(spans.get(target, ()))
        if by_role.get("Content"):
            gold.append(
                GoldAttribution(
                    tuple(sorted(by_role["Content"])),
                    tuple(sorted(by_role.get("Source", []))),
                    tuple(sorted(by_role.get("Cue", []))),
                )
            )
    return gold
