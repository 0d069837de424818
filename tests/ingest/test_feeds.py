"""RSS/Atom parsing (with hostile feeds), conditional polling, backoff and feed items as Documents.

Real HTTP goes only to a server on 127.0.0.1; other cases use ``httpx.MockTransport``.
"""

from __future__ import annotations

import time
import tracemalloc

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitroom.errors import FeedError
from sitroom.ingest.feeds import (
    MAX_BACKOFF,
    FeedItem,
    FeedState,
    backoff_delay,
    html_to_text,
    item_document,
    parse_feed,
    poll_feed,
    read_feed,
)
from tests.ingest._server import PUBLIC, LocalServer, Route, mock_client


def rss(items: str, *, title: str = "Valley Gazette") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{title}</title><link>https://gazette.example/</link>{items}"
        "</channel></rss>"
    ).encode()


RSS_ITEMS = """
<item><title>Bridge reopens to lorries</title><link>/news/bridge</link>
<guid isPermaLink="false">gazette-101</guid><pubDate>Tue, 14 Mar 2023 09:15:00 +0100</pubDate>
<description>Short summary.</description>
<content:encoded><![CDATA[<p>The river bridge reopened to lorries on Tuesday.</p>
<script>alert(1)</script><p>Engineers said the repairs were finished early.</p>]]>
</content:encoded></item>
<item><title>Market hall fire</title><link>https://gazette.example/news/fire</link>
<pubDate>not a date at all</pubDate><description>Firefighters were called at dawn.</description>
</item>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Hill Post</title>
<link href="https://hillpost.example/"/><updated>2023-03-15T10:00:00Z</updated>
<id>urn:hillpost</id>
<entry><title>Snow closes the pass</title><link href="https://hillpost.example/pass"/>
<id>urn:hillpost:1</id><updated>2023-03-15T07:00:00Z</updated>
<published>2023-03-15T06:45:00Z</published>
<summary>Heavy snow closed the mountain pass overnight.</summary></entry>
</feed>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY a "laughlaughlaughlaughlaughlaughlaughlaughlaughlaugh">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<rss version="2.0"><channel><title>&i;</title>
<item><title>&i;</title><description>&i;</description></item></channel></rss>"""


# --- parsing -----------------------------------------------------------------------------------


def test_parse_feed_rss_items() -> None:
    items = parse_feed(rss(RSS_ITEMS), base_url="https://gazette.example/feed.xml")
    assert [item.id for item in items] == ["gazette-101", "https://gazette.example/news/fire"]
    first, second = items
    assert first.link == "https://gazette.example/news/bridge"  # relative link resolved
    assert first.title == "Bridge reopens to lorries"
    assert first.published == "2023-03-14T08:15:00+00:00"  # in UTC
    assert "repairs were finished" in first.content  # content:encoded preferred to summary
    assert "alert" not in first.content  # feedparser sanitises entry HTML
    assert first.feed_title == "Valley Gazette"
    assert second.published is None  # an invalid date is dropped, not guessed


def test_parse_feed_atom_entries() -> None:
    [item] = parse_feed(ATOM, base_url="https://hillpost.example/atom")
    assert item.id == "urn:hillpost:1"
    assert item.link == "https://hillpost.example/pass"
    assert item.published == "2023-03-15T06:45:00+00:00"
    assert item.feed_title == "Hill Post"


@pytest.mark.parametrize(
    "data", [b"", b"\x89PNG\r\n\x1a\n\x00\x00", b"<html><body><p>Just a page</p></body></html>"]
)
def test_parse_feed_refuses_non_feeds(data: bytes) -> None:
    with pytest.raises(FeedError, match="not an RSS or Atom feed"):
        parse_feed(data, base_url="https://gazette.example/feed.xml")


