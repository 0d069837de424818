"""Statements: who speaks (names, descriptions, pronouns, labels, shares of a group)."""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from sitroom.extract._speaker_names import is_stranded_subject, stranded_subject
from tests.extract._statement_spans import info, statements


@pytest.fixture(scope="module")
def nlp(pipeline) -> Language:
    """The full Sitroom pipeline (the session's, from ``conftest.py``)."""
    return pipeline.nlp


def test_statement_direct_quote_with_pronoun_speaker(nlp: Language) -> None:
    text = (
        "Mayor Alma Reyes visited the flooded district on Monday.\n"
        '"We will rebuild every house," she said.'
    )
    found = statements(nlp, text)
    quote = next(s for s in found if s.text.startswith('"We will'))
    assert info(quote)["kind"] == "direct"
    assert info(quote)["speaker"] == "Alma Reyes"
    assert info(quote)["speaker_type"] == "person"


def test_statement_it_said_resolves_to_organisation_description(nlp: Language) -> None:
    text = (
        "The health ministry ordered hospitals to stay open.\n"
        '"All staff must report for duty tonight," it said.'
    )
    quote = next(s for s in statements(nlp, text) if s.text.startswith('"All'))
    assert info(quote)["speaker"] == "the health ministry"
    assert info(quote)["speaker_type"] == "organization"


def test_statement_floating_quote_continues_previous_speaker(nlp: Language) -> None:
    text = (
        '"The bridge is closed until further notice," Omar Haddad said.\n'
        '"Nobody should try to cross it on foot tonight."'
    )
    found = statements(nlp, text)
    floating = next(s for s in found if s.text.startswith('"Nobody'))
    assert info(floating)["speaker"] == "Omar Haddad"
    assert info(floating)["cue"] is None


def test_statement_surname_and_title_resolve_to_full_name(nlp: Language) -> None:
    text = (
        "Mayor Lena Okafor opened the new shelter on Tuesday.\n"
        "Okafor said the city would add 200 beds before winter.\n"
        "The mayor said funding was already in place."
    )
    found = statements(nlp, text)
    assert [info(s)["speaker"] for s in found] == ["Lena Okafor", "Lena Okafor"]


def test_statement_national_descriptions_share_a_speaker(nlp: Language) -> None:
    text = (
        "Chile's army said the pass was closed.\n"
        "The Chilean army said later that convoys had turned back."
    )
    found = statements(nlp, text)
    assert len(found) == 2
    assert info(found[0])["speaker"] == info(found[1])["speaker"] == "Chile's army"


def test_statement_description_keeps_its_post_modifiers(nlp: Language) -> None:
    text = "Sources familiar with the talks said a ceasefire could be signed this week."
    found = statements(nlp, text)
    assert [info(s)["speaker"] for s in found] == ["Sources familiar with the talks"]


def test_statement_description_beside_a_name_is_that_name(nlp: Language) -> None:
    text = "The team's captain, Maria Lopez, said the final had been the hardest game of her life."
    found = statements(nlp, text)
    assert [info(s)["speaker"] for s in found] == ["Maria Lopez"]


def test_statement_document_speaks_for_its_author(nlp: Language) -> None:
    text = (
        "The Ministry of Health published an annual review on Monday.\n"
        "The report said hospitals had treated more patients than ever."
    )
    found = statements(nlp, text)
    assert [info(s)["speaker"] for s in found] == ["Ministry of Health"]


def test_statement_pronoun_skips_person_of_other_gender(nlp: Language) -> None:
    text = (
        "Sarah Klein met the harbour master on Friday.\n"
        "Daniel Ortiz left the meeting early.\n"
        "She said the port would reopen next month."
    )
    found = statements(nlp, text)
    assert [info(s)["speaker"] for s in found] == ["Sarah Klein"]


def test_statement_dash_signature_names_the_speaker(nlp: Language) -> None:
    text = (
        "Readers wrote to us after the debate.\n"
        '"The schools in my town need more teachers." ― Carlos Mendez\n'
        '"I have never felt so hopeful about the election." ― Nora Lindqvist'
    )
    found = statements(nlp, text)
    assert [info(s)["speaker"] for s in found] == ["Carlos Mendez", "Nora Lindqvist"]
    assert all(info(s)["kind"] == "direct" for s in found)


def test_statement_speaker_label_opens_a_paragraph(nlp: Language) -> None:
    text = (
        "Senator Ruth Adeyemi spoke to reporters on Monday.\n"
        "Adeyemi: The budget will pass before the end of the month.\n"
        "READ MORE: Budget talks stall again"
    )
    found = statements(nlp, text)
    assert [info(s)["speaker"] for s in found] == ["Ruth Adeyemi"]
    assert found[0].text == "The budget will pass before the end of the month"
    assert info(found[0])["cue"] == ":"


