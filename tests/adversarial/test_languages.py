"""Russian and Ukrainian documents mixed into an English batch.

Expected outcome: every document is stored; the Russian and Ukrainian ones are flagged with
their language and carry no extractions (the English pipeline would invent them), the English
ones are analysed as usual, and the batch order and counts are intact.
"""

from __future__ import annotations

import json

from sitroom.batch import Status, run_batch
from sitroom.store import Store
from tests.adversarial._limits import bounded

# Written for this test: short wire-style paragraphs, none copied from any article.
ENGLISH = (
    "The regional governor said on Monday that at least 12 people were killed when shells hit "
    "the market in Velmora. Rescue teams worked through the night.",
    "Talks on a prisoner exchange resumed on Tuesday, officials said, with both delegations "
    "reporting progress on a list of names.",
    "About 300 residents were evacuated from Ostrel after the dam was damaged, the mayor told "
    "reporters on Wednesday.",
)
RUSSIAN = (
    "По словам губернатора, утром в город вошли войска, и жители не могли покинуть свои дома. "
    "Он сказал, что это было на рассвете, и что по меньшей мере 12 человек погибли."
)
UKRAINIAN = (
    "За словами голови адміністрації, вранці у місто увійшли війська, і мешканці не могли "
    "залишити свої домівки. Він сказав, що це було на світанку і що загинули 12 людей."
)


def test_russian_and_ukrainian_in_an_english_batch_are_flagged_not_analysed(
    pipeline, tmp_path
) -> None:
    texts = [ENGLISH[0], RUSSIAN, ENGLISH[1], UKRAINIAN, ENGLISH[2]]
    batch = tmp_path / "mixed.jsonl"
    batch.write_text(
        "\n".join(json.dumps({"text": t, "title": f"Item {i}"}) for i, t in enumerate(texts)),
        encoding="utf-8",
    )
    store = Store.memory()
    with bounded(seconds=60, megabytes=300, trace=False):
        summary = run_batch([batch], pipeline, store=store)
    assert summary.counts[Status.stored] == 3 and summary.counts[Status.flagged] == 2
    assert summary.counts[Status.failed] == 0
    flagged = {o.origin: o.message for o in summary.problems}
    assert set(flagged) == {f"{batch}:2", f"{batch}:4"}
    assert "'ru'" in flagged[f"{batch}:2"] and "'uk'" in flagged[f"{batch}:4"]

    rows = {row["title"]: row for row in store.documents()}
    assert {rows[f"Item {i}"]["language"] for i in (1, 3)} == {"ru", "uk"}
    for i in (1, 3):
        result = store.result(rows[f"Item {i}"]["id"])
        assert result.statements == result.events == result.figures == []
    english = store.result(rows["Item 0"]["id"])
    assert any(f.metric == "killed" and f.value == 12 for f in english.figures)


def test_short_russian_text_is_still_kept_away_from_the_english_pipeline(pipeline) -> None:
    # Few function words: the detector may not name the language ("und"), but it must not
    # call it English either, so the document is flagged rather than mis-analysed.
    from sitroom.batch import analyse_and_store
    from sitroom.ingest import document_from_text

    document = document_from_text("Российские войска вошли в город утром, сообщил губернатор.")
    assert document.language != "en"
    outcome = analyse_and_store(document, pipeline, Store.memory())
    assert outcome.status is Status.flagged
