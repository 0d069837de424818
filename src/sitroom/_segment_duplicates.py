"""Repeated paragraphs of one document: the links behind ``Segment.duplicate_of``.

A live report's "Earlier updates" copy what it said before, exactly or with a few words
changed. :func:`link_duplicates` points each such copy to the first paragraph of its group;
``segment.py`` calls it on the paragraphs it found.
"""

from __future__ import annotations

import heapq
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher

MIN_EXACT_WORDS = 3
"""Shorter paragraphs ("He said.") repeat by chance; they never link as duplicates."""
MIN_NEAR_WORDS = 6
"""Only paragraphs this long take part in near-duplicate linking."""
DEFAULT_NEAR_THRESHOLD = 0.65
"""Minimum word-sequence similarity (difflib ratio over normalised words) of a near copy.

Rewordings of one paragraph score 0.73-0.82, different sentences on the same story below 0.4."""

# Near-duplicate candidates come from an index of word pairs. A pair already seen in more
# paragraphs than this is too common ("of the") to point at a copy, so it is not looked up;
# this keeps the work per paragraph bounded on long live blogs.
_MAX_POSTINGS = 64
_MAX_CANDIDATES = 8
_MIN_SHARED_PAIRS = 2
_MIN_LENGTH_RATIO = 0.5

_NORMAL_WORD = re.compile(r"\w+")


def link_duplicates(
    paragraphs: Sequence[str | None], *, threshold: float = DEFAULT_NEAR_THRESHOLD
) -> list[int | None]:
    """For each paragraph, the position of the first paragraph it repeats, else ``None``.

    ``None`` entries (headings, markers) take no part. Repeats are exact after folding case,
    accents, quote marks and punctuation, or near: the same words in nearly the same order
    (similarity at least ``threshold``) with the same numbers. Every link points to the first
    of its group.
    """
    links: list[int | None] = [None] * len(paragraphs)
    exact: dict[tuple[str, ...], int] = {}
    postings: dict[tuple[str, str], list[int]] = {}
    words_of: dict[int, list[str]] = {}
    for i, text in enumerate(paragraphs):
        words = _normal_words(text) if text else []
        if len(words) < MIN_EXACT_WORDS:
            continue
        first = exact.setdefault(tuple(words), i)
        if first != i:
            links[i] = _root(links, first)
        if len(words) < MIN_NEAR_WORDS:
            continue
        pairs = set(itertools.pairwise(words))
        if links[i] is None:
            near = _nearest(words, pairs, postings, words_of, threshold)
            links[i] = None if near is None else _root(links, near)
        if first == i:  # an exact repeat adds nothing new to the index
            words_of[i] = words
            for pair in pairs:
                postings.setdefault(pair, []).append(i)
    return links


def _root(links: list[int | None], index: int) -> int:
    target = links[index]
    return index if target is None else target


def _nearest(
    words: list[str],
    pairs: set[tuple[str, str]],
    postings: dict[tuple[str, str], list[int]],
    words_of: dict[int, list[str]],
    threshold: float,
) -> int | None:
    """The earlier paragraph most similar to ``words`` (at least ``threshold``), if any."""
    shared: Counter[int] = Counter()
    for pair in pairs:
        posting = postings.get(pair)
        if posting and len(posting) <= _MAX_POSTINGS:
            shared.update(posting)
    candidates = [
        (count, -j)
        for j, count in shared.items()
        if count >= _MIN_SHARED_PAIRS and _length_ratio(words_of[j], words) >= _MIN_LENGTH_RATIO
    ]
    best, best_score = None, threshold
    for _, minus_j in heapq.nlargest(_MAX_CANDIDATES, candidates):
        other = words_of[-minus_j]
        if _numbers(other) != _numbers(words):
            continue  # "137 killed" and "198 killed" are two figures, not one repeated
        matcher = SequenceMatcher(None, other, words, autojunk=False)
        if matcher.quick_ratio() < best_score:
            continue
        score = matcher.ratio()
        if score > best_score or (score == best_score and (best is None or -minus_j < best)):
            best, best_score = -minus_j, score
    return best


def _numbers(words: list[str]) -> list[str]:
    return sorted(w for w in words if w.isdigit())


def _length_ratio(a: list[str], b: list[str]) -> float:
    return min(len(a), len(b)) / max(len(a), len(b))


def _normal_words(text: str) -> list[str]:
    """Lower-cased words without accents; quote marks and punctuation fall away."""
    if not text.isascii():
        text = strip_marks(unicodedata.normalize("NFKD", text))
    return _NORMAL_WORD.findall(text.casefold())


def strip_marks(text: str) -> str:
    """``text`` without its combining characters (the accents NFKD splits off).

    Only the distinct characters are tested, not every character of a long paragraph.
    """
    marks = [c for c in set(text) if not c.isascii() and unicodedata.combining(c)]
    return text.translate(dict.fromkeys(map(ord, marks))) if marks else text
