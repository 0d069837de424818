"""Characters that make text read differently from what it says: warned about, never removed.

Offsets downstream point into the text as ingested, so nothing is changed here. A document
gets a warning (``Document.warnings``) when it carries:

- bidirectional controls (U+202A-U+202E, U+2066-U+2069), which reorder what a reader sees;
- words mixing Latin letters with Cyrillic or Greek ones ("Кyiv" spelled with a Cyrillic
  "К"): such a name matches no gazetteer entry or search, and often is meant not to;
- invisible characters touching a word (zero-width space, word joiner, a stray byte-order
  mark), which change a word for the pipeline ("said" + U+200B is no reporting verb) but not
  for the eye.

Zero-width joiners (U+200C/U+200D) are not flagged: Persian, Indic scripts and emoji need them.
Every check is a linear scan, so a 5 MB text costs milliseconds.
"""

from __future__ import annotations

import re

BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_INVISIBLE_BY_WORD = re.compile("(?<=\\w)[\u200b\u2060\ufeff]|[\u200b\u2060\ufeff](?=\\w)")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")
_LOOKALIKE_SCRIPTS = re.compile("[\u0370-\u03ff\u0400-\u052f]")  # Greek, Cyrillic
_WORD = re.compile(r"[^\W\d_]+")
MAX_EXAMPLES = 3
"""Mixed-script words quoted in the warning; the count says how many there are in all."""


def spoofing_warnings(text: str, *, origin: str) -> list[str]:
    """Warnings for bidi controls, mixed-script words and invisible characters in ``text``."""
    warnings = []
    bidi = BIDI_CONTROLS.search(text)
    if bidi:
        count = len(BIDI_CONTROLS.findall(text))
        warnings.append(
            f"{origin}: {count} bidirectional control character(s) (first U+{ord(bidi[0]):04X} "
            f"at offset {bidi.start()}): the text may display in a different order than it reads"
        )
    mixed = mixed_script_words(text)
    if mixed:
        shown = ", ".join(f"{word!r} at {start}" for start, word in mixed[:MAX_EXAMPLES])
        warnings.append(
            f"{origin}: {len(mixed)} word(s) mix Latin with Cyrillic or Greek letters ({shown}); "
            "look-alike letters keep names from matching places and searches"
        )
    invisible = _INVISIBLE_BY_WORD.search(text)
    if invisible:
        warnings.append(
            f"{origin}: invisible character U+{ord(invisible[0]):04X} touching a word at offset "
            f"{invisible.start()}: the word looks normal on screen but not to the analysis"
        )
    return warnings


def mixed_script_words(text: str) -> list[tuple[int, str]]:
    """``(offset, word)`` of each word holding both Latin and Cyrillic/Greek letters."""
    if not (_LOOKALIKE_SCRIPTS.search(text) and _LATIN.search(text)):
        return []  # the common case: one script, no word-by-word scan
    found = []
    for match in _WORD.finditer(text):
        word = match[0]
        if _LATIN.search(word) and _LOOKALIKE_SCRIPTS.search(word):
            found.append((match.start(), word))
    return found
