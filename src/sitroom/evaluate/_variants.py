"""Near-duplicate test documents generated at run time from the public articles.

Nothing here is stored in the repository: base articles are read from ``../shared/datasets``
(the geoparsing XML corpora and the VOA sample) and rewritten on the fly, with a seeded random
generator, into the copies a news database receives: reposts wrapped in an outlet's boilerplate,
copies with small edits, truncated copies, copies with paragraphs reordered. Different base
articles are the negatives; several corpora are single-topic (disease outbreaks, local crime),
and every repost of one outlet carries the same boilerplate, so the negatives are not easy.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import EvaluationDataError
from ._geoxml import read_geoparsing

SPLIT_FILES = {
    "dev": ("geoparsing/GWN.xml", "geoparsing/TR-News.xml"),
    "test": ("geoparsing/lgl.xml", "geoparsing/GeoVirus.xml", "corpus/voa_sample.jsonl"),
}
"""Corpora per split: thresholds were tuned on dev only."""
MIN_WORDS = 80
"""Shorter base articles are skipped: a few sentences make no meaningful near-duplicate."""
BASE_OVERLAP = 0.2
"""Base articles sharing this Jaccard of word 3-grams with an earlier one are dropped: whether
such a pair is a duplicate is unknown, so it can be neither a positive nor a negative."""

# Boilerplate written for Sitroom (not from any dataset): what outlets wrap reposts in.
OUTLETS = (
    (
        "REGIONAL NEWS NETWORK | World | Updated daily",
        "This story was provided by a partner agency and has not been edited by our staff. "
        "Sign up for our morning briefing to get the day's top stories in your inbox. "
        "Follow us on social media for breaking news alerts.",
    ),
    (
        "The Evening Ledger - International edition",
        "Copyright the original publisher. Republished with permission. Readers can send "
        "corrections and tips to our newsroom through the contact page. Advertisement.",
    ),
    (
        "WIRE COPY — FOR IMMEDIATE RELEASE",
        "Reporting by staff correspondents; editing by the international desk. "
        "Our standards: the trust principles. Related coverage: see more stories below.",
    ),
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
_WORD = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"\b\d+\b")


@dataclass(frozen=True)
class GeneratedDocument:
    """One document of the generated set; documents with one ``base`` are near-duplicates."""

    id: str
    base: str
    kind: str  # original, repost, edited, truncated, reordered
    text: str


def base_articles(datasets: Path, split: str) -> list[tuple[str, str]]:
    """(id, text) of the split's usable base articles, in corpus order."""
    if split not in SPLIT_FILES:
        raise EvaluationDataError(f"split {split!r} is not one of {', '.join(SPLIT_FILES)}")
    articles: list[tuple[str, str]] = []
    for name in SPLIT_FILES[split]:
        path = datasets / name
        if not path.exists():
            raise EvaluationDataError(
                f"{str(path)!r} is missing; pass the public datasets folder (../shared/datasets)"
            )
        articles.extend((f"{name}#{i}", text) for i, text in enumerate(_texts(path)))
    return _independent(a for a in articles if len(_WORD.findall(a[1])) >= MIN_WORDS)


def _texts(path: Path) -> list[str]:
    if path.suffix == ".jsonl":
        lines = path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line)["text"] for line in lines if line.strip()]
    return [article.text for article in read_geoparsing(path)]


def _shingles(text: str) -> set[str]:
    words = _WORD.findall(text.casefold())
    return {" ".join(words[i : i + 3]) for i in range(max(len(words) - 2, 0))}


def _independent(articles: Iterator[tuple[str, str]]) -> list[tuple[str, str]]:
    kept: list[tuple[str, str]] = []
    index: dict[str, list[int]] = {}
    sizes: list[int] = []
    for article_id, text in articles:
        items = _shingles(text)
        shared: dict[int, int] = {}
        for item in items:
            for k in index.get(item, ()):
                shared[k] = shared.get(k, 0) + 1
        if any(n / (len(items) + sizes[k] - n) >= BASE_OVERLAP for k, n in shared.items()):
            continue
        for item in items:
            index.setdefault(item, []).append(len(kept))
        sizes.append(len(items))
        kept.append((article_id, text))
    return kept


def _paragraphs(text: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]
    if len(parts) >= 3:
        return parts
    return [s for s in _SENTENCE.split(text.strip()) if s]


def repost(text: str, rng: random.Random) -> str:
    """The article between an outlet's header and footer."""
    header, footer = rng.choice(OUTLETS)
    return f"{header}\n\n{text.strip()}\n\n{footer}"


def edited(text: str, rng: random.Random) -> str:
    """A copy with a sentence dropped, numbers changed and a few words replaced."""
    parts = _paragraphs(text)
    if len(parts) > 4:
        del parts[rng.randrange(1, len(parts))]
    body = "\n\n".join(parts)
    body = _NUMBER.sub(lambda m: str(int(m.group()) + rng.randint(1, 3)), body, count=2)
    words = body.split(" ")
    for _ in range(max(1, len(words) // 60)):
        at = rng.randrange(len(words))
        words[at] = rng.choice(("reportedly", "also", "officials", "on Monday", "local"))
    return " ".join(words)


def truncated(text: str, rng: random.Random) -> str:
    """The text cut at the first sentence end after 50-85% of it (a wire copy cut to fit)."""
    body = text.strip()
    cut = _SENTENCE.search(body, round(len(body) * rng.uniform(0.5, 0.85)))
    return body[: cut.start()] if cut else body


def reordered(text: str, rng: random.Random) -> str:
    """The lead kept, later paragraphs shuffled."""
    parts = _paragraphs(text)
    rest = parts[1:]
    rng.shuffle(rest)
    return "\n\n".join([parts[0], *rest])


VARIANTS: dict[str, Callable[[str, random.Random], str]] = {
    "repost": repost,
    "edited": edited,
    "truncated": truncated,
    "reordered": reordered,
}


def generate(
    articles: list[tuple[str, str]], *, seed: int = 0, copied_share: float = 0.6
) -> list[GeneratedDocument]:
    """Every base article, plus 1-3 variants for ``copied_share`` of them, shuffled."""
    rng = random.Random(seed)
    documents: list[GeneratedDocument] = []
    for base, text in articles:
        documents.append(GeneratedDocument(f"{base}/original", base, "original", text))
        if rng.random() >= copied_share:
            continue
        for kind in rng.sample(sorted(VARIANTS), rng.randint(1, 3)):
            variant = VARIANTS[kind](text, rng)
            if variant.strip() != text.strip():
                documents.append(GeneratedDocument(f"{base}/{kind}", base, kind, variant))
    rng.shuffle(documents)
    return documents