@pytest.mark.parametrize(
    "data",
    [
        LAUGHS,
        LAUGHS.replace(b"\n <!ENTITY a", b"<!ENTITY a"),  # declaration on the DOCTYPE line
        LAUGHS.replace(b'<?xml version="1.0"?>', b"").decode().encode("utf-16"),
    ],
    ids=["utf-8", "same-line", "utf-16"],
)
def test_parse_feed_refuses_entity_expansion_quickly(data: bytes) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(FeedError, match="billion laughs"):
            parse_feed(data, base_url="https://evil.example/feed.xml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 1
    assert peak < 5_000_000  # expanded, &i; alone would be 5 GB


def test_read_feed_caps_100000_entries_quickly() -> None:
    entries = "".join(
        f"<item><title>Entry {n}</title><link>https://gazette.example/{n}</link>"
        f'<guid isPermaLink="false">e{n}</guid></item>\n'
        for n in range(100_000)
    )
    data = rss(entries)
    started = time.perf_counter()
    feed = read_feed(data, base_url="https://gazette.example/feed.xml")
    elapsed = time.perf_counter() - started
    assert feed.total_entries == 100_000
    assert feed.truncated
    assert [item.id for item in feed.items] == [f"e{n}" for n in range(1_000)]
    assert feed.title == "Valley Gazette"  # the document around the entries is kept intact
    assert elapsed < 5  # feedparser on all 100,000 takes ~20 s


def test_read_feed_max_entries_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_entries"):
        read_feed(ATOM, base_url="https://hillpost.example/atom", max_entries=0)


def test_html_to_text_keeps_blocks_and_drops_scripts() -> None:
    markup = "<p>One  line.</p><script>var x = 1;</script><div>Two<br>three &amp; four</div>"
    assert html_to_text(markup) == "One line.\nTwo\nthree & four"


# --- polling ----------------------------------------------------------------------------------


def test_poll_feed_uses_etag_and_last_modified(server: LocalServer) -> None:
    server.routes["/feed.xml"] = Route(
        rss(RSS_ITEMS),
        headers={
            "Content-Type": "application/rss+xml",
            "ETag": '"v1"',
            "Last-Modified": "Tue, 14 Mar 2023 10:00:00 GMT",
        },
        if_none_match='"v1"',
    )
    state = FeedState()
    url = server.url("/feed.xml")
    first = poll_feed(url, state, allow_private=True, interval=60, clock=lambda: 1_000.0)
    assert first.error is None
    assert len(first.items) == 2
    assert (state.etag, state.next_poll) == ('"v1"', 1_060.0)
    assert first.items[0].link == server.url("/news/bridge")

    second = poll_feed(url, state, allow_private=True, interval=60, clock=lambda: 2_000.0)
    assert second.not_modified and second.items == []
    _, headers = server.requests[-1]
    assert headers["If-None-Match"] == '"v1"'
    assert headers["If-Modified-Since"] == "Tue, 14 Mar 2023 10:00:00 GMT"


def test_poll_feed_returns_only_unseen_items() -> None:
    client = mock_client(lambda request: httpx.Response(200, content=ATOM))
    state = FeedState()
    [item] = poll_feed(PUBLIC + "/atom", state, client=client).items
    state.mark_seen(item.id)
    assert poll_feed(PUBLIC + "/atom", state, client=client).items == []


def test_poll_feed_backs_off_exponentially_and_resets() -> None:
    answers = [503, 503, 503, 200]

    def handler(request: httpx.Request) -> httpx.Response:
        status = answers.pop(0)
        return httpx.Response(status, content=ATOM if status == 200 else b"busy")

    client = mock_client(handler)
    state = FeedState()
    waits = []
    for _ in range(3):
        result = poll_feed(PUBLIC + "/atom", state, interval=60, client=client, clock=lambda: 0.0)
        assert result.error is not None and "HTTP 503" in result.error.reason
        waits.append(state.next_poll)
    assert waits == [120.0, 240.0, 480.0]
    assert state.failures == 3 and "503" in (state.last_error or "")
    assert poll_feed(PUBLIC + "/atom", state, interval=60, client=client, clock=lambda: 0.0).items
    assert (state.failures, state.next_poll, state.last_error) == (0, 60.0, None)


def test_backoff_delay_is_capped() -> None:
    assert backoff_delay(0, 300) == 300
    assert backoff_delay(1, 300) == 600
    assert backoff_delay(50, 300) == MAX_BACKOFF


def test_poll_feed_refuses_private_feed_url() -> None:
    state = FeedState()
    result = poll_feed("http://192.168.0.10/feed.xml", state, clock=lambda: 0.0)
    assert result.error is not None and "private network" in result.error.reason
    assert state.failures == 1


def test_poll_feed_reports_billion_laughs_as_error() -> None:
    client = mock_client(lambda request: httpx.Response(200, content=LAUGHS))
    result = poll_feed(PUBLIC + "/feed.xml", FeedState(), client=client)
    assert isinstance(result.error, FeedError)


def test_feed_state_round_trips_through_dict() -> None:
    state = FeedState(etag='"x"', failures=2, next_poll=5.0, seen=["a", "b"])
    assert FeedState.from_dict(state.to_dict()) == state


# --- items to documents -----------------------------------------------------------------------

PAGE = b"""<html><head><title>Bridge reopens | Valley Gazette</title>
<meta property="og:title" content="Bridge reopens to lorries">
<meta property="og:site_name" content="Valley Gazette Online">
<meta property="article:published_time" content="2023-03-13"></head>
<body><article><p>The river bridge reopened to lorries on Tuesday after six weeks of repairs,
the county council said.</p><p>Drivers had used a forty-kilometre detour through the hills
since the flood damaged one of the piers in January.</p></article></body></html>"""


def feed_item(link: str | None, content: str = "<p>The bridge reopened, officials said.</p>"):
    return FeedItem(
        id="gazette-101",
        link=link,
        title="Bridge reopens to lorries",
        published="2023-03-14T08:15:00+00:00",
        content=content,
        feed_title="Valley Gazette",
    )


def test_item_document_fetches_link_with_entry_date() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=PAGE)

    document = item_document(feed_item(PUBLIC + "/news/bridge"), client=mock_client(handler))
    assert "forty-kilometre detour" in document.text
    assert document.published == "2023-03-14T08:15:00+00:00"  # the entry's, not the page's
    assert document.source == "Valley Gazette Online"
    assert document.url == PUBLIC + "/news/bridge"
    assert document.warnings == []


