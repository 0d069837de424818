"""Merging statements: same speaker, near-identical text, across documents and days."""

from __future__ import annotations

import pytest

from sitroom.merge import merge_stored, merged_statements
from sitroom.merge._statements import speaker_key, texts_match
from sitroom.model import Document, DocumentResult, Mention, Statement
from sitroom.store import Store


def add(store: Store, quotes: list[tuple[str | None, str]], *, published: str, source: str) -> str:
    # Each outlet writes its own story around the quote, so no two documents are near-duplicates.
    story = " ".join(f"{source}{i} {published}{i}" for i in range(30))
    body = (
        story
        + " "
        + " ".join(f'{speaker or "Someone"} said "{quote}".' for speaker, quote in quotes)
    )
    document = Document(text=body, published=published, source=source)
    statements = []
    for i, (speaker, quote) in enumerate(quotes):
        start = body.index(quote)
        statements.append(
            Statement(
                id=f"s{i}",
                kind="direct",
                text=quote,
                speaker=speaker,
                start=start,
                end=start + len(quote),
                mentions=[Mention(start=start, end=start + len(quote), text=quote)],
            )
        )
    store.add(document, DocumentResult(document=document.info(), statements=statements))
    merge_stored(store, document.id)
    return document.id


QUOTE = "We will not leave the city while the hospital is still full of wounded people"


def test_statement_same_quote_two_outlets_is_one() -> None:
    store = Store.memory()
    add(store, [("Mayor Ana Ruiz", QUOTE)], published="2024-02-01T10:00", source="A")
    add(store, [("Ruiz", QUOTE.replace("wounded", "injured"))], published="2024-02-03", source="B")
    add(store, [("Paolo Ruiz", QUOTE)], published="2024-02-03", source="C")  # another Ruiz
    with store.engine.connect() as connection:
        said = merged_statements(connection)
    assert [s.reported.reports for s in said] == [2, 1]
    first = said[0]
    assert (first.speaker, first.reported.sources) == ("Mayor Ana Ruiz", ("A", "B"))
    assert (first.first_published, first.last_published) == ("2024-02-01T10:00", "2024-02-03")


def test_statement_different_text_or_late_repeat_is_another() -> None:
    store = Store.memory()
    add(store, [("Ana Ruiz", QUOTE)], published="2024-02-01", source="A")
    add(
        store,
        [("Ana Ruiz", "The water supply will be restored by Friday")],
        published="2024-02-01",
        source="B",
    )
    add(store, [("Ana Ruiz", QUOTE)], published="2024-04-01", source="C")  # weeks later
    with store.engine.connect() as connection:
        assert len(merged_statements(connection)) == 3


@pytest.mark.parametrize(
    ("speaker", "key"),
    [
        ("Mayor Ana Ruiz", "ruiz"),
        ("the defence ministry", "ministry"),
        (None, ""),
        ("Ukraine's", "ukraine"),
    ],
)
def test_statement_speaker_key(speaker: str | None, key: str) -> None:
    assert speaker_key(speaker) == key


def test_statement_texts_match() -> None:
    assert texts_match(QUOTE, f"“{QUOTE}.”")
    assert texts_match(QUOTE, QUOTE[: int(len(QUOTE) * 0.7)])  # cut short by one outlet
    assert not texts_match(QUOTE, QUOTE[:20])
    assert not texts_match(QUOTE, QUOTE.replace("wounded", "injured"), strict=True)
