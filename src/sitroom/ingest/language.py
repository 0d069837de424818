"""Fast language identification for routing documents: is this English, and if not, what?

Two cheap signals over the first :data:`SAMPLE_CHARS` characters: which script most letters
are written in, then, for Latin and Cyrillic text, which language's function words
(``data/language_stopwords.tsv``) the words are. It runs on every document, so it is one
character count, one word split and dictionary look-ups: no model, a fraction of a millisecond.
It deliberately does not try to tell closely related languages apart beyond what those signals
carry (Czech/Slovak, Indonesian/Malay, Serbian/Croatian in Latin script).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from functools import cache, lru_cache
from importlib.resources import files

UNDETERMINED = "und"
SAMPLE_CHARS = 2_000
MIN_WORDS = 5
MIN_STOPWORD_SHARE = 0.1  # of the words, for the best language to count as found
MARKER_SHARE = 0.01  # of a script's letters, for a language-specific letter to decide
KANA_SHARE = 0.1  # of Han + Kana letters, for a CJK text to be Japanese
STOPWORDS_FILE = "language_stopwords.tsv"

# Script -> ranges of its letters. CJK is split into Han and Kana: Japanese mixes both.
_SCRIPT_RANGES: tuple[tuple[str, int, int], ...] = (
    ("Latin", 0x0041, 0x024F),
    ("Latin", 0x1E00, 0x1EFF),
    ("Greek", 0x0370, 0x03FF),
    ("Cyrillic", 0x0400, 0x052F),
    ("Armenian", 0x0531, 0x058F),
    ("Hebrew", 0x0590, 0x05FF),
    ("Arabic", 0x0600, 0x06FF),
    ("Arabic", 0x0750, 0x077F),
    ("Arabic", 0x08A0, 0x08FF),
    ("Devanagari", 0x0900, 0x097F),
    ("Bengali", 0x0980, 0x09FF),
    ("Gurmukhi", 0x0A00, 0x0A7F),
    ("Gujarati", 0x0A80, 0x0AFF),
    ("Tamil", 0x0B80, 0x0BFF),
    ("Telugu", 0x0C00, 0x0C7F),
    ("Kannada", 0x0C80, 0x0CFF),
    ("Malayalam", 0x0D00, 0x0D7F),
    ("Sinhala", 0x0D80, 0x0DFF),
    ("Thai", 0x0E00, 0x0E7F),
    ("Lao", 0x0E80, 0x0EFF),
    ("Tibetan", 0x0F00, 0x0FFF),
    ("Myanmar", 0x1000, 0x109F),
    ("Georgian", 0x10A0, 0x10FF),
    ("Hangul", 0x1100, 0x11FF),
    ("Ethiopic", 0x1200, 0x137F),
    ("Khmer", 0x1780, 0x17FF),
    ("Greek", 0x1F00, 0x1FFF),
    ("Kana", 0x3040, 0x30FF),
    ("Hangul", 0x3130, 0x318F),
    ("Kana", 0x31F0, 0x31FF),
    ("Han", 0x3400, 0x4DBF),
    ("Han", 0x4E00, 0x9FFF),
    ("Hangul", 0xAC00, 0xD7AF),
    ("Han", 0xF900, 0xFAFF),
    ("Arabic", 0xFB50, 0xFDFF),
    ("Arabic", 0xFE70, 0xFEFF),
)
_RANGE_STARTS = [start for _, start, _ in _SCRIPT_RANGES]

# Scripts written (in news) in essentially one language: the script alone decides.
_SCRIPT_LANGUAGE = {
    "Greek": "el",
    "Armenian": "hy",
    "Hebrew": "he",
    "Devanagari": "hi",
    "Bengali": "bn",
    "Gurmukhi": "pa",
    "Gujarati": "gu",
    "Tamil": "ta",
    "Telugu": "te",
    "Kannada": "kn",
    "Malayalam": "ml",
    "Sinhala": "si",
    "Thai": "th",
    "Lao": "lo",
    "Tibetan": "bo",
    "Myanmar": "my",
    "Georgian": "ka",
    "Hangul": "ko",
    "Ethiopic": "am",
    "Khmer": "km",
}

# Letters only one language of a script uses; checked in order (Kazakh also uses "і").
_CYRILLIC_MARKERS = (
    ("kk", "әғқұ"),
    ("be", "ў"),
    ("mk", "ѓќѕ"),
    ("sr", "ђћ"),
    ("uk", "ґєіїҐЄІЇ"),
)
_RUSSIAN_LETTERS = "ыэЫЭ"
_CYRILLIC_WORDS = ("ru", "uk", "bg")
_ARABIC_MARKERS = (
    ("ur", "ٹڈڑںے"),
    ("fa", "پچژگکی"),
)

_WORD = re.compile(r"[^\W\d_]+")


def detect_language(text: str) -> str:
    """Return the ISO 639-1 code of the language of ``text``, or ``"und"`` if unsure.

    Looks at the first 2,000 characters. Fewer than five words give ``"und"`` unless the
    script (or a letter only one language uses) settles it.
    """
    sample = unicodedata.normalize("NFC", text[:SAMPLE_CHARS])
    chars = Counter(sample)
    scripts = _script_counts(chars)
    if not scripts:
        return UNDETERMINED
    script = scripts.most_common(1)[0][0]
    if script in _SCRIPT_LANGUAGE:
        return _SCRIPT_LANGUAGE[script]
    if script == "CJK":
        return "ja" if _kana_share(chars, scripts["CJK"]) >= KANA_SHARE else "zh"
    if script == "Arabic":
        return _marked_language(chars, scripts[script], _ARABIC_MARKERS) or "ar"
    if script == "Cyrillic":
        return _cyrillic_language(sample, chars, scripts[script])
    return _by_stopwords(_words(sample), _latin_languages()) or UNDETERMINED


def _kana_share(chars: Counter[str], cjk_letters: int) -> float:
    """Share of the Han and Kana letters that are Kana: Chinese has none, Japanese plenty."""
    kana = sum(count for char, count in chars.items() if _script_of(char) == "Kana")
    return kana / cjk_letters


def _script_counts(chars: Counter[str]) -> Counter[str]:
    """Letters per script; Han and Kana are counted together as "CJK"."""
    scripts: Counter[str] = Counter()
    for char, count in chars.items():
        script = _script_of(char)
        if script is not None:
            scripts["CJK" if script in ("Han", "Kana") else script] += count
    return scripts


@lru_cache(maxsize=8192)
def _script_of(char: str) -> str | None:
    if not char.isalpha():
        return None
    code = ord(char)
    index = bisect_right(_RANGE_STARTS, code) - 1
    if index < 0:
        return None
    script, _, end = _SCRIPT_RANGES[index]
    return script if code <= end else None


def _marked_language(
    chars: Counter[str], total: int, markers: tuple[tuple[str, str], ...]
) -> str | None:
    """The first language whose marker letters make up 1% or more of the script's letters."""
    for language, letters in markers:
        count = sum(chars[letter] for letter in letters)
        if count and count >= MARKER_SHARE * total:
            return language
    return None


