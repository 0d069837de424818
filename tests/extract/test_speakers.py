"""Tests for speaker resolution (``_speakers.py``, ``_speaker_focus.py``) through statements."""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc, Span

from sitroom.extract._extensions import STATEMENTS_KEY


@pytest.fixture(scope="module")
def nlp(pipeline) -> Language:
    """The full Sitroom pipeline (the session's, from ``conftest.py``)."""
    return pipeline.nlp


_KEEP: list[Doc] = []  # spans stay valid only while their doc lives


def speaker_of(nlp: Language, text: str, content_start: str) -> str | None:
    """The speaker of the statement whose content opens with ``content_start``."""
    doc = nlp(text)
    _KEEP.append(doc)
    spans: list[Span] = list(doc.spans[STATEMENTS_KEY])
    found = [s for s in spans if s.text.startswith(content_start)]
    assert found, [s.text for s in spans]
    return found[0]._.sitroom_statement["speaker"]


def test_speaker_named_in_apposition_to_a_party_noun(nlp: Language) -> None:
    text = "One Democrat, Senator Marta Quill, said the bill was dead on arrival."
    assert speaker_of(nlp, text, "the bill") == "Marta Quill"


def test_speaker_named_by_a_naming_participle(nlp: Language) -> None:
    text = "A fire official named Osvaldo Brenner told reporters the blaze was under control."
    assert speaker_of(nlp, text, "the blaze") == "Osvaldo Brenner"


def test_speaker_nickname_in_quotes_left_out(nlp: Language) -> None:
    text = "Singer John “Johnny” Walsh told fans the tour would go on."
    assert speaker_of(nlp, text, "the tour") == "John Walsh"


def test_speaker_indefinite_description_is_the_person_named_next(nlp: Language) -> None:
    text = (
        "A local rowing coach says he is stunned by the support his club has received.\n\n"
        "Harlan Oduya said the donations would pay for two new boats."
    )
    assert speaker_of(nlp, text, "he is stunned") == "Harlan Oduya"


def test_speaker_indefinite_description_stays_when_nobody_is_named(nlp: Language) -> None:
    text = (
        "A local rowing coach says he is stunned by the support his club has received.\n\n"
        "The club will buy two new boats this spring."
    )
    assert speaker_of(nlp, text, "he is stunned") == "A local rowing coach"


def test_speaker_pronoun_prefers_named_person_to_a_possessive_description(
    nlp: Language,
) -> None:
    text = (
        "Greta Vilhelmsen felt tired for months last year.\n\n"
        "Her doctor gave her a different diagnosis.\n\n"
        '"They told me my kidneys were failing," she said.'
    )
    assert speaker_of(nlp, text, '"They told me') == "Greta Vilhelmsen"


def test_speaker_photo_caption_people_are_not_antecedents(nlp: Language) -> None:
    text = (
        "Historian Sarah Collins writes about the porters' long campaign.\n\n"
        "Martha Tull, a retired porter, looks at old photos. (Dana Pike/The Daily Star)\n\n"
        '"They were brave enough to go to the capital," she says.'
    )
    assert speaker_of(nlp, text, '"They were brave') == "Sarah Collins"


def test_speaker_document_speaks_for_its_sender_not_its_recipient(nlp: Language) -> None:
    text = (
        "A statement emailed to the Herald Tribune by Ingrid Solberg said "
        '"the board will respect the ruling of the court."'
    )
    assert speaker_of(nlp, text, '"the board') == "Ingrid Solberg"


def test_speaker_party_description_is_the_person_in_focus(nlp: Language) -> None:
    text = (
        "Senator Walt Brennan spoke to reporters on Tuesday.\n\n"
        '"These students were treated unfairly by the press," the Ohio Republican said.'
    )
    assert speaker_of(nlp, text, '"These students') == "Walt Brennan"


def test_speaker_narration_before_a_colon_quote_stays_in_focus(nlp: Language) -> None:
    # the parser hangs "is more blunt" on the verb inside the quotation; the narration's
    # subject is still the person in focus for the next "he says"
    text = (
        "Dr. Paul Abara, the province's chief medical officer, says the pills have long been "
        "overused. The pills have few uses, he says.\n\n"
        "Marchetti, the family doctor in the northern valley, is more blunt: "
        '"With this new tracking, I think they are going to find things that are frightening '
        'and ignored because the crisis takes the headlines."\n\n'
        "He says the clinics are full every winter."
    )
    assert speaker_of(nlp, text, "the clinics") == "Marchetti"


@pytest.mark.parametrize("group", ["The rebels", "The alliance", "The militia", "Separatists"])
def test_speaker_armed_group_described_by_its_kind_can_claim(nlp: Language, group: str) -> None:
    # "claimed" needs a speaker of a known kind: armed groups are organisations.
    text = f"{group} claimed that their fighters had ambushed a convoy near the border."
    speaker = speaker_of(nlp, text, "that their fighters")
    assert speaker is not None and speaker.casefold() == group.casefold()


def test_speaker_kind_of_organisation_is_not_the_last_named_one(nlp: Language) -> None:
    # "the army" is no generic organisation noun: it does not take the agency named before.
    text = (
        "The Northern Relief Council said 4,000 people had fled the town. "
        "The army said its drones had destroyed six fuel tankers near the river."
    )
    assert speaker_of(nlp, text, "its drones") == "the army"


def test_speaker_generic_organisation_noun_is_the_last_named_one(nlp: Language) -> None:
    text = (
        "Veltro Shipping Ltd said its tankers would stay in port. "
        "The company said the insurers had cancelled its cover."
    )
    assert speaker_of(nlp, text, "the insurers") == "Veltro Shipping Ltd"
