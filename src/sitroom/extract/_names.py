"""Name handling for ``sitroom_entities``: word lists, matching keys and mention trimming.

A mention is trimmed to the name itself: a leading article ("the"), a person's titles and role
words ("Russian President", "Foreign Minister", "Gen."), a possessive ("'s", "’s") and stray
punctuation fall away. Keys fold case, accents, dots and hyphens so that "the U.N." and "UN",
or "al-Assad" and "Al Assad", compare equal.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib.resources import files

from spacy.tokens import Doc, Token
from spacy.util import registry

TITLES_FILE = "person_titles.tsv"
NAME_WORDS_FILE = "name_words.tsv"
NAME_WORD_KINDS = ("article", "function", "locative", "particle")
# A nationality or organisation may precede a title inside a PERSON span ("Russian President
# Vladimir Putin", "Kremlin spokesman Dmitry Peskov"); look this many tokens ahead for one.
MAX_TITLE_LEAD = 2
MAX_ACRONYM_LETTERS = 6
FOLD_CACHE_SIZE = 16_384
"""Keys kept for reuse: titles are folded token by token in every PERSON mention."""

_KEY_DROP = re.compile(r"[.\u2019'`]")
_KEY_SPACE = re.compile(r"[\s\-‐‑–—_/]+")


@dataclass(frozen=True)
class NameWords:
    """Word lists for reading names (``data/person_titles.tsv``, ``data/name_words.tsv``).

    ``titles`` are person titles and role words as tuples of folded words (dots removed);
    ``articles`` lead a name ("the"); ``particles`` join name parts ("von", "al");
    ``function`` words are skipped in acronyms ("of"); ``locative`` prepositions put a bare
    name in a place ("in", "near").
    """

    titles: frozenset[tuple[str, ...]]
    articles: frozenset[str]
    particles: frozenset[str]
    function: frozenset[str]
    locative: frozenset[str]

    @cached_property
    def longest_title(self) -> int:
        """Words in the longest title (read for every token of every PERSON mention)."""
        return max((len(t) for t in self.titles), default=0)


@registry.misc("sitroom.name_words.v1")
def load_name_words() -> NameWords:
    """Load the person titles and name words shipped with Sitroom."""
    return _load_default_name_words()


@lru_cache(maxsize=1)
def _load_default_name_words() -> NameWords:
    data = files("sitroom.data")
    titles = {
        tuple(fold(title).split())
        for _, title in _rows(data.joinpath(TITLES_FILE).read_text(encoding="utf-8"))
    }
    words: dict[str, set[str]] = {kind: set() for kind in NAME_WORD_KINDS}
    for kind, word in _rows(data.joinpath(NAME_WORDS_FILE).read_text(encoding="utf-8")):
        words[kind].add(word.casefold())
    return NameWords(
        titles=frozenset(titles),
        articles=frozenset(words["article"]),
        particles=frozenset(words["particle"]),
        function=frozenset(words["function"]),
        locative=frozenset(words["locative"]),
    )


def _rows(text: str) -> list[tuple[str, str]]:
    """The two-column rows of a TSV data file, header skipped."""
    rows = []
    for line in text.splitlines()[1:]:
        if line.strip():
            first, second = line.split("\t")
            rows.append((first, second))
    return rows


@lru_cache(maxsize=FOLD_CACHE_SIZE)
def fold(text: str) -> str:
    """A matching key: case-folded, accents and dots removed, hyphens and spaces collapsed."""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    text = _KEY_DROP.sub("", text.casefold())
    return _KEY_SPACE.sub(" ", text).strip()


def trim_mention(doc: Doc, start: int, end: int, *, person: bool, words: NameWords) -> range:
    """Token range of the name inside ``doc[start:end]`` (empty if nothing name-like is left)."""
    while start < end and _is_edge_junk(doc[start]):
        start += 1
    while end > start and (_is_edge_junk(doc[end - 1]) or _is_possessive(doc, end - 1)):
        end -= 1
    if end - start > 1 and _is_leading_article(doc, start, words):
        start += 1
    if person:
        start = _skip_titles(doc, start, end, words)
    return range(start, end)


def _is_leading_article(doc: Doc, i: int, words: NameWords) -> bool:
    """ "the United States" drops its article; "in The Hague" keeps it (capital mid-sentence)."""
    token = doc[i]
    if token.lower_ not in words.articles:
        return False
    if token.is_lower:
        return True
    return i == 0 or bool(token.is_sent_start) or doc[i - 1].is_punct or doc[i - 1].is_space


def _is_edge_junk(token: Token) -> bool:
    return token.is_space or token.is_punct


def _is_possessive(doc: Doc, i: int) -> bool:
    """An "'s" token, or a lone "s" glued to an apostrophe the tokenizer split off."""
    text = doc[i].text
    if text in ("'s", "’s", "'", "’"):
        return True
    return text == "s" and i > 0 and doc[i - 1].text in ("'", "’") and not doc[i - 1].whitespace_


def _skip_titles(doc: Doc, start: int, end: int, words: NameWords) -> int:
    """Move ``start`` past titles, keeping at least one capitalised token of the name."""
    position = start
    while position < end:
        found = None
        for lead in range(min(MAX_TITLE_LEAD, end - position - 1) + 1):
            length = _title_at(doc, position + lead, end, words)
            if length:
                found = position + lead + length
                break
        if found is None or found >= end or not doc[found].text[:1].isupper():
            break
        position = found
    return position


def _title_at(doc: Doc, i: int, end: int, words: NameWords) -> int:
    """Length in tokens of the longest title starting at token ``i`` (0 if none)."""
    folded: list[str] = []
    best = 0
    for j in range(i, min(end, i + 2 * words.longest_title)):  # dots are tokens too
        text = fold(doc[j].text)
        if not text:  # a lone "." after an abbreviation ("Gen" "."), part of the title
            if folded:
                best = j - i + 1 if best == j - i else best
            continue
        folded.extend(text.split())
        if tuple(folded) in words.titles:
            best = j - i + 1
    return best


def acronym_of(key_words: list[str], function: frozenset[str]) -> set[str]:
    """Initials a multi-word name may be abbreviated to ("united nations" -> "un")."""
    if len(key_words) < 2:
        return set()
    every = "".join(w[0] for w in key_words)
    content = "".join(w[0] for w in key_words if w not in function)
    return {a for a in (every, content) if 2 <= len(a) <= MAX_ACRONYM_LETTERS}


def is_acronym(text: str) -> bool:
    """True for "UN", "U.N.", "NATO": 2-6 capitals, dots allowed, nothing else."""
    letters = text.replace(".", "")
    return 2 <= len(letters) <= MAX_ACRONYM_LETTERS and letters.isalpha() and letters.isupper()
