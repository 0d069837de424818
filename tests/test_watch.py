"""The feed-watching loop: new items stored once, 304s, state file, errors, stopping.

All HTTP goes to ``httpx.MockTransport`` (public IP literals, never connected); the analyser
is a stand-in that returns an empty result, so no spaCy model is loaded.
"""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import httpx
import pytest

from sitroom import model
from sitroom.errors import FeedError
from sitroom.store import Store
from sitroom.watch import EventKind, WatchEvent, WatchState, watch

FEED_URL = "http://93.184.216.34/feed.xml"
OTHER_FEED = "http://93.184.216.35/feed.xml"


class EmptyAnalyser:
    """Counts calls; returns a result with no extractions."""

    def __init__(self) -> None:
        self.calls = 0

    def analyse(self, document: model.Document) -> model.DocumentResult:
        self.calls += 1
        return model.DocumentResult(document=document.info())


def article(sentence: str) -> bytes:
    body = f"<p>{sentence}</p><p>Officials said repairs would take several more days.</p>"
    page = f"<html><head><title>Story</title></head><body><article>{body}</article></body></html>"
    return page.encode()


ARTICLES = {
    "/a/1": article("Flood water reached the lower town on Monday night, residents said."),
    "/a/2": article("The regional airport cancelled all flights after the storm, staff said."),
    "/a/3": article("Flood water reached the lower town on Monday night, residents said."),
}


def feed_xml(paths: list[str]) -> bytes:
    items = "".join(
        f"<item><title>Item {p}</title><link>http://93.184.216.34{p}</link>"
        f"<guid isPermaLink='false'>{p}</guid><pubDate>Mon, 13 Mar 2023 21:00:00 GMT</pubDate>"
        "</item>"
        for p in paths
    )
    return (
        f"<rss version='2.0'><channel><title>Lowland News</title>{items}</channel></rss>".encode()
    )