def test_statement_pronoun_skips_subject_of_relative_clause(nlp: Language) -> None:
    text = (
        "Tomas Varga founded the co-op with his brother, Emil, who ran it for a decade.\n"
        "He said the co-op had kept the town alive through the winter."
    )
    assert [info(s)["speaker"] for s in statements(nlp, text)] == ["Tomas Varga"]


def test_statement_age_description_is_the_person_in_focus(nlp: Language) -> None:
    text = (
        "Rita Okafor signed for the club on Tuesday.\n"
        "The 27-year-old said the move was the best decision of her career."
    )
    found = statements(nlp, text)
    assert [info(s)["speaker"] for s in found] == ["Rita Okafor"]
    assert info(found[0])["speaker_type"] == "person"


def test_statement_anonymous_role_is_not_the_person_in_focus(nlp: Language) -> None:
    text = (
        "Rita Okafor signed for the club on Tuesday.\n"
        "The official said the contract runs for three seasons."
    )
    assert [info(s)["speaker"] for s in statements(nlp, text)] == ["the official"]


def test_statement_the_city_is_the_city_named_before(nlp: Language) -> None:
    text = (
        "Heavy rain flooded the streets of Lisbon on Monday.\n"
        "The city said schools would stay closed on Tuesday."
    )
    found = statements(nlp, text)
    assert [(info(s)["speaker"], info(s)["speaker_type"]) for s in found] == [("Lisbon", "country")]


def test_statement_quotation_before_a_plain_clause_is_its_subjects(nlp: Language) -> None:
    text = (
        "Nora Lindqvist performed in Oslo on Friday.\n"
        '"Keep your hands where I can see them," Lindqvist sings to the crowd before leaving.'
    )
    found = statements(nlp, text)
    assert [info(s)["speaker"] for s in found] == ["Nora Lindqvist"]
    assert info(found[0])["cue"] == "sings"


def test_statement_named_outlet_reports(nlp: Language) -> None:
    text = "The Harbor Post reports that the mayor skipped the budget meeting."
    (found,) = statements(nlp, text)
    assert found.text.startswith("that the mayor") and info(found)["speaker"] == "Harbor Post"


def test_statement_participle_after_by_borrows_the_subject(nlp: Language) -> None:
    text = "Ana Ruiz opened the session by telling lawmakers that the budget was balanced."
    (found,) = statements(nlp, text)
    assert found.text.startswith("that the budget") and info(found)["speaker"] == "Ana Ruiz"


def test_statement_participle_on_the_complement_borrows_the_cue_subject(nlp: Language) -> None:
    text = (
        "Councillor Mira Osei argued that the levy hurt small shops, noting the chamber of "
        "commerce often lobbies members by e-mail."
    )
    by_text = {s.text: info(s) for s in statements(nlp, text)}
    noted = next(v for k, v in by_text.items() if k.startswith("the chamber of commerce"))
    assert noted["speaker"] == "Mira Osei" and noted["cue"] == "noting"


@pytest.mark.parametrize(
    "text,speaker,content",
    [
        ("A majority of the residents believe the bridge is unsafe.",
         "A majority of the residents", "the bridge is unsafe"),
        ("Twelve percent said they were undecided.", "Twelve percent", "they were undecided"),
        ("Some argue that the levy is unfair.", "Some", "that the levy is unfair"),
    ],
)  # fmt: skip
def test_statement_share_of_a_group_speaks_as_the_group(
    nlp: Language, text: str, speaker: str, content: str
) -> None:
    found = statements(nlp, text)
    assert [(info(s)["speaker"], s.text) for s in found] == [(speaker, content)]


def test_statement_share_of_a_thing_does_not_speak(nlp: Language) -> None:
    assert statements(nlp, "A third of the budget supports the schools.") == []


def test_statement_transcript_labels_name_their_voices(nlp: Language) -> None:
    text = (
        "Host Dana Whitlock interviewed Governor Sam Okoro on Sunday.\n"
        '"WHITLOCK: Will the bridge reopen this year?\n'
        '"OKORO: We expect the bridge to reopen in June, and the tolls will stay.\n'
    )
    found = statements(nlp, text)
    assert [(info(s)["speaker"], s.text[:8]) for s in found] == [
        ("Dana Whitlock", "Will the"),
        ("Sam Okoro", "We expec"),
    ]
    assert [text[info(s)["source_start"] : info(s)["source_end"]] for s in found] == [
        "WHITLOCK",
        "OKORO",
    ]


def test_statement_section_heads_in_capitals_are_not_voices(nlp: Language) -> None:
    text = (
        "Markets fell on Monday.\n"
        "ASIA: Tokyo stocks slipped 0.6 per cent as traders sold.\n"
        "ENERGY: Crude oil fell 42 cents as demand weakened.\n"
    )
    assert statements(nlp, text) == []


