"""Tests for ``sitroom.segment``: paragraphs, headings, update markers, duplicates, component."""

from __future__ import annotations

import time
from importlib.resources import files

import pytest
import spacy
from spacy.tokens import Doc

from sitroom.extract._extensions import SEGMENTS_KEY, register_extensions
from sitroom.model import Segment, SegmentKind
from sitroom.pipeline import DEFAULT_MODEL
from sitroom.segment import (
    MAX_HEADING_WORDS,
    Segmenter,
    link_duplicates,
    load_segment_markers,
    looks_like_heading,
    segment_of,
    segment_text,
)

# An invented live report: dateline, two update markers, a heading, one exact and one near
# repeat of earlier paragraphs, and paragraphs that share only the topic.
LIVE_REPORT = "\n".join(
    [
        "VELMORA/OSTRAVIN: The Karsk defence ministry said on Sunday its air defences "
        "had shot down twelve drones over the port of Ostravin overnight.",
        "Officials said debris damaged a grain terminal and two warehouses, but nobody was hurt.",
        '"We will not be intimidated by these attacks on our harbour," the mayor told a '
        "local radio station.",
        "",
        "Earlier updates",
        "Heavy shelling hit the eastern suburbs of Velmora late on Saturday, local officials said.",
        "The regional governor urged residents to stay in shelters until the all-clear sounds.",
        "10:45 GMT",
        "Rescue teams pulled three survivors from a collapsed apartment block in the old "
        "town of Velmora.",
        "Frontline report",
        '"We will not be intimidated by these attacks on our harbour,” the mayor told a '
        "local radio station.",
        "Emergency crews recovered three survivors from a collapsed apartment block in "
        "the old quarter of Velmora.",
        "The governor said schools in the region would stay closed until further notice.",
        "",
    ]
)


def _texts(text: str, segments: list[Segment]) -> list[tuple[str, str]]:
    return [(str(s.kind), text[s.start : s.end]) for s in segments]


@pytest.fixture(scope="module")
def live_segments() -> list[Segment]:
    return segment_text(LIVE_REPORT, dateline=(0, 17))


def test_segment_text_kinds_and_offsets(live_segments: list[Segment]) -> None:
    kinds = [(kind, text[:22]) for kind, text in _texts(LIVE_REPORT, live_segments)]
    assert kinds == [
        ("dateline", "VELMORA/OSTRAVIN:"),
        ("paragraph", "The Karsk defence mini"),
        ("paragraph", "Officials said debris "),
        ("paragraph", '"We will not be intimi'),
        ("update_marker", "Earlier updates"),
        ("paragraph", "Heavy shelling hit the"),
        ("paragraph", "The regional governor "),
        ("update_marker", "10:45 GMT"),
        ("paragraph", "Rescue teams pulled th"),
        ("heading", "Frontline report"),
        ("paragraph", '"We will not be intimi'),
        ("paragraph", "Emergency crews recove"),
        ("paragraph", "The governor said scho"),
    ]
    assert [s.index for s in live_segments] == list(range(len(live_segments)))
    for segment in live_segments:
        text = LIVE_REPORT[segment.start : segment.end]
        assert text == text.strip() and "\n" not in text


def test_segment_text_update_numbers(live_segments: list[Segment]) -> None:
    assert [s.update for s in live_segments] == [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2]


def test_segment_text_links_exact_and_near_repeats(live_segments: list[Segment]) -> None:
    links = {s.index: s.duplicate_of for s in live_segments if s.duplicate_of is not None}
    # the quote repeats with a different closing quote mark; the rescue paragraph is reworded
    assert links == {10: 3, 11: 8}


def test_segment_text_dateline_separator_and_no_dateline() -> None:
    text = "LONDON (Newswire) - Talks resumed on Monday.\nBoth sides met again."
    segments = segment_text(text, dateline=(0, 17))
    assert _texts(text, segments) == [
        ("dateline", "LONDON (Newswire)"),
        ("paragraph", "Talks resumed on Monday."),
        ("paragraph", "Both sides met again."),
    ]
    assert [s.kind for s in segment_text(text)] == [SegmentKind.paragraph] * 2


def test_segment_text_blank_lines_and_whitespace() -> None:
    text = "\n\n  First paragraph here.  \r\n\n\n\tSecond one.\n   \n"
    assert _texts(text, segment_text(text)) == [
        ("paragraph", "First paragraph here."),
        ("paragraph", "Second one."),
    ]
    assert segment_text("") == []
    assert segment_text(" \n\n ") == []


