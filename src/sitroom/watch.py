"""Poll RSS/Atom feeds and ingest their new items: the loop behind ``sitroom watch``.

Each feed is polled when due (``interval`` after a good poll, longer after errors, see
:func:`~sitroom.ingest.feeds.backoff_delay`); each new item is read (its link, else the
entry's text), skipped if its text is already stored, analysed and stored. Entry ids already
handled are kept per feed in a small JSON state file with the HTTP validators, so a restart
neither re-fetches every article nor re-downloads an unchanged feed.

The loop reports through ``on_event`` and returns a summary; it never prints. It stops when
``stop`` is set or after ``max_polls`` rounds.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import httpx

from sitroom import model
from sitroom.batch import Analyser, analyse_and_store
from sitroom.errors import FeedError, IngestError
from sitroom.ingest import IngestOptions
from sitroom.ingest.feeds import DEFAULT_INTERVAL, FeedItem, FeedState, item_document, poll_feed
from sitroom.store import Store

STATE_VERSION = 1


class EventKind(StrEnum):
    stored = "stored"  # a new item analysed and written
    flagged = "flagged"  # a new item stored unanalysed (not English)
    duplicate = "duplicate"  # its text is already in the store
    failed = "failed"  # the item could not be read, analysed or written
    polled = "polled"  # a feed answered; message says how many new items
    not_modified = "not_modified"  # a feed answered 304
    feed_error = "feed_error"  # a feed could not be polled; it is retried later
    note = "note"  # something worth knowing, e.g. a feed cut to max_entries


@dataclass(frozen=True)
class WatchEvent:
    """One thing that happened while watching; ``origin`` is the item link or the feed URL."""

    kind: EventKind
    feed: str
    origin: str
    message: str = ""
    document: model.Document | None = None
    retry: bool = False  # a passing failure (the database): poll this item again next time


@dataclass
class WatchSummary:
    """Counts of events by kind over the whole run, and the number of rounds done."""

    counts: Counter[str] = field(default_factory=Counter)
    rounds: int = 0


@dataclass
class WatchState:
    """Per-feed :class:`FeedState`, loaded from and saved to a JSON file."""

    feeds: dict[str, FeedState] = field(default_factory=dict)

    def feed(self, url: str) -> FeedState:
        return self.feeds.setdefault(url, FeedState())

    @classmethod
    def load(cls, path: Path | None) -> WatchState:
        """Read ``path``; a missing file (or no path) is a fresh state."""
        if path is None or not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            feeds = {url: FeedState.from_dict(value) for url, value in data["feeds"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise FeedError(
                str(path), f"the watch state file cannot be read ({exc}); delete it to start over"
            ) from exc
        return cls(feeds)

    def save(self, path: Path) -> None:
        """Write atomically, so a crash mid-write leaves the previous state."""
        data = {"version": STATE_VERSION, "feeds": {u: s.to_dict() for u, s in self.feeds.items()}}
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps(data, indent=1), encoding="utf-8")
        os.replace(temporary, path)


def watch(
    feeds: Sequence[str],
    *,
    store: Store,
    pipeline: Analyser,
    interval: float = DEFAULT_INTERVAL,
    on_event: Callable[[WatchEvent], None] | None = None,
    stop: threading.Event | None = None,
    state_path: Path | None = None,
    max_polls: int | None = None,
    allow_private: bool = False,
    options: IngestOptions | None = None,
    client: httpx.Client | None = None,
    clock: Callable[[], float] = time.time,
) -> WatchSummary:
    """Poll ``feeds`` until ``stop`` is set (or ``max_polls`` rounds), ingesting new items."""
    if isinstance(feeds, str):
        raise TypeError(f"feeds must be a list of URLs, not one URL; use [{feeds!r}]")
    stop = stop or threading.Event()
    state = WatchState.load(state_path)
    summary = WatchSummary()
    run = _Run(store, pipeline, options or IngestOptions(), allow_private, client)
    run.summary, run.on_event = summary, on_event
    while not stop.is_set():
        for url in feeds:
            feed_state = state.feed(url)
            if feed_state.next_poll <= clock() and not stop.is_set():
                run.poll(url, feed_state, interval, clock)
                if state_path is not None:
                    state.save(state_path)
        summary.rounds += 1
        if max_polls is not None and summary.rounds >= max_polls:
            break
        due = min(state.feed(url).next_poll for url in feeds) if feeds else clock() + interval
        stop.wait(max(0.0, due - clock()))
    return summary


@dataclass
class _Run:
    store: Store
    pipeline: Analyser
    options: IngestOptions
    allow_private: bool
    client: httpx.Client | None
    summary: WatchSummary = field(default_factory=WatchSummary)
    on_event: Callable[[WatchEvent], None] | None = None

    def emit(self, event: WatchEvent) -> None:
        self.summary.counts[event.kind] += 1
        if self.on_event is not None:
            self.on_event(event)

    def poll(self, url: str, state: FeedState, interval: float, clock: Callable[[], float]) -> None:
        result = poll_feed(
            url,
            state,
            interval=interval,
            allow_private=self.allow_private,
            client=self.client,
            clock=clock,
        )
        if result.error is not None:
            retry = max(0.0, state.next_poll - clock())
            message = f"{result.error.reason}; retrying in {retry:.0f} s"
            self.emit(WatchEvent(EventKind.feed_error, url, url, message))
            return
        if result.not_modified:
            self.emit(WatchEvent(EventKind.not_modified, url, url))
            return
        for note in result.notes:
            self.emit(WatchEvent(EventKind.note, url, url, note))
        self.emit(WatchEvent(EventKind.polled, url, url, f"{len(result.items)} new items"))
        for item in result.items:
            event = self.ingest(url, item)
            self.emit(event)
            # A broken item is reported once, not every poll; a database error is retried.
            if not event.retry:
                state.mark_seen(item.id)

    def ingest(self, feed: str, item: FeedItem) -> WatchEvent:
        origin = item.link or item.id
        try:
            document = item_document(
                item, self.options, allow_private=self.allow_private, client=self.client
            )
        except IngestError as exc:
            return WatchEvent(EventKind.failed, feed, origin, exc.reason)
        outcome = analyse_and_store(document, self.pipeline, self.store)
        return WatchEvent(
            EventKind(outcome.status.value),
            feed,
            origin,
            outcome.message,
            document,
            retry=outcome.retry,
        )
