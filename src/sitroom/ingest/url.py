"""Fetch a web page and turn it into a :class:`~sitroom.model.Document`, safely.

Every URL is checked before each request, redirects included: only http(s), no credentials,
and no loopback, private, link-local or otherwise non-public address unless
``allow_private=True`` (see ``_netguard.py``). The host name is resolved once, every address
checked, and the connection made to the checked address (the ``Host`` header and TLS server
name stay the original host), so DNS cannot answer differently between check and connect.

The body is streamed and decompressed here, not by httpx, so that both the bytes on the wire
and the bytes after decompression stop at ``max_bytes``: a gzip bomb is cut off after
``max_bytes`` of output, never inflated in full. A slow server is stopped by ``timeout`` (per
read) and ``deadline`` (the whole fetch).

This module does not parse feeds (``feeds.py``) or retry (the watch loop backs off).
"""

from __future__ import annotations

import ipaddress
import time
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from sitroom.errors import FetchError, UnreadableInput
from sitroom.ingest._decode import decode
from sitroom.ingest._document import (
    DEFAULT_OPTIONS,
    NO_METADATA,
    IngestOptions,
    Metadata,
    build_document,
)
from sitroom.ingest._formats import sniff_kind
from sitroom.ingest._netguard import IPAddress, check_url, checked_address
from sitroom.ingest.html import _declared_charset, extract_html_text
from sitroom.model import Document

DEFAULT_TIMEOUT = 10.0
"""Seconds to wait to connect, and for each read from the server."""
DEFAULT_DEADLINE = 60.0
"""Seconds a whole fetch (all redirects and the body) may take."""
DEFAULT_MAX_FETCH_BYTES = 10_000_000
"""Largest body accepted, counted after decompression."""
DEFAULT_MAX_REDIRECTS = 5
USER_AGENT = "Sitroom (+https://github.com/sitroom; news analysis)"
ACCEPT = "text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, */*;q=0.5"
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
SNIFFED_TYPES = frozenset({"", "application/octet-stream"})
_INFLATE_STEP = 1_048_576


