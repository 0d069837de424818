"""Tests for ``sitroom.extract.statements``: cues, quotes, speakers, stance, channel, seed."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc, Span

from sitroom.extract._extensions import STATEMENTS_KEY
from sitroom.extract._quotes import find_quotes
from sitroom.extract._statement_nouns import load_noun_cues
from sitroom.extract._statement_words import MODES, load_statement_words
from sitroom.extract.statements import statement_at
from sitroom.pipeline import Pipeline, load_nlp
from tests.conftest import require_path

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed" / "000_e1e83100be014342.txt"
LEXICONS = [
    "reporting_verbs.tsv",
    "speaker_descriptions.tsv",
    "channels.tsv",
    "outlets.txt",
    "speaker_documents.txt",
    "first_names.tsv",
    "teaser_labels.txt",
    "speaker_places.tsv",
    "noun_cues.tsv",
    "light_verbs.txt",
]
STANCES = {"assert", "claim", "accuse", "deny", "confirm", "urge", "warn", "praise"}
STANCES |= {"announce", "perceive"}


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The full Sitroom pipeline (segmenter, entities, ..., statements), loaded once."""
    return load_nlp()


_KEEP: list[Doc] = []  # spans stay valid only while their doc lives


def statements(nlp: Language, text: str) -> list[Span]:
    doc = nlp(text)
    _KEEP.append(doc)
    return list(doc.spans[STATEMENTS_KEY])


def info(span: Span) -> dict:
    return span._.sitroom_statement


# --- lexicons ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", LEXICONS)
def test_lexicon_rows_parse_sorted_unique(name: str) -> None:
    lines = files("sitroom.data").joinpath(name).read_text(encoding="utf-8").splitlines()
    header, rows = lines[0].split("\t"), lines[1:]
    assert rows == sorted(rows)
    assert len(rows) == len(set(rows))
    assert all(len(row.split("\t")) == len(header) for row in rows)


def test_lexicon_stances_are_the_closed_vocabulary() -> None:
    words = load_statement_words()
    assert set(words.verbs.values()) <= STANCES
    assert words.stance("call", ["on"]) == "urge"
    assert words.stance("call", []) == "assert"


def test_lexicon_noun_cues_use_the_closed_vocabularies() -> None:
    cues = load_noun_cues()
    assert {stance for stance, _ in cues.nouns.values()} <= STANCES
    assert {mode for _, mode in cues.nouns.values()} <= MODES
    assert "make" in cues.light_verbs


def test_lexicon_modes_are_speech_thought_or_perception() -> None:
    words = load_statement_words()
    assert set(words.modes.values()) == MODES
    assert set(words.modes) == set(words.verbs)
    assert words.mode("say", []) == "speech"
    assert words.mode("believe", []) == "thought"
    assert words.mode("see", []) == "perception"
    assert words.mode("unknown-verb", []) == "speech"


# --- quotes ------------------------------------------------------------------------------------


def test_quotes_straight_curly_and_single() -> None:
    text = "He said \"one two\" and “three four” and 'five six' but don't stop."
    found = [text[q.start : q.end] for q in find_quotes(text)]
    assert found == ['"one two"', "“three four”", "'five six'"]


def test_quotes_unbalanced_mark_stops_at_paragraph_end() -> None:
    text = 'She said "this never closes.\nNext paragraph "is quoted" here.'
    paragraphs = [(0, 28), (29, len(text))]
    found = [text[q.start : q.end] for q in find_quotes(text, paragraphs)]
    assert found == ['"this never closes.', '"is quoted"']


def test_quotes_closing_mark_without_opening_runs_from_paragraph_start() -> None:
    text = '"The first part is here.\nand the rest follows," said Roe. Then "a new one" came.'
    paragraphs = [(0, 24), (25, len(text))]
    found = [text[q.start : q.end] for q in find_quotes(text, paragraphs)]
    assert found == ['"The first part is here.', 'and the rest follows,"', '"a new one"']


def test_quotes_possessive_apostrophe_is_not_a_quote() -> None:
    assert find_quotes("The soldiers' lines held, the ministers' talks went on.") == []


# --- statements --------------------------------------------------------------------------------


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


def test_statement_document_with_non_speech_verb_is_not_a_statement(nlp: Language) -> None:
    text = "The data suggest prices will keep rising through the winter."
    assert statements(nlp, text) == []


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