@pytest.mark.parametrize(
    "line",
    [
        "Trail of destruction",
        "'A long night'",
        "Sanctions",
        "Protests across the region",
        "Aid convoys stuck at the border",
        "“Nowhere left to run”",
        "2023 in review",
    ],
)
def test_looks_like_heading_accepts_titles(line: str) -> None:
    assert looks_like_heading(line)


@pytest.mark.parametrize(
    "line",
    [
        "Who will help us now? Nobody answers.",
        '"Who is coming to help us? I see no one."',
        "The talks failed.",
        "They said no",
        "Residents were told to leave",
        '"We have nothing left',
        "The ministry said:",
        "convoys stuck at the border",
        "Fighting continues in the north, the army says, as talks stall again and again today",
        "One two three four five six seven eight nine",
        "---",
    ],
)
def test_looks_like_heading_rejects_sentences(line: str) -> None:
    assert not looks_like_heading(line)


def test_segment_text_heading_needs_a_following_line() -> None:
    text = "The talks resumed on Monday.\nNo agreement yet"
    assert [s.kind for s in segment_text(text)] == [SegmentKind.paragraph] * 2


def test_looks_like_heading_word_limit() -> None:
    words = ["Convoys"] + ["north"] * (MAX_HEADING_WORDS - 1)
    assert looks_like_heading(" ".join(words))
    assert not looks_like_heading(" ".join([*words, "again"]))


@pytest.mark.parametrize(
    "line",
    [
        "Earlier updates",
        "EARLIER UPDATE:",
        "Update:",
        "UPDATE 3",
        "Live updates",
        "Latest:",
        "Previously:",
        "10:45 GMT",
        "11.02am",
        "9:30 p.m. (EST)",
        "0945 UTC",
    ],
)
def test_segment_text_update_marker_lines(line: str) -> None:
    text = f"First report paragraph.\n{line}\nNext report paragraph."
    kinds = [s.kind for s in segment_text(text)]
    assert kinds == [SegmentKind.paragraph, SegmentKind.update_marker, SegmentKind.paragraph]


def test_segment_text_update_marker_prefix_splits_line() -> None:
    text = "UPDATE 3-Karsk says talks will resume\n11.02am: The convoy crossed the river."
    assert _texts(text, segment_text(text)) == [
        ("update_marker", "UPDATE 3"),
        ("paragraph", "Karsk says talks will resume"),
        ("update_marker", "11.02am"),
        ("paragraph", "The convoy crossed the river."),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Earlier, troops fought off an attack near the bridge.",
        "Latest figures show the number of refugees has doubled.",
        "Updates to the evacuation plan were published on Monday.",
        "10.5 million people need aid, the agency said.",
        "2014 was the year the conflict began.",
    ],
)
def test_segment_text_marker_words_in_prose_stay_paragraphs(line: str) -> None:
    text = f"First report paragraph.\n{line}"
    assert [s.kind for s in segment_text(text)] == [SegmentKind.paragraph] * 2
    assert {s.update for s in segment_text(text)} == {0}


# --- duplicates --------------------------------------------------------------------------------

NEAR_PAIRS = [
    (
        "Karsk's troops reached the edge of Velmora on Friday when airborne units attacked a "
        "military airfield just north of the city, near Dalovo.",
        "Karsk troops first reached the edge of Velmora on Friday when airborne units stormed a "
        "military airfield just north of the city, close to Dalovo.",
    ),
    (
        "As Karsk forces entered Dalovo, within the city limits, the interior ministry urged "
        "residents to resist.",
        "As enemy forces entered Dalovo, the regional interior ministry told residents to resist.",
    ),
]

# Different sentences about the same war: they share words but not content.
SAME_TOPIC_PAIRS = [
    (
        "Karsk forces are advancing on Velmora from the north and east, the army said on Friday.",
        "The army said more troops were moving in from the north of the country overnight.",
    ),
    (
        "In a televised address, the president urged soldiers to lay down their weapons.",
        "In a televised address, the president defended the offensive as necessary for security.",
    ),
    (
        "The United Nations said some 80,000 people had fled their homes since the fighting began.",
        "Thousands of people fled their homes as the fighting spread to the western provinces.",
    ),
    (
        "Western governments imposed new sanctions on Karsk banks and energy companies.",
        "The European bloc moved to impose sweeping sanctions on Karsk's energy and banks.",
    ),
]


