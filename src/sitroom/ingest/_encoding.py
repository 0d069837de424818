"""Guess the legacy encoding of bytes that are not UTF-8.

charset-normalizer proposes candidates, but on news-sized and shorter texts many of them tie
(cp1252 and cp1250 decode most Western text identically, and a short Russian cp1251 text can
lose to a CJK multibyte codec). So every candidate decoding, plus the common Windows code
pages, is ranked by three things, in order:

1. how implausible the decoded text looks (mojibake words, see :func:`implausibility`);
2. whether the encoding is one used for the language the decoded text is in, or at least
   the decoded text is in a recognisable language;
3. how common the encoding is.

One- or two-word inputs stay ambiguous (a lone Cyrillic word in cp1251 is also a valid
Greek word in cp1253); Sitroom's inputs are articles, where the ranking is reliable.
"""

from __future__ import annotations

import codecs
import unicodedata
from functools import cache
from itertools import pairwise

from charset_normalizer import from_bytes

from sitroom.ingest.language import UNDETERMINED, detect_language

# Single-byte code pages always tried, most common first; the order breaks the last ties.
COMMON_ENCODINGS = (
    "cp1252",
    "cp1251",
    "cp1250",
    "koi8_r",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
)
_TIE_CHAOS = 0.02
PLAUSIBILITY_CHARS = 5_000
MAX_IMPLAUSIBILITY = 0.25
"""Above this share of mojibake words, every decoding is garbage: the bytes are not text."""

# The encodings languages told apart by their words (not by script alone) were commonly
# written in before UTF-8: this is what separates cp1250 from cp1252.
_LANGUAGE_ENCODINGS: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        ("en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "fi", "id", "und"),
        frozenset({"cp1252", "iso8859_15", "latin_1"}),
    ),
    **dict.fromkeys(("pl", "cs", "hu", "ro"), frozenset({"cp1250", "iso8859_2"})),
    **dict.fromkeys(
        ("ru", "uk", "bg", "be", "sr", "mk", "kk"),
        frozenset({"cp1251", "koi8_r", "koi8_u", "cp866", "mac_cyrillic", "iso8859_5"}),
    ),
    "tr": frozenset({"cp1254", "iso8859_9"}),
    "vi": frozenset({"cp1258"}),
}
# Han and kana are one writing system for the "one script per word" test (Japanese mixes
# them inside words); Hangul is not: Korean words are written in Hangul alone.
_SCRIPT_GROUPS = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "HALFWIDTH": "CJK"}
# Non-ASCII symbols and punctuation that sit between two letters only in mojibake ("Za¿ó³æ").
# Quotation marks (Pi, Pf) are left out: "’" is the usual apostrophe.
_MOJIBAKE_CATEGORIES = frozenset({"Po", "Sm", "So", "Sk", "Sc", "No", "Co", "Cn", "Cc"})


def guess_decode(data: bytes) -> str | None:
    """Decode non-UTF-8 ``data`` with the most plausible encoding; None if none is plausible."""
    candidates = _candidates(data)
    if not candidates:
        return None

    def rank(candidate: tuple[int, str, str]) -> tuple[float, int, int]:
        order, encoding, text = candidate
        language = detect_language(text)
        if encoding in _LANGUAGE_ENCODINGS.get(language, ()):
            fit = 0  # words of a language written in this encoding: cp1250 for Hungarian
        elif language != UNDETERMINED:
            fit = 1  # a language, but only by script, or in an unusual encoding for it
        else:
            fit = 2  # no recognisable language: likely mojibake
        return (implausibility(text), fit, order)

    best = min(candidates, key=rank)
    return best[2] if implausibility(best[2]) <= MAX_IMPLAUSIBILITY else None


def _candidates(data: bytes) -> list[tuple[int, str, str]]:
    """(preference order, encoding, decoded text) for each distinct decoding worth ranking.

    charset-normalizer's least chaotic matches come first, in its order (it weighs letter
    frequencies, which settles non-Latin scripts); the common code pages are added after.
    """
    found: dict[str, tuple[int, str, str]] = {}
    matches = [match for match in from_bytes(data) if ascii_compatible(match.encoding)]
    least_chaos = min((match.chaos for match in matches), default=0.0)
    decodings = [
        (match.encoding, str(match)) for match in matches if match.chaos <= least_chaos + _TIE_CHAOS
    ]
    for encoding in COMMON_ENCODINGS:
        try:
            decodings.append((encoding, data.decode(encoding)))
        except UnicodeDecodeError:
            continue
    for order, (encoding, text) in enumerate(decodings):
        found.setdefault(text, (order, encoding, text))
    return list(found.values())


@cache
def ascii_compatible(encoding: str) -> bool:
    """Whether printable ASCII decodes as itself (not so for UTF-16 or EBCDIC)."""
    printable = bytes(range(0x20, 0x7F))
    try:
        return codecs.decode(printable, encoding) == printable.decode("ascii")
    except (UnicodeDecodeError, LookupError):
        return False


def implausibility(text: str) -> float:
    """Share of words that look like mojibake.

    Real words keep to one script ("Café", "Київ") and to one case pattern; a wrong code
    page gives "Cafй" (two scripts), "Ïðèâåò" (a Russian word read as cp1252: all accented
    letters), "ЦрИвЕт" (capitals inside a word) or "Za¿ó³æ" (symbols between letters).
    """
    sample = text[:PLAUSIBILITY_CHARS]
    words = "".join(char if char.isalpha() else " " for char in sample).split()
    if not words:
        return 0.0
    odd = sum(1 for word in words if _odd_word(word))
    odd += sum(
        1
        for before, char, after in zip(sample, sample[1:], sample[2:], strict=False)
        if before.isalpha() and after.isalpha() and _is_stray_symbol(char)
    )
    return odd / len(words)


def _odd_word(word: str) -> bool:
    if len({_script(char) for char in word}) > 1:
        return True
    if any(lower.islower() and upper.isupper() for lower, upper in pairwise(word)):
        return True
    # Latin words of four letters or more with at most one unaccented letter.
    return (
        len(word) >= 4
        and _script(word[0]) == "LATIN"
        and sum(1 for char in word if char.isascii()) <= 1
    )


@cache
def _script(char: str) -> str:
    if char.isascii():
        return "LATIN"
    first = unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]
    return _SCRIPT_GROUPS.get(first, first)


@cache
def _is_stray_symbol(char: str) -> bool:
    """A non-ASCII symbol that real text does not put between two letters."""
    if char.isascii() or "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef":
        return False  # CJK punctuation ("、", "。") and full-width forms do sit between letters
    return unicodedata.category(char) in _MOJIBAKE_CATEGORIES
