"""Near-duplicate documents: shingles, the MinHash rule, LSH bands in the store, clusters."""

from __future__ import annotations

import random

import numpy as np
import pytest
from sqlalchemy import func, select

from sitroom.merge import duplicates_of, merge_stored
from sitroom.merge._minhash import (
    BANDS,
    MIN_SHINGLES,
    NUM_PERM,
    SEED,
    containment,
    is_duplicate,
    jaccard,
    shingles,
    signature,
)
from sitroom.merge._tables import document_lsh_bands
from sitroom.model import Document, DocumentResult
from sitroom.store import Store

ARTICLE = " ".join(
    f"Paragraph {n}: the relief agency counted {n * 7} families sheltering in the stadium of"
    f" district {n}, where water trucks arrive every {n + 1} days and clinics stay open late."
    for n in range(1, 15)
)
OTHER = " ".join(
    f"Section {n}: farmers in valley {n} expect a poor harvest after {n + 2} weeks without rain,"
    f" and {n * 3} wells have dried up since the spring, the ministry reported on Tuesday."
    for n in range(1, 15)
)


def store_text(store: Store, text: str) -> str:
    document = Document(text=text, published="2024-03-01")
    store.add(document, DocumentResult(document=document.info()))
    return merge_stored(store, document.id).duplicate_of or document.id


def test_minhash_shingles_are_word_trigrams() -> None:
    assert shingles("The Army, the army!") == {b"the army the", b"army the army"}
    assert shingles("Two words") == {b"two words"} and shingles("") == set()


def test_minhash_estimate_is_close_to_jaccard() -> None:
    a, b = shingles(ARTICLE), shingles(ARTICLE[: len(ARTICLE) // 2])
    true = len(a & b) / len(a | b)
    assert abs(jaccard(signature(a), signature(b)) - true) < 0.12


def test_minhash_rule_containment_and_short_texts() -> None:
    assert is_duplicate(0.6, 100, 100)
    # Half an article inside the whole: Jaccard 0.5 of sizes 200/100 is full containment.
    assert containment(1 / 2, 200, 100) == 1.0 and is_duplicate(0.45, 200, 100)
    assert not is_duplicate(0.2, 1000, 120)  # a snippet: too small a part
    assert not is_duplicate(0.4, MIN_SHINGLES - 1, MIN_SHINGLES + 5)


def test_minhash_repost_is_linked_and_other_text_is_not(store: Store) -> None:
    # both backends: the band look-up is one compound statement
    first = store_text(store, ARTICLE)
    repost = store_text(store, f"NEWS AGENCY | World\n\n{ARTICLE}\n\nSubscribe to our newsletter.")
    assert repost == first
    assert store_text(store, OTHER) != first


def test_minhash_chain_of_copies_links_to_the_first(store: Store) -> None:
    # both backends: the band look-up is one compound statement
    first = store_text(store, ARTICLE)
    cut = ARTICLE[: int(len(ARTICLE) * 0.7)]
    assert store_text(store, cut) == first
    assert store_text(store, cut + " Editor's note: figures updated.") == first
    with store.engine.connect() as connection:
        cluster = duplicates_of(connection, first)
        assert len(cluster) == 2 and {row["duplicate_of"] for row in cluster} == {first}
        # Bands are rows of an indexed table: one per band and document.
        assert connection.scalar(select(func.count()).select_from(document_lsh_bands)) <= 3 * BANDS
        some = cluster[0]["document_id"]
        assert duplicates_of(connection, some)[0] == {
            "document_id": first,
            "duplicate_of": None,
            "jaccard": cluster[0]["jaccard"],
            "containment": cluster[0]["containment"],
        }


@pytest.mark.filterwarnings("ignore")
def test_minhash_signature_equals_datasketch() -> None:
    # Stored signatures must stay comparable with those datasketch 2 made (and makes).
    from datasketch import MinHash

    rng = random.Random(7)
    words = [f"w{n}" for n in range(40)] + ["shelling", "convoy", "the", "of"]
    for size in (0, 1, 2, 3, 50, 400):
        items = shingles(" ".join(rng.choice(words) for _ in range(size)))
        reference = MinHash(num_perm=NUM_PERM, seed=SEED)
        reference.update_batch(sorted(items))
        expected = np.asarray(reference.hashvalues, dtype=np.uint64)
        assert np.array_equal(signature(items), expected), size