@pytest.mark.parametrize(("first", "second"), NEAR_PAIRS)
def test_link_duplicates_near_repeats(first: str, second: str) -> None:
    assert link_duplicates([first, "An unrelated paragraph about the weather today.", second]) == [
        None,
        None,
        0,
    ]


@pytest.mark.parametrize(("first", "second"), SAME_TOPIC_PAIRS)
def test_link_duplicates_same_topic_not_linked(first: str, second: str) -> None:
    assert link_duplicates([first, second]) == [None, None]


def test_link_duplicates_exact_after_normalisation() -> None:
    first = "“Nobody will   leave,” the commander said."
    second = '"Nobody will leave," the Commander said.'
    assert link_duplicates([first, None, second]) == [None, None, 0]


def test_link_duplicates_figures_that_differ_are_not_repeats() -> None:
    first = "The health ministry says 137 people, including soldiers and civilians, were killed."
    second = "The health ministry says 198 people, including soldiers and civilians, were killed."
    assert link_duplicates([first, second]) == [None, None]


def test_link_duplicates_short_paragraphs() -> None:
    # exact repeats of a short quote link; a near repeat of a short line does not; "He said." never
    quote = "Better to die standing."
    assert link_duplicates([quote, quote]) == [None, 0]
    assert link_duplicates(["Better to die standing.", "Better to die fighting."]) == [None, None]
    assert link_duplicates(["He said.", "He said."]) == [None, None]


def test_link_duplicates_point_to_first_of_group() -> None:
    first, second = NEAR_PAIRS[0]
    assert link_duplicates([first, second, second, first]) == [None, 0, 0, 0]


def test_link_duplicates_long_document_is_fast() -> None:
    # 2,000 paragraphs built from a small vocabulary: many shared word pairs, few real repeats
    words = [f"w{i}" for i in range(400)] + ["the", "of", "forces", "said"] * 50
    paragraphs = [
        " ".join(words[(i * 7 + j * j) % len(words)] for j in range(12 + i % 30)) + "."
        for i in range(2000)
    ]
    started = time.perf_counter()
    links = link_duplicates(paragraphs)
    assert time.perf_counter() - started < 5.0
    assert len(links) == 2000


# --- lookup ------------------------------------------------------------------------------------


def test_segment_of_finds_containing_segment(live_segments: list[Segment]) -> None:
    for segment in live_segments:
        assert segment_of(live_segments, segment.start) == segment
        assert segment_of(live_segments, segment.end - 1) == segment
    first = live_segments[0]
    assert segment_of(live_segments, first.end) is None  # the space after the dateline
    assert segment_of(live_segments, len(LIVE_REPORT) + 10) is None
    assert segment_of([], 0) is None
    assert segment_of(segment_text("\n\nText."), 0) is None


# --- component ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def nlp() -> spacy.Language:
    """The default English model with the segmenter before its parser (loaded once)."""
    nlp = spacy.load(DEFAULT_MODEL)
    nlp.add_pipe("sitroom_segmenter", before="parser")
    return nlp


@pytest.fixture(scope="module")
def blank_nlp() -> spacy.Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sitroom_segmenter")
    return nlp


def _make(nlp: spacy.Language, text: str, dateline: tuple[int, int] | None = None) -> Doc:
    register_extensions()
    doc = nlp.make_doc(text)
    doc._.sitroom_dateline = dateline
    return doc


def test_segmenter_writes_spans_and_sentence_starts(blank_nlp: spacy.Language) -> None:
    doc = blank_nlp(_make(blank_nlp, LIVE_REPORT, (0, 17)))
    spans = list(doc.spans[SEGMENTS_KEY])
    expected = segment_text(LIVE_REPORT, dateline=(0, 17))
    assert [(s.start_char, s.end_char, s.label_) for s in spans] == [
        (e.start, e.end, str(e.kind)) for e in expected
    ]
    assert [s._.sitroom_update for s in spans] == [e.update for e in expected]
    assert [s._.sitroom_duplicate_of for s in spans] == [e.duplicate_of for e in expected]
    assert all(span[0].is_sent_start for span in spans)