def test_statement_at_finds_enclosing_statement(nlp: Language) -> None:
    text = "The army said rebels had shelled the airport at dawn."
    doc: Doc = nlp(text)
    start = text.index("shelled")
    span = statement_at(doc, start, start + len("shelled"))
    assert span is not None and "rebels had shelled" in span.text
    assert statement_at(doc, 0, 3) is None


# --- the seed article --------------------------------------------------------------------------

# Line of the seed -> (start of a substantial quote on that line, its true speaker).
SEED_QUOTES = [
    (3, '"take power', "Vladimir Putin"),
    (4, '"It seems', "Vladimir Putin"),
    (6, '"acting like', "Vladimir Putin"),
    (7, '"It is known', "Vladimir Putin"),
    (8, '"We consider', "Dmitry Peskov"),
    (11, '"They are successfully', "Vladimir Putin"),
    (13, '"After a brief', "Dmitry Peskov"),
    (13, '"And now', "Dmitry Peskov"),
    (16, '"bypass"', "Ukraine's army"),  # first named so; "the Ukrainian army" here
    (19, '"increasingly', "Ukraine's army"),
    (25, '"We urge', "the defence ministry"),
    (46, '"We urge', "the defence ministry"),
    (48, '"the pressure', "Volodymyr Zelensky"),
    (51, '"They are trying', "Volodymyr Veselkin"),
    (55, '"new iron curtain"', "Volodymyr Zelensky"),
    (56, '"Who is ready', "Volodymyr Zelensky"),
    (60, '"a declaration', "Volodymyr Zelensky"),
]


@pytest.fixture(scope="module")
def seed_result(nlp: Language):
    from sitroom.ingest import IngestOptions, document_from_text

    text = require_path(SEED).read_text(encoding="utf-8")
    document = document_from_text(
        text, origin="seed", options=IngestOptions(published="2022-02-25")
    )
    return text, Pipeline(nlp).analyse(document)


@pytest.mark.parametrize(("line", "quote", "speaker"), SEED_QUOTES)
def test_statement_seed_quote_has_true_speaker(seed_result, line, quote, speaker) -> None:
    text, result = seed_result
    lines = text.split("\n")
    offset = sum(len(x) + 1 for x in lines[: line - 1]) + lines[line - 1].index(quote)
    covering = [s for s in result.statements if any(m.start <= offset < m.end for m in s.mentions)]
    assert covering, f"no statement covers the quote on line {line}"
    assert covering[0].speaker == speaker


def test_statement_seed_descriptions_of_one_army_are_one_speaker(seed_result) -> None:
    """ "Ukraine's army", "the Ukrainian army", "Kyiv's army", "The military": one speaker."""
    text, result = seed_result
    lines = text.split("\n")
    speakers = set()
    for line in (15, 16, 17, 23):
        start = sum(len(x) + 1 for x in lines[: line - 1])
        end = start + len(lines[line - 1])
        speakers |= {
            s.speaker for s in result.statements if any(start <= m.start < end for m in s.mentions)
        }
    assert len(speakers) == 1


def test_statement_seed_repeated_quote_is_one_statement(seed_result) -> None:
    _, result = seed_result
    repeated = [s for s in result.statements if s.text.startswith('"We urge citizens')]
    assert len(repeated) == 1
    assert len(repeated[0].mentions) == 2
    assert {m.text for m in repeated[0].mentions} == {repeated[0].text}


# --- content boundaries ------------------------------------------------------------------------


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


def test_statement_named_outlet_reports(nlp: Language) -> None:
    text = "The Harbor Post reports that the mayor skipped the budget meeting."
    (found,) = statements(nlp, text)
    assert found.text.startswith("that the mayor") and info(found)["speaker"] == "Harbor Post"


def test_statement_participle_after_by_borrows_the_subject(nlp: Language) -> None:
    text = "Ana Ruiz opened the session by telling lawmakers that the budget was balanced."
    (found,) = statements(nlp, text)
    assert found.text.startswith("that the budget") and info(found)["speaker"] == "Ana Ruiz"


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


def test_statement_participle_on_the_complement_borrows_the_cue_subject(nlp: Language) -> None:
    text = (
        "Councillor Mira Osei argued that the levy hurt small shops, noting the chamber of "
        "commerce often lobbies members by e-mail."
    )
    by_text = {s.text: info(s) for s in statements(nlp, text)}
    noted = next(v for k, v in by_text.items() if k.startswith("the chamber of commerce"))
    assert noted["speaker"] == "Mira Osei" and noted["cue"] == "noting"


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