@dataclass(frozen=True)
class FetchedPage:
    """A response body read within the limits, with the URL it finally came from."""

    url: str
    status: int
    headers: httpx.Headers = field(repr=False)
    content: bytes = field(repr=False)
    redirects: tuple[str, ...] = ()

    @property
    def not_modified(self) -> bool:
        """True for a 304 answer to a conditional request (no body)."""
        return self.status == 304

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower case ("" when the server sent none)."""
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        """The charset parameter of Content-Type, if any."""
        for parameter in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'").lower()
        return None

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


def fetch_url(
    url: str,
    *,
    allow_private: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    deadline: float = DEFAULT_DEADLINE,
    max_bytes: int = DEFAULT_MAX_FETCH_BYTES,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    headers: Mapping[str, str] | None = None,
    client: httpx.Client | None = None,
) -> FetchedPage:
    """GET ``url`` within the limits and return the body (or a 304 with none).

    Raise :class:`UnsafeURL` for a refused address or URL (redirect targets too),
    :class:`FetchError` for network errors, HTTP errors, redirect loops and timeouts, and
    :class:`UnreadableInput` for a body over ``max_bytes``. ``headers`` are sent with each
    request (e.g. ``If-None-Match``). A ``client`` passed in is used as is (tests pass one
    with ``httpx.MockTransport``); its own redirect following is not used.
    """
    if client is None:
        # trust_env=False: an HTTP(S)_PROXY would resolve names itself, past our checks.
        with httpx.Client(timeout=timeout, trust_env=False) as own_client:
            return _fetch(
                url, own_client, allow_private, timeout, deadline, max_bytes, max_redirects, headers
            )
    return _fetch(url, client, allow_private, timeout, deadline, max_bytes, max_redirects, headers)


def _fetch(
    url: str,
    client: httpx.Client,
    allow_private: bool,
    timeout: float,
    deadline: float,
    max_bytes: int,
    max_redirects: int,
    headers: Mapping[str, str] | None,
) -> FetchedPage:
    ends = time.monotonic() + deadline
    current = check_url(url)
    visited = [str(current)]
    while True:
        address = checked_address(current, allow_private=allow_private)
        # Each hop may wait at most what is left of the deadline.
        wait = max(0.1, min(timeout, ends - time.monotonic()))
        request = _pinned_request(client, current, address, wait, headers)
        try:
            response = client.send(request, stream=True, follow_redirects=False)
        except httpx.TimeoutException as exc:
            raise FetchError(str(current), f"timed out after {timeout:g} s; try later") from exc
        except httpx.HTTPError as exc:
            raise FetchError(str(current), f"the request failed ({exc!r}); check the URL") from exc
        try:
            if response.status_code in REDIRECT_CODES and "location" in response.headers:
                current = _next_hop(current, response, visited, max_redirects)
                continue
            if response.status_code == 304:
                return _page(current, response, b"", visited)
            if not 200 <= response.status_code < 300:
                raise FetchError(
                    str(current),
                    f"the server answered HTTP {response.status_code} "
                    f"{response.reason_phrase}".rstrip(),
                    status=response.status_code,
                )
            body = _read_body(response, str(current), max_bytes=max_bytes, ends=ends)
            return _page(current, response, body, visited)
        finally:
            response.close()


def _pinned_request(
    client: httpx.Client,
    url: httpx.URL,
    address: IPAddress,
    timeout: float,
    headers: Mapping[str, str] | None,
) -> httpx.Request:
    """A request to ``url`` sent to ``address``: Host and TLS name stay ``url``'s host."""
    pinned = url.copy_with(host=str(address))
    request_headers = {
        "Host": url.netloc.decode("ascii"),
        "User-Agent": USER_AGENT,
        "Accept": ACCEPT,
        # Only encodings decoded here with a size cap (no brotli/zstd).
        "Accept-Encoding": "gzip, deflate",
        # No reuse: the pool is keyed by the pinned IP, so a TLS connection verified for one
        # host name could otherwise carry a request for another name on the same address.
        "Connection": "close",
        **(headers or {}),
    }
    extensions: dict[str, Any] = {"timeout": httpx.Timeout(timeout).as_dict()}
    if url.scheme == "https" and _is_name(url.host):
        extensions["sni_hostname"] = url.host  # certificate checked against the real name
    return client.build_request("GET", pinned, headers=request_headers, extensions=extensions)


def _next_hop(
    current: httpx.URL, response: httpx.Response, visited: list[str], max_redirects: int
) -> httpx.URL:
    target = check_url(current.join(response.headers["location"]))
    if str(target) in visited:
        chain = " -> ".join([*visited, str(target)])
        raise FetchError(visited[0], f"redirect loop ({chain}); the page cannot be fetched")
    if len(visited) > max_redirects:
        raise FetchError(
            visited[0], f"more than {max_redirects} redirects (last to {target}); giving up"
        )
    visited.append(str(target))
    return target


def _page(url: httpx.URL, response: httpx.Response, body: bytes, visited: list[str]) -> FetchedPage:
    return FetchedPage(
        url=str(url),
        status=response.status_code,
        headers=response.headers,
        content=body,
        redirects=tuple(visited[1:]),
    )


def _read_body(response: httpx.Response, origin: str, *, max_bytes: int, ends: float) -> bytes:
    """Read and decompress the body, stopping as soon as either size passes ``max_bytes``."""
    if response.is_stream_consumed:
        # A response built in memory (httpx.MockTransport with content=...): httpx has
        # already read and decoded it; there is no network stream to limit.
        _check_body_size(len(response.content), origin, max_bytes)
        return response.content
    inflater = _Inflater(response.headers.get("content-encoding", ""), origin, max_bytes)
    parts: list[bytes] = []
    raw_size = size = 0
    try:
        # No chunk size: httpx would buffer up to it before yielding, so a server dripping a
        # byte at a time would never reach the deadline check below.
        for chunk in response.iter_raw():
            raw_size += len(chunk)
            for part in inflater.feed(chunk):
                size += len(part)
                _check_body_size(size, origin, max_bytes)
                parts.append(part)
            _check_body_size(raw_size, origin, max_bytes)
            if time.monotonic() > ends:
                raise FetchError(origin, "the download took too long; the server is too slow")
        for part in inflater.flush():
            size += len(part)
            _check_body_size(size, origin, max_bytes)
            parts.append(part)
    except httpx.TimeoutException as exc:
        raise FetchError(origin, "timed out while reading the page; try later") from exc
    except httpx.HTTPError as exc:
        raise FetchError(origin, f"the download failed ({exc!r})") from exc
    return b"".join(parts)


