"""RSS and Atom feeds: parse them safely, poll them politely, turn their items into Documents.

Parsing uses feedparser, fed from memory (never a URL or path: feedparser would fetch it
itself, past the address checks in ``url.py``). Two guards run before it:

- a feed that declares XML entities (``<!ENTITY``, anywhere before the first element) is
  refused with :class:`FeedError`: entity expansion ("billion laughs") could take any amount of
  memory, and no real news feed needs its own entities;
- at most ``max_entries`` entries are parsed per poll: the XML between the end of entry
  ``max_entries`` and the end of the last entry is cut out before parsing (feedparser builds
  every entry in memory, ~0.2 ms each). Feeds list newest first, so the newest are kept.

Polling sends ``If-None-Match`` / ``If-Modified-Since`` from the previous answer and backs
off exponentially after errors. This module keeps no state of its own: the caller keeps a
:class:`FeedState` per feed (``watch.py`` saves them to a JSON file).
"""

from __future__ import annotations

import hashlib
import io
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import httpx

from sitroom.errors import FeedError, IngestError
from sitroom.ingest._document import DEFAULT_OPTIONS, IngestOptions, Metadata, build_document
from sitroom.ingest.url import (
    DEFAULT_MAX_FETCH_BYTES,
    DEFAULT_TIMEOUT,
    document_from_page,
    fetch_url,
)
from sitroom.model import Document

DEFAULT_MAX_ENTRIES = 1_000
"""Entries read from one poll of one feed; the rest (the oldest) are skipped, with a note."""
DEFAULT_INTERVAL = 300.0
"""Seconds between two polls of a feed that answered normally."""
MAX_BACKOFF = 6 * 3600.0
"""Longest wait after repeated errors."""
MAX_SEEN = 5_000
"""Entry ids remembered per feed (more than one poll can return)."""