def test_segmenter_defaults_and_empty_doc(blank_nlp: spacy.Language) -> None:
    segmenter = blank_nlp.get_pipe("sitroom_segmenter")
    assert isinstance(segmenter, Segmenter)
    assert segmenter.spans_key == SEGMENTS_KEY
    assert segmenter.markers == load_segment_markers()
    doc = blank_nlp(_make(blank_nlp, ""))
    assert list(doc.spans[SEGMENTS_KEY]) == []


def test_segmenter_to_disk_round_trip(blank_nlp: spacy.Language, tmp_path) -> None:
    blank_nlp.to_disk(tmp_path / "nlp")
    loaded = spacy.load(tmp_path / "nlp")
    assert loaded.pipe_names == ["sitroom_segmenter"]
    doc = loaded(_make(loaded, LIVE_REPORT))
    assert len(doc.spans[SEGMENTS_KEY]) == len(segment_text(LIVE_REPORT))


def test_segmenter_after_parser_keeps_parse(nlp: spacy.Language) -> None:
    with nlp.select_pipes(disable=["sitroom_segmenter"]):
        parsed = nlp("Troops crossed the river.\nTalks stalled.")
    segmenter = nlp.get_pipe("sitroom_segmenter")
    sentences = [s.text for s in parsed.sents]
    segmenter(parsed)  # a parsed doc: spans are written, sentence starts left alone
    assert len(parsed.spans[SEGMENTS_KEY]) == 2
    assert [s.text for s in parsed.sents] == sentences


def test_segmenter_sentences_never_cross_segments(nlp: spacy.Language) -> None:
    assert nlp.pipe_names.index("sitroom_segmenter") < nlp.pipe_names.index("parser")
    doc = nlp(_make(nlp, LIVE_REPORT, (0, 17)))
    owner = {}
    for span in doc.spans[SEGMENTS_KEY]:
        for token in span:
            owner[token.i] = span.start
    for sentence in doc.sents:
        starts = {owner[t.i] for t in sentence if not t.is_space}
        assert len(starts) <= 1, sentence.text


def test_segment_seed_repeats_linked(seed_text: str) -> None:
    segments = segment_text(seed_text)
    paragraphs = {s.index: seed_text[s.start : s.end] for s in segments}
    linked = [s for s in segments if s.duplicate_of is not None]
    assert len(linked) >= 3  # one exact repeat, two reworded repeats under "Earlier updates"
    for segment in linked:
        assert segment.duplicate_of < segment.index
        assert segments[segment.duplicate_of].duplicate_of is None
        assert segments[segment.duplicate_of].update < segment.update
        first, again = paragraphs[segment.duplicate_of], paragraphs[segment.index]
        assert len(set(first.split()) & set(again.split())) >= len(again.split()) // 2
    assert any(paragraphs[s.index] == paragraphs[s.duplicate_of] for s in linked)
    markers = [s for s in segments if s.kind == SegmentKind.update_marker]
    assert len(markers) >= 2 and max(s.update for s in segments) == len(markers)
    assert any(s.kind == SegmentKind.heading for s in segments)


# --- data --------------------------------------------------------------------------------------


def test_segment_markers_data_file() -> None:
    text = files("sitroom.data").joinpath("segment_markers.tsv").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "kind\tphrase"
    rows = [tuple(line.split("\t")) for line in lines[1:]]
    assert all(len(row) == 2 and row[1].strip() == row[1] and row[1] for row in rows)
    assert {row[0] for row in rows} == {"update", "time_zone", "sentence_word"}
    assert rows == sorted(rows)
    assert len(rows) == len(set(rows))
    markers = load_segment_markers()
    assert "earlier updates" in markers.update_phrases and "GMT" in markers.time_zones


def test_strip_marks_drops_combining_characters_only() -> None:
    import unicodedata

    from sitroom._segment_duplicates import strip_marks

    text = unicodedata.normalize("NFKD", "Oströvin’s café — “Łódź”, naïve Ṩ")
    expected = "".join(c for c in text if not unicodedata.combining(c))
    assert strip_marks(text) == expected == "Ostrovin’s cafe — “Łodz”, naive S"
    assert strip_marks("plain ascii") == "plain ascii"


def test_link_duplicates_folds_accents_before_comparing() -> None:
    paragraphs = [
        "Officials in Velmöra said the café near the station was hit twice overnight.",
        "Officials in Velmora said the cafe near the station was hit twice overnight.",
    ]
    assert link_duplicates(paragraphs) == [None, 0]