def _cyrillic_language(sample: str, chars: Counter[str], total: int) -> str:
    marked = _marked_language(chars, total, _CYRILLIC_MARKERS)
    if marked:
        return marked
    words = _words(sample)
    if len(words) >= MIN_WORDS:
        return _by_stopwords(words, _CYRILLIC_WORDS) or UNDETERMINED
    # Too short for function words; Ukrainian and Bulgarian have no "ы" or "э".
    if any(chars[letter] for letter in _RUSSIAN_LETTERS):
        return "ru"
    return UNDETERMINED


def _words(sample: str) -> list[str]:
    return _WORD.findall(sample.lower())


def _by_stopwords(words: list[str], languages: tuple[str, ...]) -> str | None:
    """The language whose function words cover the text best, shared words weighing less."""
    if len(words) < MIN_WORDS:
        return None
    index = _weighted_index(languages)
    scores: defaultdict[str, float] = defaultdict(float)
    hits: Counter[str] = Counter()
    for word, count in Counter(words).items():
        for language, weight in index.get(word, ()):
            scores[language] += count * weight
            hits[language] += count
    if not scores:
        return None
    # max() keeps the first of equal scores, and English is listed first.
    best = max(languages, key=lambda language: scores.get(language, 0.0))
    if hits[best] < MIN_STOPWORD_SHARE * len(words):
        return None
    return best


@cache
def _weighted_index(languages: tuple[str, ...]) -> dict[str, tuple[tuple[str, float], ...]]:
    """word -> (language, 1 / number of ``languages`` listing the word)."""
    index = {}
    for word, owners in _stopword_table().items():
        mine = [language for language in owners if language in languages]
        if mine:
            index[word] = tuple((language, 1 / len(mine)) for language in mine)
    return index


@cache
def _latin_languages() -> tuple[str, ...]:
    listed = {language for owners in _stopword_table().values() for language in owners}
    return ("en", *sorted(listed - {"en", *_CYRILLIC_WORDS}))


@cache
def _stopword_table() -> dict[str, tuple[str, ...]]:
    """word -> the languages listing it, read once from ``data/language_stopwords.tsv``."""
    table = files("sitroom.data").joinpath(STOPWORDS_FILE).read_text(encoding="utf-8")
    owners: dict[str, list[str]] = {}
    for line in table.splitlines()[1:]:
        language, word = line.split("\t")
        owners.setdefault(word, []).append(language)
    return {word: tuple(languages) for word, languages in owners.items()}
