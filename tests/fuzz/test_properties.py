"""Property-based tests (hypothesis) over ingest, segmentation, the pipeline and the URL guard.

The same contract as the atheris targets (``fuzz/targets.py``, whose checks are reused): only
documented input errors escape, offsets lie inside the text, results validate. Budgets are
small so the whole file stays well under a minute; the fuzzer explores further.
"""

from __future__ import annotations

import ipaddress
import json
from datetime import date, datetime, timedelta, timezone
from xml.sax.saxutils import escape

import pytest
from fuzz.targets import check_document, check_result, check_segments
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitroom.errors import IngestError
from sitroom.ingest import document_from_bytes, document_from_text, normalise_published
from sitroom.ingest._netguard import unsafe_reason
from sitroom.ingest.feeds import html_to_text, read_feed
from sitroom.segment import segment_text

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Invented vocabulary: sentences shaped like news, none taken from any article.
SUBJECTS = ("The ministry", "Ilsa Marr", "Local officials", "The harbour authority", "Rescuers")
VERBS = ("said", "denied", "warned", "told reporters", "announced")
CLAIMS = (
    "at least {n} people were killed in Velmora",
    "about {n} troops crossed the river on Monday",
    "{n} families were evacuated from Ostrel yesterday",
    "shells hit the depot near Brackwater last week",
    '"we will rebuild the port by {n}"',
)
# Any printable word: no controls or separators, so a "paragraph" stays one line.
WORD = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp", "Zs")),
    min_size=1,
    max_size=12,
)


@st.composite
def sentences(draw: st.DrawFn) -> str:
    claim = draw(st.sampled_from(CLAIMS)).format(n=draw(st.integers(0, 5_000)))
    subject, verb = draw(st.sampled_from(SUBJECTS)), draw(st.sampled_from(VERBS))
    noise = draw(st.lists(WORD, max_size=3))
    return f"{subject} {verb} {claim}. {' '.join(noise)}".strip()


articles = st.lists(sentences(), min_size=1, max_size=6).map("\n\n".join)


@FAST
@given(st.binary(max_size=2_000))
def test_property_any_bytes_give_documents_or_an_ingest_error(data: bytes) -> None:
    try:
        documents = document_from_bytes(data, origin="input")
    except IngestError:
        return
    for document in documents:
        check_document(document)


@FAST
@given(st.text(max_size=2_000))
def test_property_any_text_gives_a_document_or_an_ingest_error(text: str) -> None:
    try:
        document = document_from_text(text)
    except IngestError:
        return
    check_document(document)
    assert document.text == text.replace("\r\n", "\n").replace("\r", "\n")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
records = st.dictionaries(
    st.sampled_from(["text", "title", "published", "source", "url", "other"]),
    json_values | st.text(min_size=1, max_size=80),
)


@FAST
@given(st.lists(records, min_size=1, max_size=8))
def test_property_jsonl_gives_one_outcome_per_line(objects: list[dict]) -> None:
    # The batch reader's path for bytes: one Document or one IngestError per line.
    from sitroom.ingest._document import DEFAULT_OPTIONS
    from sitroom.ingest._read import _iter_bytes

    data = "\n".join(json.dumps(o) for o in objects).encode()
    items = list(_iter_bytes(data, origin="x.jsonl", options=DEFAULT_OPTIONS, kind="jsonl"))
    assert len(items) == len(objects)
    for obj, item in zip(objects, items, strict=True):
        if isinstance(item, IngestError):
            text = obj.get("text")
            assert (
                not isinstance(text, str)
                or not text.strip()
                or "\x00" in text
                or any(0xD800 <= ord(c) <= 0xDFFF for c in text)
            )
        else:
            check_document(item)
            assert item.text == obj["text"].replace("\r\n", "\n").replace("\r", "\n")


@FAST
@given(st.lists(st.text(max_size=200), max_size=12), st.booleans())
def test_property_segments_cover_every_line_in_order(lines: list[str], repeat: bool) -> None:
    if repeat and lines:
        lines = [*lines, lines[0]]
    text = "\n".join(lines)
    segments = segment_text(text)
    check_segments(text, segments)
    covered = "".join(text[s.start : s.end] for s in segments)
    assert sum(not c.isspace() for c in covered) == sum(not c.isspace() for c in text)