def test_statement_subject_inside_a_quotation_is_not_the_speaker(nlp: Language) -> None:
    text = "“The plan is dead. Totally dead,” said Ines Duarte, a councillor in the port town."
    found = statements(nlp, text)
    assert [info(s)["speaker"] for s in found] == ["Ines Duarte"]


def test_statement_pronoun_after_a_quote_is_the_person_just_introduced(nlp: Language) -> None:
    text = (
        "Dr. Grace Lin runs the clinic and says demand has doubled.\n"
        'The program also helped retired nurse Alma Ruiz, 61. "I sleep better now," she says.'
    )
    found = statements(nlp, text)
    quote = next(s for s in found if s.text.startswith('"I sleep'))
    assert info(quote)["speaker"] == "Alma Ruiz"


def test_statement_person_introduced_in_another_paragraph_is_not_the_pronoun(
    nlp: Language,
) -> None:
    text = (
        "Dr. Grace Lin says demand has doubled.\n"
        "The program also helped retired nurse Alma Ruiz.\n"
        '"We will open a second clinic," she said.'
    )
    found = statements(nlp, text)
    quote = next(s for s in found if s.text.startswith('"We will'))
    assert info(quote)["speaker"] == "Grace Lin"


@pytest.mark.parametrize(
    "text,source,speaker",
    [
        ("Jo Roe, the mayor, said the bridge would reopen.", "Jo Roe, the mayor", "Jo Roe"),
        ("The clinic has a new director, who said the wards were full.", "who", None),
        ("Mayor Alma Reyes toured the harbour on Monday.\n\"We are ready,\" she said.", "she",
         "Alma Reyes"),
    ],
)  # fmt: skip
def test_statement_source_is_the_phrase_as_written(
    nlp: Language, text: str, source: str, speaker: str | None
) -> None:
    """The speaker resolves to a name; the source stays the words of this sentence."""
    (found,) = statements(nlp, text)
    assert text[info(found)["source_start"] : info(found)["source_end"]] == source
    if speaker is not None:
        assert info(found)["speaker"] == speaker


def test_stranded_subject_is_a_name_cut_off_before_its_verb() -> None:
    """ "Roe" | "said he would run": the parser made the name a sentence of its own."""
    vocab = Vocab()
    words = ["Roe", "said", "he", "would", "run", "."]
    doc = Doc(
        vocab,
        words=words,
        pos=["PROPN", "VERB", "PRON", "AUX", "VERB", "PUNCT"],
        heads=[0, 1, 4, 4, 1, 1],
        deps=["ROOT", "ROOT", "nsubj", "aux", "ccomp", "punct"],
    )
    found = stranded_subject(doc[1])
    assert found is not None and found.text == "Roe"
    assert is_stranded_subject(doc[0])
    assert stranded_subject(doc[4]) is None  # "run" has its own subject, "he"


def test_statement_the_agency_is_the_organisation_named_before(nlp: Language) -> None:
    """ "agency" is a generic organisation noun, like "the company": any organisation may be
    one, so "the agency" is the organisation last named as a subject."""
    text = (
        "The Federal Aviation Administration grounded the fleet on Monday.\n"
        '"We will not allow these planes to fly until they are safe," the agency said.'
    )
    found = statements(nlp, text)
    assert [info(s)["speaker"] for s in found] == ["Federal Aviation Administration"]


def test_statement_bare_role_joins_only_a_speaker_described_alike(nlp: Language) -> None:
    other = "A reporter asked about the fire. The mayor said the ferry would sail at noon."
    assert [info(s)["speaker"] for s in statements(nlp, other)] == ["the mayor"]
    same = "An official at the harbour spoke first. The official said the ferry would sail."
    assert [info(s)["speaker"] for s in statements(nlp, same)] == ["An official at the harbour"]


@pytest.mark.parametrize(
    "text,speaker",
    [
        ("A doctor, who asked not to be named because he was not authorised to speak, said the"
         " clinic had received 14 wounded soldiers. Governor Ilse Brandt visited the clinic.",
         "A doctor"),
        ("A diplomat close to the mediation said the delegations had not met. The head of the"
         " rebel delegation, Tomas Verhoef, told reporters his side was ready to sign.",
         "A diplomat close to the mediation"),
        ("A local coach says the pitch is flooded. Jo Roe, 41, has trained children there.",
         "Jo Roe"),
    ],
)  # fmt: skip
def test_statement_description_is_not_the_next_name_when_anonymous_or_another_role(
    nlp: Language, text: str, speaker: str
) -> None:
    assert info(statements(nlp, text)[0])["speaker"] == speaker
