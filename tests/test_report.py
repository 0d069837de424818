"""Situation report: sections built from a hand-made store, rendering and escaping."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest
from rich.console import Console
from rich.markdown import Markdown

from sitroom.merge import merge_stored
from sitroom.model import (
    Document,
    DocumentResult,
    Event,
    Figure,
    Place,
    Statement,
    TimeExpression,
)
from sitroom.report import (
    EMPTY,
    build_report,
    format_value,
    render_html,
    render_markdown,
    sentence_around,
)
from sitroom.store import Store
from tests.conftest import mention

SCRIPT = "<script>alert('x')</script>"


def add(
    store: Store,
    body: str,
    *,
    published: str,
    source: str,
    title: str = "Valley bulletin",
    times: tuple[tuple[str, str, str], ...] = (),
    quotes: tuple[tuple[str, str | None, str], ...] = (),
    figures: tuple[Figure, ...] = (),
    places: tuple[Place, ...] = (),
    events: tuple[Event, ...] = (),
) -> str:
    doc = Document(text=body, title=title, source=source, published=published)
    time_items = [
        TimeExpression(
            text=phrase,
            start=(m := mention(body, phrase)).start,
            end=m.end,
            value=value,
            precision=precision,
        )
        for phrase, value, precision in times
    ]
    statements = [
        Statement(
            id=f"s{i}",
            kind="direct",
            text=quote,
            speaker=speaker,
            stance=stance,
            start=mention(body, quote).start,
            end=mention(body, quote).end,
            mentions=[mention(body, quote, k) for k in range(body.count(quote))],
        )
        for i, (quote, speaker, stance) in enumerate(quotes)
    ]
    result = DocumentResult(
        document=doc.info(),
        times=time_items,
        statements=statements,
        figures=list(figures),
        places=list(places),
        events=list(events),
    )
    store.add(doc, result)
    return doc.id


NORTH = (
    "Ferries stopped on Monday after the storm.\n"
    'Harbour master Tova Lind said "the quay is unsafe" late on Tuesday. Crews say repairs '
    'will take weeks. Lind repeated: "the quay is unsafe".\n'
    "Officials expect 300 to 450 people to leave the island in March."
)
SOUTH = (
    "Ferries stopped on Monday after the storm. The clinic treated about 40 people on Wednesday."
    ' A volunteer said "we need blankets".'
)


@pytest.fixture
def store() -> Store:
    store = Store.memory()
    add(
        store,
        NORTH,
        published="2024-03-06",
        source="North Courier",
        times=(
            ("Monday", "2024-03-04", "day"),
            ("Tuesday", "2024-03-05", "day"),
            ("March", "2024-03", "month"),
        ),
        quotes=(("the quay is unsafe", "Tova Lind", "warn"),),
        figures=(
            Figure(
                id="f1",
                metric="displaced",
                low=300,
                high=450,
                qualifier="range",
                who="people",
                place="p1",
                text="300 to 450 people",
                start=0,
                end=5,
            ),
        ),
        places=(
            Place(
                id="p1",
                name="Skarn Island",
                country="NO",
                geonameid=9001,
                precision="admin2",
                mentions=[mention(NORTH, "island")],
            ),
        ),
    )
    add(
        store,
        SOUTH,
        published="2024-03-07",
        source="South Post",
        times=(("Monday", "2024-03-04", "day"), ("Wednesday", "2024-03-06", "day")),
        quotes=(("we need blankets", None, "urge"),),
        figures=(
            Figure(
                id="f1",
                metric="injured",
                value=40,
                qualifier="about",
                claimed_by="the clinic",
                text="about 40 people",
                start=0,
                end=5,
            ),
        ),
        places=(
            Place(
                id="p1",
                name="Skarn island",
                country="NO",
                geonameid=9001,
                precision="exact",
                mentions=[],
            ),
        ),
    )
    flagged = Document(
        text="Fähren fahren wieder.",
        language="de",
        published="2024-03-07",
        title=f"Fähren {SCRIPT}",
        source="Nord Blatt",
    )
    store.add(flagged, None, status="flagged")
    return store


def test_report_header(store: Store) -> None:
    report = build_report(store)
    assert (report.documents, report.analysed) == (3, 2)
    assert report.sources == ["Nord Blatt", "North Courier", "South Post"]
    assert (report.first_published, report.last_published) == ("2024-03-06", "2024-03-07")


def test_report_timeline_from_day_times(store: Store) -> None:
    report = build_report(store)
    assert report.timeline_basis == "times"
    assert [d.day for d in report.timeline] == ["2024-03-04", "2024-03-05", "2024-03-06"]
    monday = report.timeline[0]
    # One sentence, two sources; the month-precision "March" is not a day.
    assert [(e.text, e.sources) for e in monday.entries] == [
        ("Ferries stopped on Monday after the storm.", ("North Courier", "South Post"))
    ]
    assert monday.label == "2024-03-04 (Monday)"
    assert report.timeline[1].entries[0].text == (
        'Harbour master Tova Lind said "the quay is unsafe" late on Tuesday.'
    )
    assert report.timeline[2].entries[0].text == "The clinic treated about 40 people on Wednesday."


def test_report_timeline_prefers_events() -> None:
    store = Store.memory()
    body = "On Monday drones struck the depot. A bridge was blown up."
    add(
        store,
        body,
        published="2024-04-02",
        source="Wire",
        times=(("Monday", "2024-04-01", "day"),),
        events=(
            Event(
                id="v1",
                type="ASSAULT",
                date="2024-04-01",
                claimed_by="the army",
                text="On Monday drones struck the depot.",
            ),
            Event(id="v2", type="ASSAULT", text="A bridge was blown up."),
        ),
    )
    report = build_report(store)
    assert report.timeline_basis == "events"
    assert [d.day for d in report.timeline] == ["2024-04-01", "undated"]
    first = report.timeline[0].entries[0]
    assert (first.event_type, first.claimed_by, first.sources) == ("ASSAULT", "the army", ("Wire",))
    assert (
        "**ASSAULT** On Monday drones struck the depot. (claimed by the army)"
        in render_markdown(report)
    )


@pytest.mark.parametrize("merge", [True, False])
def test_report_marks_events_told_but_not_reported_as_happened(merge: bool) -> None:
    store = Store.memory()
    body = "The ministry denied that soldiers shelled the port. Drones hit the quay on Monday."
    document_id = add(
        store,
        body,
        published="2024-04-02",
        source="Wire",
        events=(
            Event(
                id="v1",
                type="ASSAULT",
                stance="deny",
                claimed_by="the ministry",
                text="The ministry denied that soldiers shelled the port.",
            ),
            Event(id="v2", type="ASSAULT", stance="assert", text="Drones hit the quay on Monday."),
        ),
    )
    if merge:  # else stored without merging: the report groups the rows itself
        merge_stored(store, document_id)
    report = build_report(store)
    assert sum(len(day.entries) for day in report.timeline) == 2
    text = render_markdown(report)
    assert "shelled the port. (claimed by the ministry; denied)" in text
    assert "Drones hit the quay on Monday. —" in text


def test_report_statements_by_speaker(store: Store) -> None:
    speakers = build_report(store).speakers
    assert [s.speaker for s in speakers] == ["Tova Lind", "Unattributed"]
    lind = speakers[0].statements[0]
    assert (lind.text, lind.stance, lind.mentions, lind.sources) == (
        "the quay is unsafe",
        "warn",
        2,
        ("North Courier",),
    )


def test_report_figures_and_places(store: Store) -> None:
    report = build_report(store)
    figures = {f.metric: f for f in report.figures}
    assert figures["displaced"].value == "300–450"
    assert figures["displaced"].place == "Skarn Island"
    assert (figures["injured"].value, figures["injured"].claimed_by) == ("about 40", "the clinic")
    [place] = report.places  # same geonameid in both documents
    assert (place.precision, place.country, place.mentions, place.documents) == (
        "exact",
        "NO",
        2,
        2,
    )


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        ({"qualifier": "exact", "value": 1200.0}, "1,200"),
        ({"qualifier": "at_least", "value": 7.0, "unit": "tanks"}, "at least 7 tanks"),
        ({"qualifier": "more_than", "value": 2.5}, "more than 2.5"),
        ({"qualifier": "range", "low": 10.0, "high": 20.0}, "10–20"),
        ({"qualifier": "up_to", "high": 90.0}, "?–90"),
        ({"qualifier": "vague"}, "unspecified"),
    ],
)
def test_report_format_value(figure: dict[str, object], expected: str) -> None:
    assert format_value(figure) == expected


def test_report_flagged_documents(store: Store) -> None:
    [flagged] = build_report(store).flagged
    assert (flagged.language, flagged.source) == ("de", "Nord Blatt")


def test_report_since_until(store: Store) -> None:
    report = build_report(store, since="2024-03-05", until="2024-03-06")
    assert report.documents == 1 and report.sources == ["North Courier"]
    assert [d.day for d in report.timeline] == ["2024-03-05", "2024-03-06"]
    assert [s.speaker for s in report.speakers] == ["Tova Lind"]  # by published day
    assert [f.metric for f in report.figures] == ["displaced"]
    assert report.flagged == []
    assert "2024-03-05 to 2024-03-06" in render_markdown(report)


def test_report_empty_sections_say_so() -> None:
    report = build_report(Store.memory())
    markdown, html = render_markdown(report), render_html(report)
    for line in EMPTY.values():
        assert line in markdown and line in html
    assert "## Statements by speaker\n\nNo statements" in markdown


def test_report_escapes_article_text() -> None:
    store = Store.memory()
    body = f'The envoy said "{SCRIPT} | *bold*" on Friday.'
    add(
        store,
        body,
        published="2024-05-03",
        source=f"Src {SCRIPT}",
        title=f"T {SCRIPT}",
        times=(("Friday", "2024-05-03", "day"),),
        quotes=((f"{SCRIPT} | *bold*", SCRIPT, "claim"),),
    )
    report = build_report(store)
    html = render_html(report)
    assert "<script>" not in html and "&lt;script&gt;" in html
    markdown = render_markdown(report)
    assert "<script>" not in markdown and r"\<script\>" in markdown
    assert r"\| \*bold\*" in markdown


def test_report_markdown_renders_in_rich(store: Store) -> None:
    console = Console(record=True, width=100)
    console.print(Markdown(render_markdown(build_report(store))))
    shown = console.export_text()
    assert "Tova Lind" in shown and "Skarn Island" in shown and "300–450" in shown


def test_report_to_dict_is_json(store: Store) -> None:
    data = json.loads(json.dumps(build_report(store).to_dict()))
    assert data["documents"] == 3 and data["timeline"][0]["day"] == "2024-03-04"


def test_report_templates_ship_in_package() -> None:
    templates = files("sitroom") / "templates"
    assert (templates / "report.html.j2").is_file() and (templates / "report.md.j2").is_file()


@pytest.mark.parametrize(
    ("text", "part", "expected"),
    [
        ("One. Dr J. K. Moss left on Sunday. Three.", "Sunday", "Dr J. K. Moss left on Sunday."),
        ("Aid from the U.S. arrived Friday. Next.", "Friday", "Aid from the U.S. arrived Friday."),
        ('He said: "Go now!" Later, on May 2 they left.', "May 2", "Later, on May 2 they left."),
        ("Heading\nOn 3 June the dam failed", "3 June", "On 3 June the dam failed"),
        (
            "Costs rose approx. five percent by Monday. Then",
            "Monday",
            "Costs rose approx. five percent by Monday.",
        ),
    ],
)
def test_report_sentence_around(text: str, part: str, expected: str) -> None:
    start = text.index(part)
    assert sentence_around(text, start, start + len(part)) == expected


def test_report_sentence_around_long_text_is_cut() -> None:
    text = "word " * 300 + "on Friday " + "word " * 300
    start = text.index("Friday")
    sentence = sentence_around(text, start, start + 6)
    assert sentence.startswith("…") and sentence.endswith("…") and "on Friday" in sentence
    assert len(sentence) < 900


def test_report_lists_merged_event_once_with_reports() -> None:
    from sitroom.merge import merge_stored

    store = Store.memory()
    first = (
        "Rebel gunners shelled the water pumping station in Dorvan on Monday night, cutting"
        " supplies to the eastern districts, the city council said."
    )
    second = (
        "The council in Dorvan said rebel artillery shelled the city's water pumping station late"
        " on Monday, leaving eastern districts without water. Repairs may take a week."
    )
    for body, published, source in (
        (first, "2024-04-02T08:00", "Wire A"),
        (second, "2024-04-03T09:30", "Wire B"),
    ):
        word = "shelled"
        doc_id = add(
            store,
            body,
            published=published,
            source=source,
            events=(
                Event(
                    id="v1",
                    type="ASSAULT",
                    date="2024-04-01",
                    target="water pumping station",
                    text=body.split(". ")[0],
                    mentions=[mention(body, word)],
                ),
            ),
            quotes=(),
        )
        merge_stored(store, doc_id)
    report = build_report(store)
    [day] = report.timeline
    [entry] = day.entries
    assert (entry.reports, entry.sources) == (2, ("Wire A", "Wire B"))
    assert (entry.first_reported, entry.last_reported) == ("2024-04-02T08:00", "2024-04-03T09:30")
    markdown = render_markdown(report)
    assert "(2 reports), first reported 2024-04-02T08:00, last 2024-04-03T09:30" in markdown
    assert "2 reports" in render_html(report)


def test_report_one_line_for_events_of_one_sentence() -> None:
    from sitroom.merge import merge_stored

    store = Store.memory()
    body = "Gunmen stormed the depot in Varno on Friday and seized 40 tonnes of grain."
    sentence = body
    doc_id = add(
        store,
        body,
        published="2024-05-04T10:00",
        source="Wire A",
        events=tuple(
            Event(
                id=f"v{i}",
                type=kind,
                date="2024-05-03",
                text=sentence,
                mentions=[mention(body, word)],
            )
            for i, (kind, word) in enumerate((("ASSAULT", "stormed"), ("COERCE", "seized")), 1)
        ),
        quotes=(),
    )
    merge_stored(store, doc_id)
    [day] = build_report(store).timeline
    [entry] = day.entries
    assert entry.text == sentence and entry.event_type == "ASSAULT, COERCE"


def test_report_statements_merged_across_documents() -> None:
    from sitroom.merge import merge_stored

    store = Store.memory()
    quote = "the bridge will reopen to trucks on Friday"
    for published, source, filler in (
        ("2024-04-02", "Wire A", "Traffic was stopped for hours near the river crossing."),
        ("2024-04-04", "Wire B", "Drivers queued through the night at the northern checkpoint."),
    ):
        body = f'{filler} Engineer Ola Berg said "{quote}".'
        doc_id = add(
            store, body, published=published, source=source, quotes=((quote, "Ola Berg", "claim"),)
        )
        merge_stored(store, doc_id)
    [section] = build_report(store).speakers
    [said] = section.statements
    assert (said.reports, said.first_reported, said.last_reported) == (
        2,
        "2024-04-02",
        "2024-04-04",
    )