def _check_body_size(size: int, origin: str, max_bytes: int) -> None:
    if size > max_bytes:
        raise UnreadableInput(
            origin,
            f"the page is over the limit of {max_bytes:,} bytes (after decompression); "
            "it was cut off and not read (raise max_bytes if it is a real article)",
        )


class _Inflater:
    """Incremental gzip/deflate decoding that never produces more than the cap per call."""

    def __init__(self, encoding: str, origin: str, max_bytes: int) -> None:
        name = encoding.strip().lower()
        self.origin = origin
        self.room = max_bytes + 1  # output still allowed; one byte over proves "too big"
        if name in ("", "identity"):
            self.inflater = None
        elif name in ("gzip", "x-gzip"):
            self.inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif name == "deflate":
            self.inflater = zlib.decompressobj(zlib.MAX_WBITS)
        else:
            raise FetchError(origin, f"unsupported Content-Encoding {encoding!r}")
        self.raw_deflate_tried = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self.inflater is None:
            yield data
            return
        while data:
            try:
                # Small steps: one big call would hold its output twice while joining it.
                out = self.inflater.decompress(data, max(1, min(self.room, _INFLATE_STEP)))
            except zlib.error as exc:
                data = self._retry_raw_deflate(data, exc)
                continue
            if out:
                self.room -= len(out)
                yield out
            data = self.inflater.unconsumed_tail

    def flush(self) -> Iterator[bytes]:
        if self.inflater is not None:
            yield self.inflater.flush(max(1, self.room))

    def _retry_raw_deflate(self, data: bytes, exc: zlib.error) -> bytes:
        # "deflate" servers often send a raw deflate stream without the zlib header.
        if self.raw_deflate_tried or self.inflater is None or self.inflater.unused_data:
            raise FetchError(self.origin, f"the compressed body is corrupt ({exc})") from exc
        self.raw_deflate_tried = True
        self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        return data


def document_from_url(
    url: str,
    options: IngestOptions = DEFAULT_OPTIONS,
    *,
    allow_private: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_FETCH_BYTES,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    client: httpx.Client | None = None,
) -> Document:
    """Fetch ``url`` (see :func:`fetch_url`) and read the article in it.

    HTML goes through trafilatura: title, site name (as ``source``) and the publication
    date come from the page's metadata; ``url`` is the final URL after redirects.
    """
    page = fetch_url(
        url,
        allow_private=allow_private,
        timeout=timeout,
        max_bytes=max_bytes,
        max_redirects=max_redirects,
        client=client,
    )
    return document_from_page(page, options)


def document_from_page(
    page: FetchedPage, options: IngestOptions = DEFAULT_OPTIONS, *, defaults: Metadata = NO_METADATA
) -> Document:
    """Read the article in a fetched page; ``defaults`` fill metadata the page lacks."""
    origin = page.url
    kind = _kind(page)
    if kind == "html":
        declared = page.charset or _declared_charset(page.content)
        markup = decode(page.content, origin=origin, declared=declared)
        text, found = extract_html_text(markup, origin=origin)
    else:
        text, found = decode(page.content, origin=origin, declared=page.charset), NO_METADATA
    metadata = Metadata(
        title=found.title or defaults.title,
        source=found.source or defaults.source,
        url=page.url,  # where the text really came from, not the page's canonical claim
        published=found.published or defaults.published,
        warnings=(*defaults.warnings, *found.warnings),
    )
    return build_document(text, origin=origin, options=options, metadata=metadata)


def _kind(page: FetchedPage) -> str:
    content_type = page.content_type
    if content_type in HTML_TYPES:
        return "html"
    if content_type in TEXT_TYPES:
        return "text"
    if content_type in SNIFFED_TYPES:
        sniffed = sniff_kind(page.content)
        if sniffed in ("html", "text"):
            return sniffed
    raise UnreadableInput(
        page.url,
        f"the content type {content_type or '(none)'!r} is not an article; "
        "Sitroom reads HTML and plain-text pages",
    )


def _is_name(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return True
    return False