@FAST
@given(st.lists(sentences(), min_size=2, max_size=4))
def test_property_a_repeated_paragraph_links_to_its_first_copy(paragraphs: list[str]) -> None:
    text = "\n\n".join([*paragraphs, paragraphs[0]])
    segments = [s for s in segment_text(text) if s.kind == "paragraph"]
    last, first = segments[-1], segments[0]
    if len(text[first.start : first.end].split()) >= 3:
        assert last.duplicate_of in (first.index, first.duplicate_of)


@st.composite
def feeds(draw: st.DrawFn) -> tuple[bytes, list[str]]:
    titles = draw(st.lists(st.text(st.characters(codec="utf-8"), min_size=1, max_size=30)))
    titles = [" ".join(t.split()) for t in titles if t.strip()]
    bodies = [draw(sentences()) for _ in titles]
    items = "".join(
        f"<item><title>{escape(t)}</title><guid>g{i}</guid>"
        f"<description>{escape('<p>' + b + '</p><script>SECRET()</script>')}</description></item>"
        for i, (t, b) in enumerate(zip(titles, bodies, strict=True))
    )
    head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>F</title>'
    return (head + items + "</channel></rss>").encode("utf-8", "surrogatepass"), titles


@FAST
@given(feeds(), st.integers(1, 5))
def test_property_feed_items_are_capped_and_scripts_dropped(feed, max_entries: int) -> None:
    data, titles = feed
    try:
        parsed = read_feed(data, base_url="http://feed.invalid/", max_entries=max_entries)
    except IngestError:
        assert not titles  # an empty channel may be refused; one with items must not be
        return
    assert len(parsed.items) == min(len(titles), max_entries)
    assert parsed.total_entries == len(titles)
    for item in parsed.items:
        assert "SECRET" not in html_to_text(item.content)


@FAST
@given(st.text(max_size=300), st.text(max_size=300))
def test_property_html_to_text_never_keeps_script_or_style(before: str, after: str) -> None:
    markup = f"<p>{escape(before)}</p><script>var SECRET=1;</script><style>.SECRET{{}}</style>"
    text = html_to_text(markup + f"<p>{escape(after)}</p>")
    assert "SECRET" not in text or "SECRET" in before + after


@FAST
@given(st.dates(min_value=date(1, 1, 1)), st.integers(-720, 720))
def test_property_iso_publication_dates_round_trip(day: date, minutes: int) -> None:
    assert normalise_published(day.isoformat()) == day.isoformat()
    zone = timezone(timedelta(minutes=minutes))
    moment = datetime(day.year, day.month, day.day, 10, 30, tzinfo=zone)
    assert normalise_published(moment.isoformat()) == moment.isoformat(timespec="seconds")


@FAST
@given(st.text(max_size=60))
def test_property_any_publication_date_is_iso_or_a_value_error(value: str) -> None:
    try:
        normalised = normalise_published(value)
    except ValueError:
        return
    date.fromisoformat(normalised[:10])


PRIVATE_V4 = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16")


@FAST
@given(st.sampled_from(PRIVATE_V4), st.integers(0, 2**32 - 1))
def test_property_private_addresses_and_their_ipv6_forms_are_refused(net: str, n: int) -> None:
    network = ipaddress.ip_network(net)
    address = network[n % network.num_addresses]
    assert unsafe_reason(address) is not None
    mapped = ipaddress.IPv6Address(f"::ffff:{address}")
    nat64 = ipaddress.IPv6Address(int(ipaddress.IPv6Address("64:ff9b::")) | int(address))
    assert unsafe_reason(mapped) is not None and unsafe_reason(nat64) is not None


@FAST
@given(st.ip_addresses())
def test_property_only_global_addresses_pass_the_guard(address) -> None:
    if unsafe_reason(address) is None:
        assert address.is_global and not address.is_multicast


@SLOW
@given(articles, st.one_of(st.none(), st.dates(min_value=date(1, 1, 1))))
def test_property_pipeline_output_validates_with_offsets_in_the_text(
    pipeline, text: str, published: date | None
) -> None:
    from sitroom.ingest import IngestOptions

    try:
        options = IngestOptions(published=published.isoformat() if published else None)
        document = document_from_text(text, options=options)
    except IngestError:
        return
    document = document.model_copy(update={"language": "en"})
    check_result(document, pipeline.analyse(document))


@pytest.mark.parametrize("zero_width", ["\u200b", "\u200d", "\ufeff", "\u2060"])
def test_property_zero_width_characters_keep_offsets_exact(pipeline, zero_width: str) -> None:
    mark = zero_width
    text = f"Local officials said{mark} at least 12 people were{mark} killed in Velmora."
    document = document_from_text(text)
    check_result(document, pipeline.analyse(document))
