"""Hostile servers and feeds, served from 127.0.0.1: compression bombs, endless and dripping
bodies, redirect loops, entity expansion, external DTDs and a feed of 100,000 entries.

Expected outcomes: a clear :class:`FetchError` / :class:`UnreadableInput` / :class:`FeedError`
(or, for the big feed, the newest entries read and a note), within asserted time and memory.
Every fetch here passes ``allow_private=True``: the server is local on purpose.
"""

from __future__ import annotations

import gzip
import time
import zlib
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from sitroom.cli import app
from sitroom.errors import FeedError, FetchError, UnreadableInput
from sitroom.ingest import FeedState, document_from_url, fetch_url, poll_feed, read_feed
from tests.adversarial._limits import bounded
from tests.ingest._server import LocalServer, Route, start_server

BOMB_BYTES = 1 << 30  # 1 GiB of zeros once inflated; about 1 MB on the wire
LIMIT = 10_000_000
FEED_ENTRIES = 100_000
HTML = {"Content-Type": "text/html; charset=utf-8"}
RSS = {"Content-Type": "application/rss+xml"}


def _zeros_compressed(wbits: int) -> bytes:
    """About 1 GiB of zeros, compressed, without compressing 1 GiB.

    After a full flush deflate starts afresh, so every further block of zeros compresses to
    the same bytes: the stream is the first block, that segment repeated, and the end. (The
    gzip trailer's checksum covers two blocks only; no reader here ever gets that far.)
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = b"\0" * (1 << 24)
    first = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    return first + again * (BOMB_BYTES // len(block) - 1) + packer.flush()


def _endless() -> Iterator[bytes]:
    chunk = b"<p>" + b"more words " * 6_000 + b"</p>"
    while True:
        yield chunk


def _drip() -> Iterator[bytes]:
    yield b"<html><body><p>"
    for _ in range(100):
        time.sleep(0.3)
        yield b"x"


def _big_feed() -> bytes:
    # ~75 bytes an entry: 7.5 MB, under the fetch limit, so the entry cap is what acts.
    items = b"".join(
        b"<item><title>Report %d</title><guid>g%d</guid><description>Shelling.</description>"
        b"</item>" % (i, i)
        for i in range(FEED_ENTRIES)
    )
    return (
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>Big</title>"
        + items
        + (b"</channel></rss>")
    )


def _laughs(levels: int = 10) -> bytes:
    entities = "".join(
        f"<!ENTITY lol{i} '{f'&lol{i - 1};' * 10 if i else 'lol'}'>" for i in range(levels)
    )
    return (
        f"<?xml version='1.0'?><!DOCTYPE rss [{entities}]><rss version='2.0'><channel>"
        f"<title>&lol{levels - 1};</title><item><title>x</title></item></channel></rss>"
    ).encode()


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    state, stop = start_server()
    gzip_bomb, deflate_bomb = _zeros_compressed(16 + 15), _zeros_compressed(15)
    routes = {
        "/gzip-bomb": Route(gzip_bomb, headers={**HTML, "Content-Encoding": "gzip"}),
        "/deflate-bomb": Route(deflate_bomb, headers={**HTML, "Content-Encoding": "deflate"}),
        "/double-gzip": Route(
            gzip.compress(gzip.compress(b"<p>hi</p>")),
            headers={**HTML, "Content-Encoding": "gzip, gzip"},
        ),
        "/gz-file": Route(
            gzip_bomb[:100_000], headers={"Content-Type": "application/octet-stream"}
        ),
        "/feed-bomb": Route(gzip_bomb, headers={**RSS, "Content-Encoding": "gzip"}),
        "/endless": Route(_endless, headers=HTML),
        "/drip": Route(_drip, headers=HTML),
        "/loop/a": Route(status=302, headers={"Location": "/loop/b"}),
        "/loop/b": Route(status=302, headers={"Location": "/loop/a"}),
        "/self": Route(status=301, headers={"Location": "/self"}),
        "/laughs.xml": Route(_laughs(), headers=RSS),
        "/big.xml": Route(_big_feed(), headers=RSS),
        "/evil.dtd": Route(
            b"<!ENTITY stolen 'from the DTD'>", headers={"Content-Type": "text/xml"}
        ),
    }
    routes |= {
        f"/chain/{i}": Route(status=307, headers={"Location": f"/chain/{i + 1}"}) for i in range(30)
    }
    state.routes.update(routes)
    yield state
    stop()


# --- compression bombs and endless bodies ----------------------------------------------------


@pytest.mark.parametrize("path", ["/gzip-bomb", "/deflate-bomb"])
def test_compression_bomb_is_cut_at_the_limit(server: LocalServer, path: str) -> None:
    with (
        bounded(seconds=20, megabytes=3 * LIMIT / 1e6),
        pytest.raises(UnreadableInput, match="after decompression"),
    ):
        document_from_url(server.url(path), allow_private=True)


def test_stacked_encodings_are_refused(server: LocalServer) -> None:
    with pytest.raises(FetchError, match="unsupported Content-Encoding"):
        document_from_url(server.url("/double-gzip"), allow_private=True)


def test_compressed_file_without_content_encoding_is_called_binary(server: LocalServer) -> None:
    with pytest.raises(UnreadableInput, match="gzip-compressed file"):
        document_from_url(server.url("/gz-file"), allow_private=True)


def test_compression_bomb_as_a_feed_is_one_failed_poll(server: LocalServer) -> None:
    state = FeedState()
    with bounded(seconds=20, megabytes=3 * LIMIT / 1e6):
        poll = poll_feed(server.url("/feed-bomb"), state, allow_private=True)
    assert isinstance(poll.error, UnreadableInput) and state.failures == 1


def test_endless_body_stops_at_the_limit(server: LocalServer) -> None:
    with (
        bounded(seconds=20, megabytes=3 * LIMIT / 1e6),
        pytest.raises(UnreadableInput, match="over the limit"),
    ):
        fetch_url(server.url("/endless"), allow_private=True, max_bytes=LIMIT)


def test_dripping_server_is_stopped_by_the_deadline(server: LocalServer) -> None:
    with bounded(seconds=8, megabytes=20), pytest.raises(FetchError, match=r"too long|timed out"):
        fetch_url(server.url("/drip"), allow_private=True, timeout=1.0, deadline=2.0)


def test_cli_ingest_of_a_gzip_bomb_fails_cleanly(server: LocalServer, tmp_path) -> None:
    db = str(tmp_path / "bomb.db")
    args = ["ingest", server.url("/gzip-bomb"), "--db", db, "--allow-private"]
    with bounded(seconds=60, megabytes=400, trace=False):
        result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert "after decompression" in result.stderr
    assert "Traceback" not in result.output


# --- redirects -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/loop/a", "redirect loop"),
        ("/self", "redirect loop"),
        ("/chain/0", "more than 5 redirects"),
    ],
)
def test_redirect_loops_and_chains_end_with_a_clear_error(
    server: LocalServer, path: str, message: str
) -> None:
    before = len(server.requests)
    with bounded(seconds=5, megabytes=10), pytest.raises(FetchError, match=message):
        fetch_url(server.url(path), allow_private=True)
    assert len(server.requests) - before <= 6  # at most the first hop and five redirects


# --- feeds -----------------------------------------------------------------------------------


def test_billion_laughs_feed_is_refused_without_expanding(server: LocalServer) -> None:
    state = FeedState()
    with bounded(seconds=5, megabytes=20):
        poll = poll_feed(server.url("/laughs.xml"), state, allow_private=True)
    assert isinstance(poll.error, FeedError) and "billion laughs" in str(poll.error)


@pytest.mark.parametrize(
    "prolog",
    [
        "<?xml version='1.0'?><!-- hidden --><?pi x?><!DOCTYPE rss [<!ENTITY a 'b'>]>",
        "<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY % p '<!ENTITY a \"b\">'> %p;]>",
        "<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY a SYSTEM 'file:///etc/passwd'>]>",
        "<?xml version='1.0'?><!DOCTYPE rss [\n\t<!ENTITY\na 'b'>]>",
    ],
    ids=["after-comment", "parameter-entity", "xxe-file", "whitespace"],
)
def test_entity_declarations_in_any_form_are_refused(prolog: str) -> None:
    body = "<rss version='2.0'><channel><title>&a;</title><item><title>x</title></item>"
    body += "</channel></rss>"
    for encoding in ("utf-8", "utf-16"):
        data = (prolog + body).encode(encoding)
        with bounded(seconds=2, megabytes=10), pytest.raises(FeedError, match="ENTITY"):
            read_feed(data, base_url="http://feed.invalid/")


def test_external_dtd_is_never_fetched(server: LocalServer) -> None:
    dtd = server.url("/evil.dtd")
    feed = (
        f"<?xml version='1.0'?><!DOCTYPE rss SYSTEM '{dtd}'><rss version='2.0'><channel>"
        "<title>T</title><item><title>&stolen;</title><description>Aid arrived.</description>"
        "</item></channel></rss>"
    ).encode()
    before = [path for path, _ in server.requests]
    try:
        items = read_feed(feed, base_url="http://feed.invalid/").items
    except FeedError:
        items = []
    assert [path for path, _ in server.requests] == before  # no request for the DTD
    assert all("from the DTD" not in (item.title or "") for item in items)


@pytest.mark.heavy
def test_feed_with_100000_entries_reads_the_newest_and_says_so(server: LocalServer) -> None:
    state = FeedState()
    with bounded(seconds=30, megabytes=100):
        poll = poll_feed(server.url("/big.xml"), state, allow_private=True, max_entries=200)
    assert poll.error is None
    assert [item.title for item in poll.items[:2]] == ["Report 0", "Report 1"]
    assert len(poll.items) == 200
    assert "100,000 entries" in poll.notes[0]
