"""Text helpers of the situation report: sentences around a span, figure values, rendering.

Kept apart from :mod:`sitroom.report` (which re-exports the public names) so that module holds
only what the report says, and this one how it is written out.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

import jinja2

if TYPE_CHECKING:
    from .report import Report

SENTENCE_MAX_CHARS = 400
"""Longest context shown around a time expression when no sentence boundary is near."""

# A sentence ends at . ! or ? (plus closing quotes/brackets) before whitespace, or at a newline.
_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*(?=\s)|\n")
_SPACE = re.compile(r"\s+")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
_QUALIFIER_WORDS = {
    "about": "about ",
    "at_least": "at least ",
    "more_than": "more than ",
    "up_to": "up to ",
    "vague": "roughly ",
}


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence containing ``text[start:end]``, found by punctuation and newlines."""
    low = max(0, start - SENTENCE_MAX_CHARS)
    begin = low
    for match in _BOUNDARY.finditer(text, low, start):
        if _ends_sentence(text, match):
            begin = match.end()
    stop = min(len(text), end + SENTENCE_MAX_CHARS)
    finish = stop
    for match in _BOUNDARY.finditer(text, end, stop):
        if _ends_sentence(text, match):
            finish = match.end() if match.group() != "\n" else match.start()
            break
    sentence = _SPACE.sub(" ", text[begin:finish]).strip()
    return (
        ("…" if begin == low > 0 else "") + sentence + ("…" if finish == stop < len(text) else "")
    )


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    if match.group() == "\n":
        return True
    at = match.start()
    # An initial or an abbreviation like "U.S.": a lone capital letter before the period.
    initial = at >= 1 and text[at - 1].isupper() and (at < 2 or not text[at - 2].isalpha())
    if text[at] == "." and initial:
        return False
    following = text[match.end() :].lstrip()[:1]
    return not following.islower()


def format_value(row: dict[str, Any]) -> str:
    """A figure's value with its qualifier and unit: "at least 14", "100–200 tonnes"."""
    low, high, value = (_number(row.get(k)) for k in ("low", "high", "value"))
    if row["qualifier"] == "range" and low and high:
        text = f"{low}–{high}"
    elif value:
        text = _QUALIFIER_WORDS.get(row["qualifier"], "") + value
    elif low or high:
        text = f"{low or '?'}–{high or '?'}"
    else:
        text = "unspecified"
    return f"{text} {row['unit']}" if row.get("unit") else text


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


# --- rendering -------------------------------------------------------------------------------


def render_markdown(report: Report) -> str:
    """Markdown for a terminal (``rich``) or a file; every value is escaped as Markdown."""
    return _environment("markdown").get_template("report.md.j2").render(report=report)


def render_html(report: Report) -> str:
    """A standalone HTML page (no external assets); all article text is escaped."""
    return _environment("html").get_template("report.html.j2").render(report=report)


@functools.cache
def _environment(kind: str) -> jinja2.Environment:
    # Templates ship in the package and are found relative to it, never the working directory.
    # HTML is autoescaped; Markdown escapes every {{ value }} through `finalize`.
    return jinja2.Environment(
        loader=jinja2.PackageLoader("sitroom", "templates"),
        autoescape=kind == "html",
        finalize=None if kind == "html" else md,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def md(value: object) -> str:
    """A value made safe for one line of Markdown: whitespace collapsed, markup escaped."""
    text = "" if value is None else str(value)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _SPACE.sub(" ", text).strip())
