"""Near-duplicate documents: MinHash signatures, LSH bands in an indexed table, verification.

A document's text becomes a set of word shingles, summarised by a MinHash (the values of
``datasketch``'s, computed here).
The signature is cut into :data:`BANDS` bands; each band's hash is a row of
``document_lsh_bands``, so the documents sharing a band with a new one are found with one
indexed ``IN`` query, whatever the size of the database (the same banding as datasketch's
``MinHashLSH``, kept in SQL rather than in memory). Candidates are then checked on their
estimated Jaccard similarity and containment (a repost with boilerplate, a truncated copy).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
from sqlalchemy import CompoundSelect, Connection, bindparam, insert, select, union_all

from ._tables import document_duplicates, document_lsh_bands, document_minhash

NUM_PERM = 128
BANDS = 64
"""Bands of ``NUM_PERM // BANDS`` rows: a pair with Jaccard 0.3 shares a band 99.8% of the time."""
SHINGLE_WORDS = 3
DUPLICATE_JACCARD = 0.5
"""Estimated Jaccard similarity of word shingles at which two documents are near-duplicates."""
DUPLICATE_CONTAINMENT = 0.8
"""...or the share of the shorter document's shingles found in the longer (a truncated copy or a
repost with boilerplate around it), provided that it is not too short a part of it:"""
MIN_LENGTH_RATIO = 0.25
MIN_SHINGLES = 20
"""Documents with fewer shingles are only matched on Jaccard: containment is noise there."""
MAX_CANDIDATES = 20
"""Most band-sharing documents verified per new document (the ones sharing the most bands)."""
MAX_BAND_DOCUMENTS = 50
"""Most documents read per shared band: a bound on the lookup, whatever the database size."""
SEED = 1

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Duplicate:
    """A stored document the new one is a near-duplicate of."""

    document_id: str
    duplicate_of: str
    jaccard: float
    containment: float


def shingles(text: str) -> set[bytes]:
    """Word n-grams of the casefolded text (the words themselves for very short texts)."""
    words = _WORD.findall(text.casefold())
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).encode()} if words else set()
    return {
        " ".join(words[i : i + SHINGLE_WORDS]).encode()
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }


def _permutations(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Odd multipliers and offsets of ``count`` affine maps h -> a*h + b (mod 2**32), drawn as
    datasketch 2's default "affine32" scheme draws them, so signatures stay comparable."""
    draw = np.random.RandomState(seed)
    odd = draw.randint(0, 1 << 31, count, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    return odd, draw.randint(0, 1 << 32, count, dtype=np.uint32)


_MULTIPLIERS, _OFFSETS = _permutations(NUM_PERM, SEED)
_EMPTY = np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint64)
_FMIX32 = (16, np.uint32(0x85EBCA6B), 13, np.uint32(0xC2B2AE35), 16)
"""MurmurHash3's 32-bit finaliser: shifts and multipliers of its avalanche."""


def signature(items: set[bytes]) -> np.ndarray:
    """The MinHash signature (``NUM_PERM`` unsigned 64-bit values) of a shingle set.

    Each shingle's SHA-1 (first 4 bytes, little-endian) is mixed by MurmurHash3's finaliser and
    mapped by ``NUM_PERM`` affine maps mod 2**32; the signature is each map's minimum. These are
    datasketch 2's ``MinHash(num_perm=128, seed=1)`` values (tested), without importing it
    (datasketch loads scipy: ~0.6 s and ~56 MB in every process that stores).
    """
    if not items:
        return _EMPTY.copy()
    hashes = np.fromiter(
        (int.from_bytes(hashlib.sha1(item).digest()[:4], "little") for item in items),
        dtype=np.uint32,
        count=len(items),
    )
    first, multiply, second, multiply_again, third = _FMIX32
    hashes ^= hashes >> first
    hashes *= multiply
    hashes ^= hashes >> second
    hashes *= multiply_again
    hashes ^= hashes >> third
    mapped = hashes[:, np.newaxis] * _MULTIPLIERS + _OFFSETS  # wraps: arithmetic mod 2**32
    return mapped.min(axis=0).astype(np.uint64)


def band_hashes(values: np.ndarray) -> list[int]:
    """One signed 64-bit hash per band (band number included: bands never collide)."""
    rows = NUM_PERM // BANDS
    hashes = []
    for band in range(BANDS):
        chunk = values[band * rows : (band + 1) * rows].astype("<u8").tobytes()
        digest = hashlib.blake2b(band.to_bytes(2, "little") + chunk, digest_size=8).digest()
        hashes.append(int.from_bytes(digest, "little", signed=True))
    return hashes


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity: the share of equal signature values."""
    return float(np.count_nonzero(a == b)) / NUM_PERM


def containment(similarity: float, size_a: int, size_b: int) -> float:
    """Share of the smaller set inside the larger, from the Jaccard estimate and both sizes."""
    smaller = min(size_a, size_b)
    if smaller == 0:
        return 0.0
    shared = similarity * (size_a + size_b) / (1 + similarity)
    return min(1.0, shared / smaller)


def is_duplicate(similarity: float, size_a: int, size_b: int) -> bool:
    """The near-duplicate rule (see the constants)."""
    if similarity >= DUPLICATE_JACCARD:
        return True
    small, large = sorted((size_a, size_b))
    if small < MIN_SHINGLES or large == 0 or small / large < MIN_LENGTH_RATIO:
        return False
    return containment(similarity, size_a, size_b) >= DUPLICATE_CONTAINMENT


@dataclass(frozen=True)
class Sketch:
    """What the near-duplicate check needs of a text, computed once, anywhere (a Dask worker)."""

    shingles: int  # number of distinct word shingles
    signature: bytes  # NUM_PERM little-endian unsigned 64-bit values
    bands: tuple[int, ...]  # distinct band hashes, sorted


def sketch(text: str) -> Sketch:
    """The MinHash sketch of a document's text."""
    items = shingles(text)
    values = signature(items)
    bands = tuple(sorted(set(band_hashes(values))))
    return Sketch(len(items), values.astype("<u8").tobytes(), bands)


def link_document(connection: Connection, document_id: str, found: Sketch) -> Duplicate | None:
    """Index a stored document's sketch; link and return it if it is a near-duplicate."""
    best = _best_match(connection, document_id, found)
    connection.execute(
        insert(document_minhash),
        [{"document_id": document_id, "shingles": found.shingles, "signature": found.signature}],
    )
    if found.shingles:  # an empty text shares nothing with anything
        rows = [{"band_hash": h, "document_id": document_id} for h in found.bands]
        connection.execute(insert(document_lsh_bands), rows)
    if best is None:
        return None
    connection.execute(
        insert(document_duplicates),
        [
            {
                "document_id": document_id,
                "duplicate_of": best.duplicate_of,
                "jaccard": best.jaccard,
                "containment": best.containment,
            }
        ],
    )
    return best


@functools.cache
def _band_lookup(bands: int) -> CompoundSelect[tuple[str]]:
    """One statement reading the documents of ``bands`` band hashes (parameters h0, h1, ...).

    One round trip per document instead of one per band, built once per band count. A band
    every syndicated copy shares (boilerplate) must not make the lookup grow with the database:
    each part reads at most MAX_BAND_DOCUMENTS documents.
    """
    table = document_lsh_bands
    parts = []
    for number in range(bands):
        part = (
            select(table.c.document_id)
            .where(
                table.c.band_hash == bindparam(f"h{number}"),
                table.c.document_id != bindparam("document_id"),
            )
            .limit(MAX_BAND_DOCUMENTS)
            .subquery()
        )
        parts.append(select(part.c.document_id))
    return union_all(*parts)


def _best_match(connection: Connection, document_id: str, found: Sketch) -> Duplicate | None:
    size = found.shingles
    if size == 0:
        return None
    values = np.frombuffer(found.signature, dtype="<u8")
    shared: Counter[str] = Counter()
    bands = found.bands
    parameters = {f"h{number}": band for number, band in enumerate(bands)}
    shared.update(
        connection.scalars(_band_lookup(len(bands)), parameters | {"document_id": document_id})
    )
    ranked = sorted(shared, key=lambda d: (-shared[d], d))[:MAX_CANDIDATES]
    if not ranked:
        return None
    minhash = document_minhash
    candidates = select(minhash.c.document_id, minhash.c.shingles, minhash.c.signature).where(
        minhash.c.document_id.in_(ranked)
    )
    best: Duplicate | None = None
    for other_id, other_size, blob in connection.execute(candidates):
        similarity = jaccard(values, np.frombuffer(blob, dtype="<u8"))
        if not is_duplicate(similarity, size, other_size):
            continue
        if best is None or similarity > best.jaccard:
            share = containment(similarity, size, other_size)
            best = Duplicate(document_id, other_id, similarity, share)
    if best is None:
        return None
    # Link to the cluster's first document, so a chain of reposts is counted once.
    root = connection.scalar(
        select(document_duplicates.c.duplicate_of).where(
            document_duplicates.c.document_id == best.duplicate_of
        )
    )
    if root is not None:
        best = Duplicate(document_id, root, best.jaccard, best.containment)
    return best