class Site:
    """A mock web site: one feed with an ETag, and article pages; counts requests per path."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths
        self.requests: Counter[str] = Counter()
        self.client = httpx.Client(transport=httpx.MockTransport(self.handle))

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.requests[path] += 1
        if str(request.url) == OTHER_FEED:
            return httpx.Response(500)
        if path == "/feed.xml":
            etag = f'"{len(self.paths)}"'
            if request.headers.get("if-none-match") == etag:
                return httpx.Response(304)
            return httpx.Response(200, headers={"ETag": etag}, content=feed_xml(self.paths))
        if path in ARTICLES:
            return httpx.Response(
                200, headers={"Content-Type": "text/html"}, content=ARTICLES[path]
            )
        return httpx.Response(404)


def test_watch_stores_new_items_once(tmp_path: Path) -> None:
    site = Site(["/a/1", "/a/2", "/a/3"])
    events: list[WatchEvent] = []
    analyser = EmptyAnalyser()
    with Store.memory() as store:
        summary = watch(
            [FEED_URL],
            store=store,
            pipeline=analyser,
            interval=0,
            on_event=events.append,
            max_polls=2,
            client=site.client,
            state_path=tmp_path / "state.json",
        )
        assert summary.rounds == 2
        kinds = [event.kind for event in events]
        assert kinds == [
            EventKind.polled,
            EventKind.stored,
            EventKind.stored,
            EventKind.duplicate,  # /a/3 repeats /a/1's text
            EventKind.not_modified,  # second round: the feed answered 304
        ]
        stored = [e.document for e in events if e.kind == EventKind.stored]
        assert all(d is not None and d.published == "2023-03-13T21:00:00+00:00" for d in stored)
        assert all(store.has(d.content_hash) for d in stored if d is not None)
        assert analyser.calls == 2
    assert site.requests["/feed.xml"] == 2


def test_watch_state_file_prevents_refetching(tmp_path: Path) -> None:
    state_path = tmp_path / "state.json"
    site = Site(["/a/1", "/a/2"])
    with Store.memory() as store:
        watch(
            [FEED_URL],
            store=store,
            pipeline=EmptyAnalyser(),
            interval=0,
            max_polls=1,
            client=site.client,
            state_path=state_path,
        )
    saved = WatchState.load(state_path).feeds[FEED_URL]
    assert saved.seen == ["/a/1", "/a/2"] and saved.etag == '"2"'

    site.paths.append("/a/3")  # a new item: the ETag changes, old items are not fetched again
    events: list[WatchEvent] = []
    with Store.memory() as store:
        watch(
            [FEED_URL],
            store=store,
            pipeline=EmptyAnalyser(),
            interval=0,
            max_polls=1,
            client=site.client,
            state_path=state_path,
            on_event=events.append,
        )
    assert [e.origin for e in events if e.kind == EventKind.stored] == ["http://93.184.216.34/a/3"]
    assert site.requests["/a/1"] == 1 and site.requests["/a/2"] == 1


def test_watch_feed_error_does_not_stop_other_feeds() -> None:
    site = Site(["/a/2"])
    events: list[WatchEvent] = []
    with Store.memory() as store:
        summary = watch(
            [OTHER_FEED, FEED_URL],
            store=store,
            pipeline=EmptyAnalyser(),
            interval=0,
            max_polls=1,
            client=site.client,
            on_event=events.append,
        )
    assert events[0].kind == EventKind.feed_error and "HTTP 500" in events[0].message
    assert "retrying in" in events[0].message
    assert summary.counts[EventKind.stored] == 1


def test_watch_refuses_private_feed_unless_allowed() -> None:
    events: list[WatchEvent] = []
    with Store.memory() as store:
        watch(
            ["http://10.0.0.5/feed.xml"],
            store=store,
            pipeline=EmptyAnalyser(),
            interval=0,
            max_polls=1,
            on_event=events.append,
        )
    assert [e.kind for e in events] == [EventKind.feed_error]
    assert "private network" in events[0].message


def test_watch_stops_when_stop_is_set() -> None:
    site = Site(["/a/1"])
    stop = threading.Event()

    def on_event(event: WatchEvent) -> None:
        if event.kind == EventKind.stored:
            stop.set()

    with Store.memory() as store:
        summary = watch(
            [FEED_URL],
            store=store,
            pipeline=EmptyAnalyser(),
            interval=3600,
            stop=stop,
            on_event=on_event,
            client=site.client,
        )
    assert summary.rounds == 1  # returned without waiting out the hour


def test_watch_rejects_single_string() -> None:
    with Store.memory() as store, pytest.raises(TypeError, match="list of URLs"):
        watch(FEED_URL, store=store, pipeline=EmptyAnalyser())


def test_watch_state_unreadable_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(FeedError, match="delete it to start over"):
        WatchState.load(path)


def test_watch_retries_an_item_the_database_refused(tmp_path: Path) -> None:
    """A failed write (a passing problem) leaves the item unseen, so the next poll stores it."""
    from sitroom.errors import StoreError

    site = Site(["/a/1"])
    state_path = tmp_path / "state.json"
    with Store.memory() as store:
        real_add = store.add
        calls = {"n": 0}

        def flaky_add(*args, **kwargs):  # the first write fails, as a locked database would
            calls["n"] += 1
            if calls["n"] == 1:
                raise StoreError("database is locked")
            return real_add(*args, **kwargs)

        store.add = flaky_add  # type: ignore[method-assign]

        def poll_once(store: Store) -> list[WatchEvent]:
            events: list[WatchEvent] = []
            watch(
                [FEED_URL],
                store=store,
                pipeline=EmptyAnalyser(),
                interval=0,
                max_polls=1,
                client=site.client,
                state_path=state_path,
                on_event=events.append,
            )
            return events

        first = poll_once(store)
        assert [e.kind for e in first if e.kind != EventKind.polled] == [EventKind.failed]
        site.paths = ["/a/1", "/a/2"]  # a new feed version, so the feed is not a 304
        second = poll_once(store)
        stored = [e.origin for e in second if e.kind == EventKind.stored]
        assert any(origin.endswith("/a/1") for origin in stored)