@pytest.mark.parametrize(
    "link", [PUBLIC + "/gone", "http://169.254.169.254/latest/meta-data/", None]
)
def test_item_document_falls_back_to_entry_text(link: str | None) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(404)

    document = item_document(feed_item(link), client=mock_client(handler))
    assert document.text == "The bridge reopened, officials said."
    assert document.title == "Bridge reopens to lorries"
    assert document.source == "Valley Gazette"
    assert document.published == "2023-03-14T08:15:00+00:00"
    assert "used the feed entry's text" in document.warnings[0]
    if link and "169.254" in link:
        assert calls == []  # refused before any request
        assert "link-local" in document.warnings[0]


def test_item_document_without_link_or_text_raises() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500)

    with pytest.raises(Exception, match="HTTP 500"):
        item_document(feed_item(PUBLIC + "/broken", content=""), client=mock_client(handler))


# --- hostile input, generated -------------------------------------------------------------------

FEED_PIECES = st.sampled_from(
    [
        "<rss version='2.0'>", "<channel>", "<item>", "</item>", "<title>", "</title>",
        "<link>", "</link>", "<guid>", "</guid>", "<pubDate>", "</pubDate>", "</channel>",
        "</rss>", "<feed xmlns='http://www.w3.org/2005/Atom'>", "<entry>", "</entry>",
        "</feed>", "<![CDATA[", "]]>", "&amp;", "&nbsp;", "&#0;", "<!DOCTYPE x>", "<script>",
        "javascript:alert(1)", "http://127.0.0.1/", "\u202e", "\x00", "Кyiv", "31 Feb 2023",
    ]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(FEED_PIECES, st.text(max_size=20)), max_size=40))
def test_parse_feed_hostile_fragments_raise_only_feed_error(pieces: list[str]) -> None:
    data = "".join(pieces).encode("utf-8", "surrogatepass")
    try:
        items = parse_feed(data, base_url="https://gazette.example/feed.xml", max_entries=5)
    except FeedError:
        return
    assert len(items) <= 5
    for item in items:
        assert item.id
        if item.published is not None:
            assert item.published[4] == "-"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_html_to_text_never_fails(markup: str) -> None:
    assert isinstance(html_to_text(markup), str)
