"""Statements: what is reported (content bounds, kinds, modes, cues that report nothing)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from tests.extract._statement_spans import info, statements


@pytest.fixture(scope="module")
def nlp(pipeline) -> Language:
    """The full Sitroom pipeline (the session's, from ``conftest.py``)."""
    return pipeline.nlp


def test_statement_indirect_accuse_and_channel(nlp: Language) -> None:
    text = "The rebel command accused the army of shelling the market, on Telegram."
    found = statements(nlp, text)
    assert len(found) == 1
    assert info(found[0])["kind"] == "indirect"
    assert info(found[0])["stance"] == "accuse"
    assert info(found[0])["channel"] == "on Telegram"
    assert "shelling the market" in found[0].text


def test_statement_mixed_and_deny(nlp: Language) -> None:
    text = 'Minister Ana Silva said the town was "completely safe" and denied any shelling.'
    found = statements(nlp, text)
    kinds = {info(s)["kind"] for s in found}
    assert "mixed" in kinds
    assert all(info(s)["speaker"] == "Ana Silva" for s in found)


def test_statement_according_to(nlp: Language) -> None:
    text = "According to the regional governor, three bridges were destroyed overnight."
    found = statements(nlp, text)
    assert len(found) == 1
    assert found[0].text == "three bridges were destroyed overnight"
    assert info(found[0])["cue"] == "According to"


def test_statement_non_speech_sense_is_not_a_statement(nlp: Language) -> None:
    text = "The storm claimed dozens of lives along the coast."
    assert statements(nlp, text) == []


def test_statement_document_with_non_speech_verb_is_not_a_statement(nlp: Language) -> None:
    text = "The data suggest prices will keep rising through the winter."
    assert statements(nlp, text) == []


def test_statement_content_keeps_a_coordinated_clause(nlp: Language) -> None:
    text = "The minister said the talks had stalled, but a deal was still possible."
    found = statements(nlp, text)
    assert [s.text for s in found] == ["the talks had stalled, but a deal was still possible"]


def test_statement_words_before_a_quotation_join_it(nlp: Language) -> None:
    text = 'The harvest was "the worst in living memory," the farmers union said.'
    found = statements(nlp, text)
    assert [s.text for s in found] == ['The harvest was "the worst in living memory,"']
    assert info(found[0])["kind"] == "mixed"


@pytest.mark.parametrize(
    "text,content,stance",
    [
        ("The governor believes that the dam will hold.", "that the dam will hold", "claim"),
        ("The senator wants to cut the defence budget.", "to cut the defence budget", "urge"),
    ],
)
def test_statement_belief_and_intention_are_thought(
    nlp: Language, text: str, content: str, stance: str
) -> None:
    found = statements(nlp, text)
    assert [s.text for s in found] == [content]
    assert info(found[0])["mode"] == "thought"
    assert info(found[0])["stance"] == stance


@pytest.mark.parametrize(
    "text,speaker,content",
    [
        ("Officials doubted Omar Haddad's claim that the dam was safe.", "Omar Haddad",
         "that the dam was safe"),
        ("The rebels made a promise to free the hostages.", "the rebels", "to free the hostages"),
        ("Fishermen ignored a warning by the coast guard that the storm would worsen.",
         "the coast guard",
         "that the storm would worsen"),
    ],
)  # fmt: skip
def test_statement_noun_cue_with_its_claimant(
    nlp: Language, text: str, speaker: str, content: str
) -> None:
    found = statements(nlp, text)
    assert [(info(s)["speaker"], s.text) for s in found] == [(speaker, content)]


def test_statement_noun_cue_without_claimant_or_in_relative_clause(nlp: Language) -> None:
    assert statements(nlp, "The claim that he made was false.") == []
    assert statements(nlp, "The claim that the dam was safe was false.") == []


def test_statement_in_a_link_to_another_story_is_dropped(nlp: Language) -> None:
    text = (
        "RELATED: Mayor says the bridge will reopen in May\n"
        "The mayor said the bridge would reopen in June."
    )
    found = statements(nlp, text)
    assert [s.text for s in found] == ["the bridge would reopen in June"]


def test_statement_topic_verb_reports_nothing(nlp: Language) -> None:
    assert statements(nlp, "The council discussed the budget on Monday.") == []


def test_statement_participle_cue_opens_its_own_statement(nlp: Language) -> None:
    text = (
        "Senator Ana Ruiz said she didn't believe the ads cost her the race, "
        "arguing that turnout was the bigger problem."
    )
    contents = [s.text for s in statements(nlp, text)]
    assert "she didn't believe the ads cost her the race" in contents
    assert "that turnout was the bigger problem" in contents


def test_statement_inversion_needs_a_comma(nlp: Language) -> None:
    text = "I'd heard friends say, work is easy to find."
    assert not any(s.text.startswith("I'd heard") for s in statements(nlp, text))


def test_statement_according_to_aside_inside_the_claim(nlp: Language) -> None:
    text = "The result, according to a survey by the port authority, is a loss of 350 jobs."
    (found,) = statements(nlp, text)
    assert found.text.startswith("The result") and found.text.endswith("350 jobs")


def test_statement_in_a_photo_caption_is_dropped(nlp: Language) -> None:
    text = (
        "Tomas Varga, a ferry pilot, says the crossing is safer since the new beacons went up. "
        "(Ilse Marek/Coastal Times)\n"
        "Varga said the beacons were installed in March."
    )
    found = statements(nlp, text)
    assert [s.text for s in found] == ["the beacons were installed in March"]


def test_statement_slash_in_parentheses_mid_paragraph_is_not_a_caption(nlp: Language) -> None:
    text = "The mayor (and/or her deputy) will attend, the council said. Jo Roe said it was late."
    assert "it was late" in [s.text for s in statements(nlp, text)]


@pytest.mark.parametrize(
    "text",
    [
        "Former senator Ana Ruiz is appealing her conviction and sentence.",
        "The new hatchback boasts a low price and little else.",
        "Striker Tom Reyes posted his best season in a decade.",
    ],
)
def test_statement_object_of_a_non_speech_sense_is_not_a_statement(
    nlp: Language, text: str
) -> None:
    assert statements(nlp, text) == []


def test_statement_clause_of_a_non_speech_sense_verb_is_still_reported(nlp: Language) -> None:
    text = "Mayor Lena Okafor posted on Facebook that the shelter would open Friday."
    (found,) = statements(nlp, text)
    assert found.text == "that the shelter would open Friday"


@pytest.mark.parametrize(
    "text,content",
    [
        ("Lawmakers asked whether the deal was legal.", None),
        ("The minister explained how the ceasefire would work.", None),
        ("The mayor said if the dam breaks, the town will flood.",
         "if the dam breaks, the town will flood"),
    ],
)  # fmt: skip
def test_statement_indirect_question_is_no_statement(
    nlp: Language, text: str, content: str | None
) -> None:
    """A question word of the reported clause itself asks (no claim, and no stance of the
    contract says "asked"); one opening a clause inside the reported claim ("said if the dam
    breaks, ...") does not."""
    found = statements(nlp, text)
    assert [s.text for s in found] == ([content] if content else [])


@pytest.mark.parametrize(
    "text,content,mode",
    [
        ("The agency noted a sharp rise in cases.", "a sharp rise in cases", "speech"),
        ("The unions want higher wages.", "higher wages", "thought"),
    ],
)
def test_statement_noun_phrase_object_of_a_report_or_wish(
    nlp: Language, text: str, content: str, mode: str
) -> None:
    found = statements(nlp, text)
    assert [(s.text, info(s)["mode"]) for s in found] == [(content, mode)]


def test_statement_short_title_in_quotes_before_the_speaker_is_not_the_content(
    nlp: Language,
) -> None:
    """A programme's name in quotation marks before "Roe said the ..." is not her quote."""
    text = (
        "On this weekend's broadcast of “Harbor Talk,” Governor Sam Okoro said the bridge "
        "would reopen in June."
    )
    found = statements(nlp, text)
    assert [s.text for s in found] == ["the bridge would reopen in June"]


def test_statement_closing_cue_parsed_as_main_verb_reports_the_clause_before(
    nlp: Language,
) -> None:
    """ "..., Roe writes." with the cue read as the main verb (and the clause's noun as a second
    subject): the clause before the comma is what she writes, and she is the nearest subject."""
    text = (
        "The colony preferred settlers who were loyal subjects; specifically, those that were "
        "farmers, Okafor writes."
    )
    found = statements(nlp, text)
    assert [(s.text[:12], info(s)["speaker"]) for s in found] == [("The colony p", "Okafor")]


@pytest.mark.parametrize(
    "text",
    [
        "Speaking to students in the capital this week, the vice president responded.",
        "After the long vote in the chamber, the minister spoke.",
    ],
)
def test_statement_scene_setting_clause_before_a_cue_is_not_reported(
    nlp: Language, text: str
) -> None:
    assert statements(nlp, text) == []


def test_statement_particle_of_the_cue_carries_the_content(nlp: Language) -> None:
    text = "The union has called for a pay rise of five percent."
    assert [s.text.removeprefix("for ") for s in statements(nlp, text)] == [
        "a pay rise of five percent"
    ]