# "<!ENTITY" in any ASCII-compatible encoding, or UTF-16/32 (NUL bytes between letters).
_ENTITY_DECLARATION = re.compile(
    rb"\x00*".join([rb"<", rb"!", *(rb"[Ee]", rb"[Nn]", rb"[Tt]", rb"[Ii]", rb"[Tt]", rb"[Yy]")])
)
_FIRST_ELEMENT = re.compile(rb"<\x00*[A-Za-z]")
_ENTRY_END = re.compile(rb"</(?:[\w.-]+:)?(?:item|entry)\s*>", re.IGNORECASE)
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section"}
)


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed; ``content`` is the entry's (sanitised) HTML or text."""

    id: str
    link: str | None = None
    title: str | None = None
    published: str | None = None
    content: str = field(default="", repr=False)
    feed_title: str | None = None


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its title, its items, and how many entries it really had."""

    title: str | None
    items: list[FeedItem]
    total_entries: int

    @property
    def truncated(self) -> bool:
        return self.total_entries > len(self.items)


@dataclass
class FeedState:
    """What a poller remembers about one feed between polls (JSON-serialisable)."""

    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    next_poll: float = 0.0
    last_error: str | None = None
    seen: list[str] = field(default_factory=list)

    def mark_seen(self, item_id: str) -> None:
        if item_id not in self.seen:
            self.seen.append(item_id)
            del self.seen[:-MAX_SEEN]

    def to_dict(self) -> dict[str, Any]:
        return {
            "etag": self.etag,
            "last_modified": self.last_modified,
            "failures": self.failures,
            "next_poll": self.next_poll,
            "last_error": self.last_error,
            "seen": list(self.seen),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeedState:
        return cls(
            etag=data.get("etag"),
            last_modified=data.get("last_modified"),
            failures=int(data.get("failures", 0)),
            next_poll=float(data.get("next_poll", 0.0)),
            last_error=data.get("last_error"),
            seen=[str(item) for item in data.get("seen", [])],
        )


@dataclass(frozen=True)
class FeedPoll:
    """The outcome of one poll: new items, "not modified", or the error that stopped it."""

    url: str
    items: list[FeedItem] = field(default_factory=list)
    not_modified: bool = False
    error: IngestError | None = None
    notes: tuple[str, ...] = ()


def parse_feed(
    data: bytes, *, base_url: str, max_entries: int = DEFAULT_MAX_ENTRIES
) -> list[FeedItem]:
    """Parse an RSS or Atom feed into at most ``max_entries`` items (see :func:`read_feed`)."""
    return read_feed(data, base_url=base_url, max_entries=max_entries).items


def read_feed(data: bytes, *, base_url: str, max_entries: int = DEFAULT_MAX_ENTRIES) -> Feed:
    """Parse an RSS or Atom feed; raise :class:`FeedError` if it is not one or is hostile.

    Relative links resolve against ``base_url`` (the feed's URL).
    """
    import feedparser  # imported here: only feed users pay for it

    if max_entries < 1:
        raise ValueError(f"max_entries must be at least 1, not {max_entries!r}")

    check_no_entities(data, origin=base_url)
    data, total = _keep_first_entries(data, max_entries)
    try:
        parsed = feedparser.parse(
            io.BytesIO(data),  # a stream: a str or bytes could make feedparser fetch a URL
            response_headers={"content-location": base_url},
            sanitize_html=True,
            resolve_relative_uris=True,
        )
    except Exception as exc:
        # feedparser's fallback parser can raise assorted errors on hostile input; one bad
        # feed must not stop a watch, so it is reported as this feed's problem.
        raise FeedError(base_url, f"the feed could not be parsed ({exc!r})") from exc
    if not parsed.entries and (parsed.get("bozo") or not parsed.get("version")):
        problem = parsed.get("bozo_exception") or "no feed elements found"
        raise FeedError(base_url, f"not an RSS or Atom feed ({problem}); check the feed URL")
    title = parsed.feed.get("title") or None
    items = [_item(entry, title, base_url) for entry in parsed.entries[:max_entries]]
    return Feed(title=title, items=items, total_entries=max(total, len(parsed.entries)))


def check_no_entities(data: bytes, *, origin: str) -> None:
    """Raise :class:`FeedError` if the XML prolog declares entities."""
    first = _FIRST_ELEMENT.search(data)
    prolog = data[: first.start()] if first else data
    if _ENTITY_DECLARATION.search(prolog):
        raise FeedError(
            origin,
            "the feed declares XML entities (<!ENTITY ...>), which can expand without bound "
            "(a 'billion laughs' attack); refused. Real news feeds do not need them",
        )


def _keep_first_entries(data: bytes, max_entries: int) -> tuple[bytes, int]:
    """Cut the XML after entry ``max_entries``, keeping the closing tags after the last entry."""
    ends = [match.end() for match in _ENTRY_END.finditer(data)]
    if len(ends) <= max_entries:
        return data, len(ends)
    return data[: ends[max_entries - 1]] + data[ends[-1] :], len(ends)


def _item(entry: Any, feed_title: str | None, base_url: str) -> FeedItem:
    link = entry.get("link") or None
    title = entry.get("title") or None
    content = _entry_content(entry)
    item_id = entry.get("id") or link or _digest(base_url, title or "", content)
    # dict.get: feedparser's own get() maps a missing "updated" to "published", with a warning.
    published = _iso(dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed"))
    return FeedItem(
        id=str(item_id),
        link=link,
        title=title,
        published=published,
        content=content,
        feed_title=feed_title,
    )


def _entry_content(entry: Any) -> str:
    contents = [part.get("value", "") for part in entry.get("content", []) or []]
    longest = max(contents, key=len, default="")
    summary = entry.get("summary", "") or ""
    return longest if len(longest) >= len(summary) else summary


def _iso(parsed: time.struct_time | None) -> str | None:
    """feedparser's UTC struct_time as ISO 8601, or None for a missing or impossible date."""
    if parsed is None:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC).isoformat(timespec="seconds")
    except (TypeError, ValueError, OverflowError):
        return None


