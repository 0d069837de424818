"""Name keys for gazetteer look-up: diacritic folding and romanisation skeletons.

A place name is indexed (and looked up) under three keys of growing looseness:

- :func:`fold` — lower case, no diacritics, no apostrophes, abbreviations spelt out
  ("St." is "Saint"): "Łódź" and "Lodz" meet.
- :func:`skeleton` — :func:`fold` plus rules that erase the differences between the usual
  romanisations of Ukrainian and Russian (h/g, i/y, kh/h, zh/z, ts/c, -iv/-ov, doubled
  letters), so "Horodnia"/"Gorodnia" and "Vasylkiv"/"Vasilkov" share a key.
- :func:`stem` — the skeleton without a Slavic adjective ending ("-sky", "-skyi", "-ska"), so a
  district named after its place ("Shevchenkivsky district") finds the place.

Looser keys are only consulted when tighter ones find nothing (see ``resolve.py``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

KEY_CACHE_SIZE = 16_384
"""Names whose keys are kept: a document asks for the key of each name several times."""
# Apostrophes and soft signs vanish; these separators become a space.
_DROP = dict.fromkeys(map(ord, "'’‘`´ʹʼ\u02bb\"“”"), None)
_SPACE = re.compile(r"[\s\-‐‑–—_/.,()]+")
# Multi-letter spellings of one Cyrillic sound, longest first.
_DIGRAPHS = (
    ("shch", "s"),
    ("sch", "s"),
    ("tch", "c"),
    ("kh", "h"),
    ("zh", "z"),
    ("ts", "c"),
    ("tz", "c"),
    ("ch", "c"),
    ("sh", "s"),
)
# Single letters that romanisations swap: Ukrainian h for Russian g, i/y/j, w/v.
_LETTERS = str.maketrans({"g": "h", "y": "i", "j": "i", "w": "v"})
_IV_ENDING = re.compile(r"iv\b")  # Ukrainian -iv is Russian -ov (Vasylkiv/Vasilkov)
_DOUBLES = re.compile(r"([a-z])\1+")
_ADJECTIVE = re.compile(r"(?<=[a-z]{3})(s|c)?(kii|kiii|ki|ka|ke|koe|kaia|kai)\b")
_ARTICLE = re.compile(r"^the ")
# Abbreviated words of place names: "St. Petersburg" is "Saint Petersburg", "Mt." a mountain.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}
_ABBREVIATION = re.compile(r"\b(?:" + "|".join(_ABBREVIATIONS) + r")\b")


@lru_cache(maxsize=KEY_CACHE_SIZE)
def fold(name: str) -> str:
    """``name`` in lower case without diacritics, apostrophes or punctuation ("Łódź" → "lodz")."""
    text = unicodedata.normalize("NFKD", name.translate(_DROP))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _SPACE.sub(" ", text.casefold()).strip()
    text = _ABBREVIATION.sub(lambda match: _ABBREVIATIONS[match.group()], text)
    return _ARTICLE.sub("", text)


@lru_cache(maxsize=KEY_CACHE_SIZE)
def skeleton(name: str) -> str:
    """A key shared by the common romanisations of one Slavic name ("Zhitomir" ~ "Zhytomyr")."""
    text = fold(name)
    if not text.isascii():
        return text  # a Cyrillic or other script name: folding is all we can do
    for digraph, letter in _DIGRAPHS:
        text = text.replace(digraph, letter)
    text = _IV_ENDING.sub("ov", text)
    text = text.translate(_LETTERS)
    return _DOUBLES.sub(r"\1", text)


def stem(name: str) -> str:
    """The skeleton without a Slavic adjective ending ("Shevchenkivsky" → "Shevchenkiv")."""
    return _IV_ENDING.sub("ov", _ADJECTIVE.sub("", skeleton(name)))


def is_latin_or_cyrillic(name: str) -> bool:
    """True when every letter of ``name`` is Latin or Cyrillic (other scripts are not indexed)."""
    for char in name:
        if char.isalpha() and not (char.isascii() or _is_latin_or_cyrillic_letter(char)):
            return False
    return True


def _is_latin_or_cyrillic_letter(char: str) -> bool:
    letter_name = unicodedata.name(char, "")
    return letter_name.startswith(("LATIN", "CYRILLIC"))