def _digest(*parts: str) -> str:
    return "sha1:" + hashlib.sha1("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()


def backoff_delay(failures: int, interval: float) -> float:
    """Seconds to wait after ``failures`` errors in a row: doubling, capped at MAX_BACKOFF."""
    if failures <= 0:
        return interval
    return min(max(interval, 1.0) * 2.0 ** min(failures, 30), max(MAX_BACKOFF, interval))


def poll_feed(
    url: str,
    state: FeedState,
    *,
    interval: float = DEFAULT_INTERVAL,
    allow_private: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_FETCH_BYTES,
    max_entries: int = DEFAULT_MAX_ENTRIES,
    client: httpx.Client | None = None,
    clock: Callable[[], float] = time.time,
) -> FeedPoll:
    """Poll one feed once; return the items not in ``state.seen``, or the error.

    Updates ``state`` in place: validators for the next conditional request, and
    ``next_poll`` (``interval`` after a good poll, exponential backoff after errors).
    Items are not marked seen here; the caller does that once it has handled them.
    """
    headers = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    try:
        page = fetch_url(
            url,
            allow_private=allow_private,
            timeout=timeout,
            max_bytes=max_bytes,
            headers=headers,
            client=client,
        )
        feed = None
        if not page.not_modified:
            feed = read_feed(page.content, base_url=page.url, max_entries=max_entries)
    except IngestError as exc:
        state.failures += 1
        state.last_error = str(exc)
        state.next_poll = clock() + backoff_delay(state.failures, interval)
        return FeedPoll(url, error=exc)
    state.failures, state.last_error = 0, None
    state.next_poll = clock() + interval
    if feed is None:
        return FeedPoll(url, not_modified=True)
    state.etag = page.etag or state.etag
    state.last_modified = page.last_modified or state.last_modified
    seen = set(state.seen)
    new = [item for item in feed.items if item.id not in seen]
    notes: tuple[str, ...] = ()
    if feed.truncated:
        notes = (
            f"{url}: the feed has {feed.total_entries:,} entries; only the first "
            f"{len(feed.items):,} were read this poll (max_entries={max_entries:,})",
        )
    return FeedPoll(url, items=new, notes=notes)


def item_document(
    item: FeedItem,
    options: IngestOptions = DEFAULT_OPTIONS,
    *,
    allow_private: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_FETCH_BYTES,
    client: httpx.Client | None = None,
) -> Document:
    """The article behind a feed item: its link fetched, or else the entry's own text.

    The publication date is the entry's (unless ``options`` sets one); title and source come
    from the page, else from the entry and the feed title.
    """
    if item.published and not options.published:
        options = replace(options, published=item.published)
    defaults = Metadata(title=item.title, source=item.feed_title)
    problem = "the entry has no link"
    if item.link:
        try:
            page = fetch_url(
                item.link,
                allow_private=allow_private,
                timeout=timeout,
                max_bytes=max_bytes,
                client=client,
            )
            return document_from_page(page, options, defaults=defaults)
        except IngestError as exc:
            if not item.content.strip():
                raise
            problem = f"the link could not be read ({exc.reason})"
    origin = item.link or item.id
    metadata = replace(
        defaults, url=item.link, warnings=(f"{origin}: {problem}; used the feed entry's text",)
    )
    text = html_to_text(item.content)
    return build_document(text, origin=origin, options=options, metadata=metadata)


def html_to_text(markup: str) -> str:
    """The text of an HTML fragment (a feed entry), one block per line; scripts dropped."""
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    lines = ("".join(line).strip() for line in parser.lines)
    return "\n".join(" ".join(line.split()) for line in lines if line.strip())


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[list[str]] = [[]]
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.lines.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.lines.append([])

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.lines[-1].append(data)
